package dev.leadline.page;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in web page over real HTTP (routes/web-page.camel.yaml): index.html and the packaged assets with
 * their types, caching and security headers; HEAD and gzip; and nothing else of the jar or the working directory,
 * however the path is spelled (sent byte for byte on a socket, so no client normalises it first).
 * src/test/resources/web/serving-probe/probe.css is a test-only asset in a subfolder.
 */
class WebPageServingTest {

    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final String PROBE = "serving-probe/probe.css";

    private static LeadlineApp app;
    private static String version;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
        version = app.context().getRegistry().lookupByNameAndType("webPage", WebPage.class).version();
    }

    @Test
    void theIndexIsServedAtTheRootRevalidatedWithTheSecurityHeaders() throws Exception {
        Raw index = Raw.get(app, "/", Map.of());
        assertEquals(200, index.status, index.text());
        assertEquals("text/html; charset=utf-8", index.header("content-type"));
        assertEquals("no-cache", index.header("cache-control"));
        assertPageSecurityHeaders(index, "/");
        assertTrue(index.text().contains("<html"), index.text());
        // the real file (before the version is put into its links) is what is served
        String packaged = new String(getClass().getClassLoader().getResourceAsStream("web/index.html").readAllBytes(),
                StandardCharsets.UTF_8);
        assertEquals(packaged.replace("\"/assets/", "\"/assets/" + version + "/"), index.text());
        assertEquals(String.valueOf(index.body.length), index.header("content-length"));
    }

    @Test
    void everyAssetTheIndexLinksIsServedVersionedWithItsTypeAndCachedForAYear() throws Exception {
        Raw index = Raw.get(app, "/", Map.of());
        Matcher link = Pattern.compile("\"(/assets/[^\"]*)\"").matcher(index.text());
        List<String> links = new ArrayList<>();
        while (link.find()) {
            links.add(link.group(1));
        }
        links.add("/assets/" + version + "/" + PROBE);
        for (String path : links) {
            assertTrue(path.startsWith("/assets/" + version + "/"), path + " is versioned");
            Raw asset = Raw.get(app, path, Map.of());
            assertEquals(200, asset.status, path);
            String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            assertEquals(WebPage.TYPES.get(ext), asset.header("content-type"), path);
            assertEquals("public, max-age=31536000, immutable", asset.header("cache-control"), path);
            assertEquals("Accept-Encoding", asset.header("vary"), path);
            assertPageSecurityHeaders(asset, path);
            assertTrue(asset.body.length > 0, path);
        }
        Raw probe = Raw.get(app, "/assets/" + version + "/" + PROBE, Map.of());
        assertEquals("text/css; charset=utf-8", probe.header("content-type"));
        assertArrayEquals(getClass().getClassLoader().getResourceAsStream("web/" + PROBE).readAllBytes(), probe.body);
        // the unversioned URL, for a hand-written link: the same file, revalidated
        Raw unversioned = Raw.get(app, "/assets/" + PROBE, Map.of());
        assertEquals(200, unversioned.status);
        assertEquals("no-cache", unversioned.header("cache-control"));
        assertArrayEquals(probe.body, unversioned.body);
    }

    @Test
    void headAnswersTheHeadersWithoutTheBody() throws Exception {
        for (String path : List.of("/", "/assets/" + version + "/" + PROBE)) {
            Raw get = Raw.get(app, path, Map.of());
            Raw head = Raw.send(app, "HEAD " + path + " HTTP/1.1", Map.of());
            assertEquals(200, head.status, path);
            assertEquals(0, head.body.length, path);
            for (String name : List.of("content-type", "content-length", "cache-control", "content-security-policy",
                    "referrer-policy", "x-content-type-options")) {
                assertEquals(get.header(name), head.header(name), path + " " + name);
            }
        }
    }

    @Test
    void gzipWhenTheBrowserAsksForIt() throws Exception {
        for (String path : List.of("/", "/assets/" + version + "/" + PROBE)) {
            Raw plain = Raw.get(app, path, Map.of());
            Raw zipped = Raw.get(app, path, Map.of("Accept-Encoding", "gzip, deflate, br"));
            assertEquals(200, zipped.status, path);
            assertEquals("gzip", zipped.header("content-encoding"), path);
            assertEquals(plain.header("cache-control"), zipped.header("cache-control"), path);
            assertPageSecurityHeaders(zipped, path);
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body))) {
                assertArrayEquals(plain.body, in.readAllBytes(), path + " unzips to the file");
            }
            assertEquals(null, plain.header("content-encoding"), path + " is plain unless asked");
        }
        // the API's JSON too, and a client that does not ask gets it plain (the API tests all do)
        Raw api = Raw.get(app, "/api/leads", Map.of("Authorization", "Bearer " + Workspaces.DEMO_TOKEN,
                "Accept-Encoding", "gzip"));
        assertEquals(200, api.status);
        assertEquals("gzip", api.header("content-encoding"));
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(api.body))) {
            assertTrue(JSON.readTree(in).has("items"));
        }
    }

    @Test
    void nothingButThePageIsServedHoweverThePathIsSpelled() throws Exception {
        String v = "/assets/" + version;
        List<String> paths = List.of(
                "/application.properties", "/log4j2.properties", "/pom.xml", "/README.md",
                "/routes/kapso-intake.camel.yaml", "/routes/kapso-intake.yaml", "/routes/web-page.camel.yaml", "/openapi/leadline.yaml",
                "/db/migration/V1__intake_schema.sql", "/sql/api/get-workspace.sql",
                "/dev/leadline/Leadline.class", "/dev/leadline/page/WebPage.class", "/META-INF/MANIFEST.MF",
                "/index.html", "/web/index.html", "/web/", "/web", "/%77eb/index.html", "/web%2findex.html",
                "/web%252findex.html", "/%2577eb/index.html",
                "/../", "/..", "/../application.properties", "/../pom.xml", "/../../../../etc/passwd",
                "/%2e%2e/", "/%2e%2e/application.properties", "/%2E%2E/pom.xml", "/.%2e/application.properties",
                "/..%2f", "/..%2fapplication.properties", "/..%2F..%2Fpom.xml", "/..%5capplication.properties",
                "/%252e%252e/application.properties", "/%252e%252e%252fapplication.properties",
                "/%c0%ae%c0%ae/application.properties",
                "/assets", "/assets/", "/assets/../../application.properties", "/assets/%2e%2e/%2e%2e/application.properties",
                "/assets/..%2f..%2fapplication.properties", "/assets/%252e%252e/application.properties",
                "/assets/index.html", "/assets/web/index.html", "/assets/application.properties",
                "/assets/routes/kapso-intake.camel.yaml", "/assets/../routes/kapso-intake.camel.yaml",
                v, v + "/", v + "/index.html", v + "/../../application.properties", v + "/%2e%2e/%2e%2e/pom.xml",
                v + "/serving-probe/../../../application.properties", v + "/serving-probe%2fprobe.css",
                v + "/serving-probe/probe.css%00", v + "/serving-probe/probe.css/", v + "/serving-probe/probe.css.map",
                v + "/SERVING-PROBE/PROBE.CSS", "/assets/000000000000/" + PROBE, "/assets//" + PROBE,
                "/assets/" + version + "x/" + PROBE);
        List<String> failures = new ArrayList<>();
        for (String path : paths) {
            for (String method : List.of("GET", "HEAD")) {
                Raw answer = Raw.send(app, method + " " + path + " HTTP/1.1", Map.of());
                String what = method + " " + path + " -> " + answer.status + " " + answer.text();
                if (answer.status != 404) {
                    failures.add(what);
                    continue;
                }
                if (!"no-store".equals(answer.header("cache-control"))
                        || !answer.header("content-type").startsWith("application/json")
                        || answer.header("content-security-policy") != null) {
                    failures.add(what + " headers " + answer.headers);
                }
                if (method.equals("GET") && !"not_found".equals(JSON.readTree(answer.body).path("error").asText())) {
                    failures.add(what + " is not the JSON 404");
                }
                String text = answer.text();
                if (text.contains("camel.main") || text.contains("<project") || text.contains("CREATE TABLE")
                        || text.contains("- route:") || text.contains("root:")) {
                    failures.add(what + " leaks a file");
                }
            }
        }
        assertTrue(failures.isEmpty(), "not a JSON 404: " + String.join("\n", failures));
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> answer = app.send(HttpRequest.newBuilder(app.uri("/"))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json"));
            assertEquals(405, answer.statusCode(), method);
            assertEquals("GET, HEAD", answer.headers().firstValue("Allow").orElse(null), method);
            assertEquals("method_not_allowed", JSON.readTree(answer.body()).path("error").asText(), method);
            assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null), method);
        }
    }

    @Test
    void thePageHeadersAreTheRoutesOwnNeverARequestsEchoedNorOnTheApi() throws Exception {
        Map<String, String> sent = Map.of("Cache-Control", "public, max-age=999999", "Content-Security-Policy", "default-src *",
                "Referrer-Policy", "unsafe-url", "Authorization", "Bearer " + Workspaces.DEMO_TOKEN);
        Raw page = Raw.get(app, "/", sent);
        assertEquals("no-cache", page.header("cache-control"));
        assertEquals(CSP, page.header("content-security-policy"));
        assertEquals("no-referrer", page.header("referrer-policy"));
        for (String path : List.of("/api/leads", "/api/workspace", "/api/openapi.json", "/api/leads/abc", "/nothing")) {
            Raw api = Raw.get(app, path, sent);
            assertEquals("no-store", api.header("cache-control"), path);
            assertEquals(null, api.header("content-security-policy"), path);
            assertEquals(null, api.header("referrer-policy"), path);
            assertEquals(null, api.header("vary"), path);
            assertEquals("nosniff", api.header("x-content-type-options"), path);
        }
    }

    private static void assertPageSecurityHeaders(Raw answer, String path) {
        assertEquals(CSP, answer.header("content-security-policy"), path);
        assertEquals("nosniff", answer.header("x-content-type-options"), path);
        assertEquals("no-referrer", answer.header("referrer-policy"), path);
    }

    /** One request written byte for byte on a socket (Connection: close), and its answer, de-chunked. */
    record Raw(int status, Map<String, String> headers, byte[] body) {

        static Raw get(LeadlineApp app, String path, Map<String, String> headers) throws IOException {
            return send(app, "GET " + path + " HTTP/1.1", headers);
        }

        static Raw send(LeadlineApp app, String requestLine, Map<String, String> headers) throws IOException {
            try (Socket socket = new Socket(app.uri("/").getHost(), app.uri("/").getPort())) {
                socket.setSoTimeout(10_000);
                StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nConnection: close\r\n");
                headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
                OutputStream out = socket.getOutputStream();
                out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                byte[] all = socket.getInputStream().readAllBytes();
                int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
                Map<String, String> parsed = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    parsed.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
                if ("chunked".equalsIgnoreCase(parsed.get("transfer-encoding"))) {
                    body = dechunk(body);
                }
                return new Raw(Integer.parseInt(lines[0].split(" ")[1]), parsed, body);
            }
        }

        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        private static byte[] dechunk(byte[] chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < chunked.length) {
                int lineEnd = indexOf(java.util.Arrays.copyOfRange(chunked, at, chunked.length), "\r\n".getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(new String(chunked, at, lineEnd, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
                at += lineEnd + 2;
                if (size == 0) {
                    break;
                }
                out.write(chunked, at, size);
                at += size + 2;
            }
            return out.toByteArray();
        }

        private static int indexOf(byte[] data, byte[] what) {
            for (int i = 0; i + what.length <= data.length; i++) {
                boolean match = true;
                for (int j = 0; j < what.length && match; j++) {
                    match = data[i + j] == what[j];
                }
                if (match) {
                    return i;
                }
            }
            throw new IllegalStateException("no " + new String(what, StandardCharsets.ISO_8859_1).replace("\r\n", "CRLF") + " in the answer");
        }
    }
}
