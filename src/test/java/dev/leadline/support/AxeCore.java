package dev.leadline.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * axe-core, Deque's accessibility engine, from the npm registry (it is served there, not as a WebJar): the
 * package's tarball, pinned by version and by the registry's sha512 integrity, kept in ~/.cache/leadline after
 * the first download (the test run needs the npm registry once, as the build needs Maven Central). Run in the
 * page by WebDriver, which the page's Content-Security-Policy does not govern.
 */
public final class AxeCore {

    static final String VERSION = "4.14.1";
    static final URI TARBALL = URI.create("https://registry.npmjs.org/axe-core/-/axe-core-" + VERSION + ".tgz");
    static final String INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==";

    /** WCAG 2.0 and 2.1, levels A and AA: what the page promises. */
    static final String RUN = """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
               .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                     + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));
            """;

    private static String script;

    private AxeCore() {
    }

    /** The WCAG A and AA violations axe finds in the page as it is now, each with up to three of its elements. */
    @SuppressWarnings("unchecked")
    public static List<String> violations(Browser browser) throws IOException, InterruptedException {
        if (!Boolean.TRUE.equals(browser.script("return typeof axe !== 'undefined'"))) {
            browser.script(script());
        }
        Object found = browser.driver().executeAsyncScript(RUN);
        return new ArrayList<>((List<String>) found);
    }

    static synchronized String script() throws IOException, InterruptedException {
        if (script == null) {
            script = axeMinJs(tarball());
        }
        return script;
    }

    private static byte[] tarball() throws IOException, InterruptedException {
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "leadline", "axe-core-" + VERSION + ".tgz");
        if (Files.exists(cached) && intact(Files.readAllBytes(cached))) {
            return Files.readAllBytes(cached);
        }
        HttpResponse<byte[]> answer = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build()
                .send(HttpRequest.newBuilder(TARBALL).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200 || !intact(answer.body())) {
            throw new IOException("axe-core " + VERSION + " from " + TARBALL + ": HTTP " + answer.statusCode()
                    + (answer.statusCode() == 200 ? ", not the pinned sha512" : ""));
        }
        Files.createDirectories(cached.getParent());
        Files.write(cached, answer.body());
        return answer.body();
    }

    private static boolean intact(byte[] tarball) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(tarball);
            return ("sha512-" + Base64.getEncoder().encodeToString(digest)).equals(INTEGRITY);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** package/axe.min.js out of the gzipped tar (ustar: 512-byte headers, the size in octal at 124). */
    private static String axeMinJs(byte[] tarball) throws IOException {
        try (InputStream tar = new GZIPInputStream(new java.io.ByteArrayInputStream(tarball))) {
            byte[] header = new byte[512];
            while (tar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "").trim();
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
                byte[] content = tar.readNBytes((int) size);
                tar.readNBytes((int) ((512 - size % 512) % 512));
                if (name.equals("package/axe.min.js")) {
                    return new String(content, StandardCharsets.UTF_8);
                }
            }
        }
        throw new IOException("no package/axe.min.js in axe-core " + VERSION);
    }

    /** For a failure's reader: the violations, one a line. */
    public static String describe(Map<String, List<String>> byView) {
        StringBuilder text = new StringBuilder();
        byView.forEach((view, found) -> found.forEach(v -> text.append(view).append(": ").append(v).append('\n')));
        return text.toString();
    }
}
