package dev.leadline.page;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import dev.leadline.web.NotFound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebPage's index of the packaged files, read from a jar (as from the shaded jar) and from a directory (as from
 * the build): only web/'s files with a known type, at their URLs; the version follows their content.
 */
class WebPageFilesTest {

    @TempDir
    Path dir;

    @Test
    void fromAJarOnlyTheWebFolderAtItsUrls() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("web/index.html", "<script type=\"module\" src=\"/assets/app.js\"></script><a href='/assets/x'>");
        entries.put("web/app.js", "import './lib/api.js';");
        entries.put("web/lib/api.js", "export const a = 1;");
        entries.put("web/notes.exe", "MZ");
        entries.put("application.properties", "secret = 1");
        entries.put("routes/web-page.camel.yaml", "- route:");
        WebPage page = new WebPage(loader(jar("one.jar", entries)));
        String v = page.version();
        assertTrue(v.matches("[0-9a-f]{12}"), v);

        Map<String, Object> index = page.file("/");
        assertEquals("text/html; charset=utf-8", index.get("contentType"));
        assertEquals(WebPage.REVALIDATE, index.get("cacheControl"));
        // only a double-quoted "/assets/ link is versioned
        assertEquals("<script type=\"module\" src=\"/assets/" + v + "/app.js\"></script><a href='/assets/x'>",
                new String((byte[]) index.get("bytes"), StandardCharsets.UTF_8));
        Map<String, Object> api = page.file("/assets/" + v + "/lib/api.js");
        assertEquals("text/javascript; charset=utf-8", api.get("contentType"));
        assertEquals(WebPage.IMMUTABLE, api.get("cacheControl"));
        assertArrayEquals("export const a = 1;".getBytes(StandardCharsets.UTF_8), (byte[]) api.get("bytes"));
        assertEquals(WebPage.REVALIDATE, page.file("/assets/lib/api.js").get("cacheControl"));

        for (String path : new String[] {"/assets/" + v + "/notes.exe", "/assets/notes.exe", "/application.properties",
                "/assets/application.properties", "/assets/" + v + "/index.html", "/index.html", "/web/index.html",
                "/assets/" + v + "/../application.properties", "/assets/" + v + "/lib/../app.js", "", null}) {
            assertThrows(NotFound.class, () -> page.file(path), String.valueOf(path));
        }
    }

    @Test
    void theVersionChangesWithAnyAssetAndNotWithIndexHtml() throws Exception {
        String one = new WebPage(loader(jar("a.jar", Map.of("web/index.html", "a", "web/app.js", "1")))).version();
        String sameAssets = new WebPage(loader(jar("b.jar", Map.of("web/index.html", "b", "web/app.js", "1")))).version();
        String changed = new WebPage(loader(jar("c.jar", Map.of("web/index.html", "a", "web/app.js", "2")))).version();
        assertEquals(one, sameAssets);
        assertNotEquals(one, changed);
    }

    @Test
    void fromADirectoryAsWhenRunFromTheBuild() throws Exception {
        Path web = Files.createDirectories(dir.resolve("classes/web/css"));
        Files.writeString(web.getParent().resolve("index.html"), "<link href=\"/assets/css/app.css\">");
        Files.writeString(web.resolve("app.css"), "body{}");
        WebPage page = new WebPage(new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, null));
        assertEquals("text/css; charset=utf-8", page.file("/assets/" + page.version() + "/css/app.css").get("contentType"));
        assertTrue(new String((byte[]) page.file("/").get("bytes"), StandardCharsets.UTF_8).contains(page.version()));
    }

    @Test
    void noIndexHtmlFailsTheStart() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new WebPage(loader(jar("empty.jar", Map.of("web/app.js", "1")))));
        assertTrue(e.getMessage().contains("web/index.html"), e.getMessage());
    }

    private Path jar(String name, Map<String, String> entries) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** A class loader that sees only the jar (no parent's web/ folder). */
    private static ClassLoader loader(Path jar) throws IOException {
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }
}
