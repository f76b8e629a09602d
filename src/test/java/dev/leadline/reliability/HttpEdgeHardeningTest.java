package dev.leadline.reliability;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.LogCapture;
import dev.leadline.support.TestPorts;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP edge (web/HttpEdge, web/ConnectionGuard, web/AuthAttempts), over real HTTP and raw sockets:
 * nothing of the request is echoed in response headers on any route or error path, JSON 404/405/413,
 * HEAD, the body cap before buffering, idle and slow-request deadlines, CL+TE and h2c refused, the
 * management port on loopback, the failed-authentication limit and the admin token's minimum length.
 */
class HttpEdgeHardeningTest {

    static final String ADMIN = "edge-test-admin-token-of-32-chars-or-more";
    static final String MARKER_PARAM = "Zz-Echo-Param";
    static final String MARKER_HEADER = "X-Zz-Echo-Header";
    static final String MARKER_VALUE = "echo-marker-7f3a";

    static LeadlineApp app;
    static int managementPort;

    @BeforeAll
    static void start() throws Exception {
        managementPort = TestPorts.next();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "admin.token", ADMIN,
                "meta.verify-token", LeadlineApp.META_VERIFY_TOKEN,
                "webhook.fallback-secret", LeadlineApp.FALLBACK_SECRET,
                "summaries.enabled", "false",
                "management.port", String.valueOf(managementPort),
                // this test sends wrong tokens on purpose on every route; the limit is tested on its own app
                "auth.max-failures", "100000"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    // --- Medium 2: nothing echoed -----------------------------------------------------------------

    @Test
    void noRouteOrErrorPathEchoesARequestHeaderOrQueryParameter() throws Exception {
        Webhooks kapso = new Webhooks(app, Workspaces.DEMO_SECRET);
        String phone = Workspaces.newPhone();
        HttpResponse<String> stored = kapso.kapso(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID,
                Workspaces.unique("wamid.edge"), phone, "halo", 1764036000L));
        assertEquals(200, stored.statusCode(), stored.body());
        String leadId = app.queryString("SELECT id FROM lead WHERE phone = ?", phone);
        assertNotNull(leadId);

        List<String> checked = new ArrayList<>();
        JsonNode doc = JSON.readTree(call("GET", "/api/openapi.json", null, null, checked).body());
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            String concrete = path.getKey().replaceAll("\\{[^}]+}", leadId);
            String token = path.getKey().startsWith("/api/admin") ? ADMIN : Workspaces.DEMO_TOKEN;
            for (Iterator<String> verbs = path.getValue().fieldNames(); verbs.hasNext(); ) {
                String verb = verbs.next().toUpperCase(Locale.ROOT);
                operations++;
                boolean hasBody = verb.equals("POST") || verb.equals("PATCH") || verb.equals("PUT");
                call(verb, concrete, hasBody ? "{}" : null, token, checked);           // the success path (or its 4xx)
                call(verb, concrete, hasBody ? "{}" : null, null, checked);            // no token
                call(verb, concrete, hasBody ? "{}" : null, "wrong-token", checked);   // a bad token
                if (hasBody) {
                    call(verb, concrete, "{\"unterminated", token, checked);           // a bad body
                }
                if (verb.equals("GET")) {
                    call("HEAD", concrete, null, token, checked);
                }
            }
        }
        assertEquals(36, operations, "every REST operation of the OpenAPI document was walked (the bulk replay and its runs, the Kapso key and its re-encryption, the catch-up and its runs, GET /api/workspace and /api/overview, the event subscriptions, the LLM spend, a lead's export and erasure, the audit log included)");

