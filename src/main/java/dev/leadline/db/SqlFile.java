package dev.leadline.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A statement kept in a classpath file (sql/...), for the beans that run it over JDBC rather than camel-sql. */
public final class SqlFile {

    private SqlFile() {
    }

    /** The text of a classpath resource such as {@code sql/intake/store-messages.sql}. */
    public static String read(String resource) {
        try (InputStream in = SqlFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
