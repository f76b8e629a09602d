package dev.leadline.cookbook;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.leadline.bench.ServiceProcess;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.TestPorts;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * docs/cookbook.md, recipe 4: two service JVMs with the shared settings on one PostgreSQL, their own ports,
 * behind a round-robin proxy on loopback that takes an instance into rotation when its readiness check on
 * the management port answers 200. Webhooks through the proxy, each sent twice (a retry that lands on the
 * other instance), are stored once; both instances served; both are members of each clustered scheduler.
 * The proxy adds X-Forwarded-For and is the instances' trusted proxy: each instance sees the client's
 * address (clients on 127.0.0.2 and 127.0.0.3), limits failed authentications per client, logs and audits it.
 */
class LoadBalancerRecipeTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void twoInstancesBehindARoundRobinProxyStoreEachMessageOnce() throws Exception {
        assumeFalse(LeadlineApp.externalDatabase(), "starts its own PostgreSQL");
        try (EmbeddedPostgres db = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
             RoundRobinProxy proxy = new RoundRobinProxy()) {
            List<ServiceProcess> instances = new ArrayList<>();
            try {
                behindTheProxy(db, proxy, instances);
            } finally {
                // before their database stops
                for (ServiceProcess instance : instances) {
                    instance.close();
                }
            }
        }
    }

    private static void behindTheProxy(EmbeddedPostgres db, RoundRobinProxy proxy, List<ServiceProcess> instances) throws Exception {
        String dbUrl = db.getJdbcUrl("postgres", "postgres");
        // Shared: the database, the secrets, the scheduler name, the settings (the recipe's step 1).
        Map<String, String> shared = new HashMap<>();
        shared.put("DB_URL", dbUrl);
        shared.put("DB_USER", "postgres");
        shared.put("DB_PASSWORD", "");
        shared.put("CATCHUP_KEY_ENCRYPTION_KEY", "one-key-encryption-key-for-both-instances");
        shared.put("ADMIN_TOKEN", LeadlineApp.ADMIN_TOKEN);
        shared.put("WEBHOOK_FALLBACK_SECRET", LeadlineApp.FALLBACK_SECRET);
        shared.put("QUARTZ_SCHEDULER_NAME", "leadline");
        shared.put("SUMMARIES_ENABLED", "true");
        shared.put("CATCHUP_ON_START", "false");
        shared.put("DEMO_ENABLED", "true");
        // small pools: the daily run's 9 + 4 + intake 5 + main 4
        shared.put("DB_MAX_CONNECTIONS", "22");
        shared.put("DB_STREAMING_POOL_SIZE", "4");
        // the balancer's address (step 4): the client's is read from its X-Forwarded-For
        shared.put("HTTP_TRUSTED_PROXIES", "127.0.0.1/32");
        shared.put("AUTH_MAX_FAILURES", "2");
        List<String> jvm = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        List<Integer> managementPorts = new ArrayList<>();
        for (String name : List.of("cookbook-lb-a", "cookbook-lb-b")) {
            // Different on one host: the ports (step 2). ServiceProcess sets HTTP_PORT; the management port is named here.
            int management = TestPorts.next();
            Map<String, String> env = new HashMap<>(shared);
            env.put("MANAGEMENT_PORT", String.valueOf(management));
            instances.add(ServiceProcess.start(name, env, jvm));
            managementPorts.add(management);
        }

        // The balancer's health check (step 3): each instance's readiness on its management port.
        for (int i = 0; i < instances.size(); i++) {
            proxy.addIfReady(instances.get(i).uri(""), URI.create("http://127.0.0.1:" + managementPorts.get(i) + "/observe/health/ready"));
        }
        assertEquals(2, proxy.backends.size(), "both instances are ready and in rotation");

        int messages = 10;
        List<String> wamids = new ArrayList<>();
        int stored = 0;
        int duplicates = 0;
        for (int m = 0; m < messages; m++) {
            String wamid = Workspaces.unique("wamid.lb");
            wamids.add(wamid);
            byte[] body = Webhooks.bytes(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamid, Workspaces.newPhone(),
                    "Halo " + m, Instant.now().getEpochSecond()));
            // The delivery and its retry: round robin sends them to different instances.
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(proxy.uri("/webhooks/kapso"))
                        .header("Content-Type", "application/json")
                        .header("X-Webhook-Event", Webhooks.RECEIVED)
                        .header("X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, body))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), answer.body());
                JsonNode counts = JSON.readTree(answer.body());
                stored += counts.get("stored").asInt();
                duplicates += counts.get("duplicates").asInt();
            }
        }
        assertEquals(messages, stored, "each message stored by one of its two deliveries");
        assertEquals(messages, duplicates, "and found stored by the other");
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", "")) {
            assertEquals(messages, count(c, "SELECT count(*) FROM message WHERE wamid = ANY (?)", wamids.toArray(new String[0])));
            // Clustered Quartz: both instances check in under each scheduler, so each fire goes to one of them.
            assertEquals(2, count(c, "SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = ?", "leadline"));
            assertEquals(2, count(c, "SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = ?", "leadline-catch-up"));
        }
        for (AtomicLong served : proxy.served) {
            assertEquals(messages, served.get(), "round robin: each instance served one delivery of each message");
        }
        // The API through the balancer too, on either instance.
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> leads = HTTP.send(HttpRequest.newBuilder(proxy.uri("/api/leads?limit=1"))
                    .header("Authorization", "Bearer " + Workspaces.DEMO_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, leads.statusCode(), leads.body());
        }

        clientsBehindTheProxy(proxy, instances, dbUrl);
    }

    /**
     * Two clients on their own loopback addresses, through the proxy, which adds each one's address to
     * X-Forwarded-For. The first guesses tokens until both instances limit it (each counts its own failures);
     * the second, through the same proxy, is not limited; the instances log and audit the client, not the proxy.
     */
    private static void clientsBehindTheProxy(RoundRobinProxy proxy, List<ServiceProcess> instances, String dbUrl) throws Exception {
        String guesser = "127.0.0.2";
        String other = "127.0.0.3";
        for (int i = 0; i < 4; i++) {
            assertEquals(401, statusFrom(guesser, "GET", proxy.uri("/api/leads"), "guess-" + i, null), "two failures on each instance");
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(429, statusFrom(guesser, "GET", proxy.uri("/api/leads"), Workspaces.DEMO_TOKEN, null), "limited on both instances");
            assertEquals(200, statusFrom(other, "GET", proxy.uri("/api/leads"), Workspaces.DEMO_TOKEN, null), "another client is not");
            assertEquals(401, statusFrom(other, "GET", proxy.uri("/api/leads"), "guess-other", null));
        }
        for (ServiceProcess instance : instances) {
            String log = Files.readString(instance.log());
            assertTrue(log.contains("Failed authentication from 127.0.0.2: unknown or revoked API token (2 of 2"), instance.log().toString());
            assertTrue(log.contains("Failed authentication from 127.0.0.3: unknown or revoked API token (1 of 2"), instance.log().toString());
            assertFalse(log.contains("Failed authentication from 127.0.0.1"), "the proxy's address in " + instance.log());
        }
        // an admin write through the proxy is audited with the client's address
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", "")) {
            long demo = count(c, "SELECT id FROM workspace WHERE phone_number_id = ?", Workspaces.DEMO_PHONE_NUMBER_ID);
            assertEquals(200, statusFrom(other, "PATCH", proxy.uri("/api/admin/workspaces/" + demo), LeadlineApp.ADMIN_TOKEN,
                    "{\"name\":\"Demo behind the balancer\"}"));
            assertEquals(1, count(c, "SELECT count(*) FROM audit_log WHERE workspace_id = " + demo
                    + " AND action = 'workspace.update' AND client_address = ?", other));
        }
    }

    /** An HTTP/1.1 request from the given local address (the JDK's client can't choose one); its status. */
    private static int statusFrom(String localAddress, String method, URI uri, String token, String jsonBody) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(30_000);
            byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
            String request = method + " " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + (jsonBody == null ? "" : "Content-Type: application/json\r\n")
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 "), answer);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    private static long count(Connection c, String sql, Object param) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param instanceof String[] array) {
                ps.setArray(1, c.createArrayOf("text", array));
            } else {
                ps.setObject(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A load balancer in miniature: forwards each request to the next backend in turn, counting per backend. */
    static final class RoundRobinProxy implements AutoCloseable {

        private static final List<String> FORWARDED = List.of("Content-Type", "Authorization", "X-Webhook-Event",
                "X-Webhook-Signature", "X-Webhook-Batch", "X-Webhook-Payload-Version", "X-Idempotency-Key");

        final List<URI> backends = new CopyOnWriteArrayList<>();
        final List<AtomicLong> served = new CopyOnWriteArrayList<>();
        private final AtomicInteger next = new AtomicInteger();
        private final HttpServer server;

        RoundRobinProxy() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::forward);
            server.start();
        }

        URI uri(String pathAndQuery) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
        }

        /** Into rotation when its health check answers 200. */
        void addIfReady(URI backend, URI health) throws Exception {
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(ready.body().contains("UP"), ready.body());
            if (ready.statusCode() == 200) {
                backends.add(backend);
                served.add(new AtomicLong());
            }
        }

        private void forward(HttpExchange exchange) throws IOException {
            try {
                int i = Math.floorMod(next.getAndIncrement(), backends.size());
                URI target = URI.create(backends.get(i).toString().replaceAll("/$", "") + exchange.getRequestURI());
                byte[] body = exchange.getRequestBody().readAllBytes();
                HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                for (String name : FORWARDED) {
                    String value = exchange.getRequestHeaders().getFirst(name);
                    if (value != null) {
                        request.header(name, value);
                    }
                }
                // as a balancer does: the address it heard from, after any the request already carried
                String client = exchange.getRemoteAddress().getAddress().getHostAddress();
                String before = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
                request.header("X-Forwarded-For", before == null ? client : before + ", " + client);
                HttpResponse<byte[]> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                served.get(i).incrementAndGet();
                answer.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } finally {
                exchange.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
