package dev.leadline.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The service as {@code java} runs it: dev.leadline.Leadline in a JVM of its own, on the service's runtime
 * classpath (its classes, the packaged routes and settings, its libraries; no test classes), in a working
 * directory, its output to a log file. The caller adds the environment.
 */
public final class ServiceJvm {

    private ServiceJvm() {
    }

    public static ProcessBuilder builder(Path workingDir, Path log) {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", mainClasspath(), "dev.leadline.Leadline").directory(workingDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
    }

    private static String mainClasspath() {
        String classpath = System.getProperty("java.class.path");
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.endsWith("test-classes") && !entry.endsWith("test-classes" + File.separator)) {
                entries.add(entry);
            }
        }
        assertTrue(entries.stream().anyMatch(e -> e.endsWith("classes") || e.endsWith("classes" + File.separator)),
                "the main classes are not on " + classpath);
        return String.join(File.pathSeparator, entries);
    }
}