        // the webhooks: signed, unsigned, a bad body; Meta's handshake, right and wrong token
        byte[] body = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.edge"),
                Workspaces.newPhone(), "hi", 1764036000L).toString().getBytes(StandardCharsets.UTF_8);
        check(kapsoPost(body, Webhooks.sign(Workspaces.DEMO_SECRET, body)), checked, 200);
        check(kapsoPost(body, null), checked, 401);
        check(kapsoPost("{\"phone_number_id\": \"1\"".getBytes(StandardCharsets.UTF_8), "00"), checked, 400);
        byte[] meta = Webhooks.sample("meta-message.json");
        check(metaPost(meta, "sha256=" + Webhooks.sign(Workspaces.DEMO_SECRET, meta)), checked, 200);
        check(metaPost(meta, "sha256=00"), checked, 401);
        call("GET", "/webhooks/meta?hub.mode=subscribe&hub.verify_token=" + LeadlineApp.META_VERIFY_TOKEN
                + "&hub.challenge=challenge-1", null, null, checked);
        call("GET", "/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=c", null, null, checked);
        // no route, a wrong method
        call("GET", "/no/such/path", null, Workspaces.DEMO_TOKEN, checked);
        call("DELETE", "/webhooks/kapso", null, null, checked);
        call("PUT", "/api/leads", "{}", Workspaces.DEMO_TOKEN, checked);
        assertTrue(checked.size() >= 60, "walked " + checked.size() + " responses");
    }

    /** Sends with a marker query parameter and header, and checks the answer echoes neither. */
    private static HttpResponse<String> call(String method, String path, String body, String token, List<String> checked)
            throws Exception {
        String marked = path + (path.contains("?") ? "&" : "?") + MARKER_PARAM + "=" + MARKER_VALUE
                + "&Set-Cookie=session%3D" + MARKER_VALUE;
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(marked))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header(MARKER_HEADER, MARKER_VALUE);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = app.send(request);
        check(response, checked, -1);
        return response;
    }

    private static HttpResponse<String> kapsoPost(byte[] body, String signature) throws Exception {
        List<String> headers = new ArrayList<>(List.of(MARKER_HEADER, MARKER_VALUE, "X-Webhook-Event", Webhooks.RECEIVED));
        if (signature != null) {
            headers.addAll(List.of("X-Webhook-Signature", signature));
        }
        return app.post("/webhooks/kapso?" + MARKER_PARAM + "=" + MARKER_VALUE, "application/json", body,
                headers.toArray(String[]::new));
    }

    private static HttpResponse<String> metaPost(byte[] body, String signature) throws Exception {
        return app.post("/webhooks/meta?" + MARKER_PARAM + "=" + MARKER_VALUE, "application/json", body,
                MARKER_HEADER, MARKER_VALUE, "X-Hub-Signature-256", signature);
    }

    private static void check(HttpResponse<String> response, List<String> checked, int expectedStatus) {
        String what = response.request().method() + " " + response.request().uri().getPath() + " -> " + response.statusCode();
        checked.add(what);
        if (expectedStatus > 0) {
            assertEquals(expectedStatus, response.statusCode(), what + ": " + response.body());
        }
        response.headers().map().forEach((name, values) -> {
            assertFalse(name.equalsIgnoreCase(MARKER_PARAM) || name.equalsIgnoreCase(MARKER_HEADER)
                    || name.equalsIgnoreCase("Set-Cookie") || name.equalsIgnoreCase("Authorization")
                    || name.toLowerCase(Locale.ROOT).startsWith("hub."), what + " echoes header " + name);
            values.forEach(v -> assertFalse(v.contains(MARKER_VALUE) || v.contains(Workspaces.DEMO_TOKEN),
                    what + " echoes a request value in " + name + ": " + v));
        });
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null), what);
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null), what);
        if (response.statusCode() >= 400 && !response.request().method().equals("HEAD")) {
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
            try {
                assertTrue(JSON.readTree(response.body()).hasNonNull("error"), what + " has the JSON error body");
            } catch (IOException e) {
                fail(what + " is not JSON: " + response.body());
            }
        }
    }

    // --- 404, 405, HEAD ---------------------------------------------------------------------------

    @Test
    void anUnknownPathIsAJson404AndAWrongMethodAJson405WithAllow() throws Exception {
        HttpResponse<String> missing = app.get("/nothing/here", null);
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", JSON.readTree(missing.body()).get("error").asText());

        HttpResponse<String> wrong = app.call("DELETE", "/webhooks/kapso", null, null);
        assertEquals(405, wrong.statusCode());
        assertEquals("POST", wrong.headers().firstValue("Allow").orElse(""));
        assertEquals("method_not_allowed", JSON.readTree(wrong.body()).get("error").asText());

        HttpResponse<String> meta = app.call("PUT", "/webhooks/meta", "{}", null);
        assertEquals(405, meta.statusCode());
        assertEquals("GET, HEAD, POST", meta.headers().firstValue("Allow").orElse(""));

        HttpResponse<String> lead = app.call("PUT", "/api/leads/1", "{}", Workspaces.DEMO_TOKEN);
        assertEquals(405, lead.statusCode());
        assertEquals("GET, HEAD, PATCH", lead.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void headIsAnsweredAsGetWithoutABody() throws Exception {
        HttpResponse<String> get = app.get("/api/leads?limit=1", Workspaces.DEMO_TOKEN);
        HttpResponse<String> head = app.send(HttpRequest.newBuilder(app.uri("/api/leads?limit=1"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + Workspaces.DEMO_TOKEN));
        assertEquals(200, get.statusCode());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));

        HttpResponse<String> unauthorized = app.send(HttpRequest.newBuilder(app.uri("/api/leads"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(401, unauthorized.statusCode());
    }

    // --- Medium 5: the body cap -------------------------------------------------------------------

    @Test
    void a15MiBDeclaredBodyGetsAJson413BeforeItIsRead() throws Exception {
        try (Socket socket = connect(app)) {
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            out.write(("POST /webhooks/kapso HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Webhook-Event: whatsapp.message.received\r\nContent-Length: " + (15 * 1024 * 1024) + "\r\n\r\n{\"a\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(first > 0 && millis < 2000, "answered in " + millis + " ms, without waiting for the body");
            RawResponse response = RawResponse.parse(("" + (char) first + new String(RawResponse.readAll(in),
                    StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8), true);
            assertEquals(413, response.status, response.text);
            assertEquals("payload_too_large", JSON.readTree(response.body()).get("error").asText());
            assertTrue(response.body().contains("webhook.max-body-bytes"), response.text);
            assertEquals(-1, in.read(), "the connection is closed rather than the body read");
        }
    }

    @Test
    void aClientStillSendingAnOversizeBodyReadsTheJson413() throws Exception {
        // the connection is not reset under a client that is still sending: it reads its answer every time
        byte[] body = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = app.post("/webhooks/kapso", "application/json", body,
                    "X-Webhook-Event", Webhooks.RECEIVED, "X-Webhook-Signature", "00");
            assertEquals(413, response.statusCode(), "attempt " + i + ": " + response.body());
            assertEquals("payload_too_large", JSON.readTree(response.body()).get("error").asText());
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsCutOffWithAJson413() throws Exception {
        try (Socket socket = connect(app)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/kapso HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            int sent = 0;
            try {
                // 4 MiB, four times the limit: the server stops reading at 1 MiB and answers
                for (int i = 0; i < 64; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
                out.flush();
            } catch (IOException closedWhileSending) {
                // expected: the server answered and closed while we were still sending
            }
            RawResponse response = RawResponse.read(socket.getInputStream());
            assertEquals(413, response.status, "after " + sent + " bytes: " + response.text);
            assertEquals("payload_too_large", JSON.readTree(response.body()).get("error").asText());
        }
    }

    // --- request smuggling and h2c ---------------------------------------------------------------

    @Test
    void contentLengthWithTransferEncodingIsRefused() throws Exception {
        try (Socket socket = connect(app)) {
            socket.getOutputStream().write(("POST /webhooks/kapso HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            RawResponse response = RawResponse.read(socket.getInputStream());
            assertEquals(400, response.status, response.text);
            assertTrue(response.closed, "the connection is closed: the smuggled request is never read");
            assertFalse(response.text.contains("openapi"), response.text);
        }
    }

    @Test
    void cleartextHttp2IsOff() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = h2.send(HttpRequest.newBuilder(app.uri("/api/openapi.json")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version(), "the h2c upgrade is declined");
        try (Socket socket = connect(app)) {
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawResponse answer = RawResponse.read(socket.getInputStream());
            // an HTTP/2 server would answer the preface with a binary SETTINGS frame; this is HTTP/1 text
            assertTrue(answer.text.startsWith("HTTP/") && answer.status >= 400, "no HTTP/2 prior knowledge: " + answer.text);
        }
    }

    // --- the management port ----------------------------------------------------------------------

    @Test
    void theManagementPortListensOnLoopbackOnly() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        InetAddress external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst().orElse(null);
        assumeTrue(external != null, "needs a non-loopback interface");
        try (Socket probe = new Socket()) {
            assertThrows(ConnectException.class, () -> probe.connect(new InetSocketAddress(external, managementPort), 2000));
        }
        try (Socket main = new Socket()) {
            main.connect(new InetSocketAddress(external, app.uri("/").getPort()), 2000); // the API port still answers there
        }
    }

    // --- Low 14: deadlines ------------------------------------------------------------------------

    @Test
    void idleConnectionsAndTrickledRequestsAreClosed() throws Exception {
        try (LeadlineApp own = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "http.idle-timeout-seconds", "2", "http.request-read-timeout-seconds", "2", "summaries.enabled", "false"))) {
            // an idle connection, never used
            try (Socket socket = connect(own)) {
                long started = System.nanoTime();
                socket.setSoTimeout(10_000);
                assertEquals(-1, socket.getInputStream().read(), "closed by the server");
                assertElapsed(started, 1500, 6000);
            }
            // idle after a request on a kept-alive connection
            try (Socket socket = connect(own)) {
                socket.getOutputStream().write("GET /api/openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[65536];
                long started = System.nanoTime();
                int n;
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                while ((n = in.read(buffer)) > 0) {
                    all.write(buffer, 0, n);
                }
                assertTrue(all.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
                assertElapsed(started, 1500, 6000);
            }
            // a body trickled one byte every 500 ms: cut off with 408 at the read deadline
            try (Socket socket = connect(own)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /webhooks/kapso HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                long started = System.nanoTime();
                RawResponse response = trickle(socket, "{\"phone_number_id\": \"1\", \"x\": \"");
                assertEquals(408, response.status, response.text);
                assertEquals("request_timeout", JSON.readTree(response.body()).get("error").asText());
                assertTrue(response.closed);
                assertElapsed(started, 1500, 6000);
            }
            // headers trickled the same way
            try (Socket socket = connect(own)) {
                long started = System.nanoTime();
                RawResponse response = trickle(socket, "GET /api/openapi.json HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaa");
                assertEquals(408, response.status, response.text);
                assertElapsed(started, 1500, 6000);
            }
        }
    }

    private static RawResponse trickle(Socket socket, String text) throws IOException {
        socket.setSoTimeout(500);
        OutputStream out = socket.getOutputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        for (int i = 0; i < text.length(); i++) {
            try {
                out.write(text.charAt(i));
                out.flush();
            } catch (IOException closed) {
                break;
            }
            try {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                received.write(b);
                break;
            } catch (SocketTimeoutException stillOpen) {
                // the server is still waiting: one more byte
            }
        }
        socket.setSoTimeout(5000);
        byte[] rest = RawResponse.readAll(in);
        received.write(rest);
        return RawResponse.parse(received.toByteArray(), true);
    }

    private static void assertElapsed(long startedNanos, long minMillis, long maxMillis) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        assertTrue(millis >= minMillis && millis <= maxMillis, "took " + millis + " ms, expected " + minMillis + ".." + maxMillis);
    }

    // --- Low 17: token guessing -------------------------------------------------------------------

    @Test
    void failedAuthenticationsAreLimitedPerAddressThen429WithRetryAfter() throws Exception {
        try (LeadlineApp own = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "admin.token", ADMIN, "auth.max-failures", "3", "auth.failure-window-seconds", "3",
                "summaries.enabled", "false"))) {
            // a missing token is no guess: not counted
            for (int i = 0; i < 5; i++) {
                assertEquals(401, own.get("/api/leads", null).statusCode());
            }
            assertEquals(401, own.get("/api/leads", "guess-1").statusCode());
            assertEquals(401, own.get("/api/leads", "guess-2").statusCode());
            assertEquals(401, own.call("GET", "/api/admin/workspaces", null, "guess-3").statusCode());
            HttpResponse<String> limited = own.get("/api/leads", "guess-4");
            assertEquals(429, limited.statusCode(), limited.body());
            assertEquals("too_many_requests", JSON.readTree(limited.body()).get("error").asText());
            int retryAfter = Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 3, "Retry-After " + retryAfter);
            // while limited even the right token is not looked at (else a right guess would show)
            assertEquals(429, own.get("/api/leads", Workspaces.DEMO_TOKEN).statusCode());
            assertEquals(429, own.call("GET", "/api/admin/workspaces", null, ADMIN).statusCode());
            // unauthenticated routes are not affected
            assertEquals(200, own.get("/api/openapi.json", null).statusCode());

            Thread.sleep(retryAfter * 1000L + 200);
            assertEquals(200, own.get("/api/leads", Workspaces.DEMO_TOKEN).statusCode(), "the window is over");
            assertEquals(200, own.call("GET", "/api/admin/workspaces", null, ADMIN).statusCode());
        }
    }

    @Test
    void aShortAdminTokenStopsTheStart() throws Exception {
        Exception refused = assertThrows(Exception.class, () -> LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "admin.token", "only-twenty-chars-xx", "summaries.enabled", "false")).close());
        Throwable cause = refused;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("admin.token") && cause.getMessage().contains("32"), String.valueOf(cause));
    }

    // --- a path that is not percent-encoded properly ------------------------------------------------

    /**
     * A path with a bad percent-escape ({@code %zz}, a lone or cut {@code %}) is the
     * client's mistake: a JSON 400 with the usual headers, and at most one log line each (a stack trace
     * per request let anyone fill the disk).
     */
    @Test
    void aBadPercentEncodingInThePathIsAJson400AndAtMostOneLogLine() throws Exception {
        List<String> paths = List.of("/%zz", "/api/leads/%", "/api/leads/1%2", "/webhooks/%zz%zz");
        int rounds = 25;
        LogCapture log = LogCapture.start();
        try (log) {
            for (int i = 0; i < rounds; i++) {
                for (String path : paths) {
                    try (Socket socket = connect(app)) {
                        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        RawResponse response = RawResponse.read(socket.getInputStream());
                        assertEquals(400, response.status(), path + ": " + response.text());
                        String head = response.text().substring(0, response.text().indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
                        assertTrue(head.contains("\r\ncontent-type: application/json"), head);
                        assertTrue(head.contains("\r\nx-content-type-options: nosniff"), head);
                        assertTrue(head.contains("\r\ncache-control: no-store"), head);
                        JsonNode body = JSON.readTree(response.body());
                        assertEquals("bad_request", body.path("error").asText(), response.body());
                        assertTrue(body.path("detail").asText().contains("percent"), response.body());
                    }
                }
            }
        }
        String captured = log.toString();
        long lines = captured.lines().count();
        assertTrue(lines <= (long) rounds * paths.size(), lines + " log lines for " + rounds * paths.size()
                + " requests:\n" + captured.substring(0, Math.min(4000, captured.length())));
        assertFalse(captured.contains("\tat "), "no stack trace: " + captured.substring(0, Math.min(4000, captured.length())));
    }

    // --- raw sockets --------------------------------------------------------------------------------

    private static Socket connect(LeadlineApp target) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", target.uri("/").getPort()), 2000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** One HTTP/1.1 response read off a socket, up to the close (every answer here closes) or a pause. */
    record RawResponse(int status, String text, boolean closed) {

        String body() {
            int split = text.indexOf("\r\n\r\n");
            return split < 0 ? "" : text.substring(split + 4);
        }

        static RawResponse read(InputStream in) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            boolean closed = false;
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    all.write(buffer, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException open) {
                // the server kept the connection open
            } catch (IOException reset) {
                closed = true;
            }
            return parse(all.toByteArray(), closed);
        }

        static byte[] readAll(InputStream in) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    all.write(buffer, 0, n);
                }
            } catch (IOException closedOrTimedOut) {
                // what arrived is what we have
            }
            return all.toByteArray();
        }

        static RawResponse parse(byte[] bytes, boolean closed) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            int status = text.startsWith("HTTP/") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new RawResponse(status, text, closed);
        }
    }
}
