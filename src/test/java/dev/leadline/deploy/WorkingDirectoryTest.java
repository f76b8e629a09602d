package dev.leadline.deploy;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.ServiceJvm;
import dev.leadline.support.TestPorts;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

/**
 * Where the routes and settings come from: the working directory's routes/ and application.properties
 * when it has them, else the ones packaged with the service (classpath), key by key for the settings.
 */
class WorkingDirectoryTest {

    private static final String PROBE_ROUTE = """
            - route:
                id: working-directory-probe
                from:
                  uri: platform-http:/probe
                  steps:
                    - setBody:
                        constant: from the working directory
            """;

    /**
     * The service as java -jar runs it from an empty directory: a JVM of its own whose working directory has
     * no routes/ and no application.properties, on the packaged ones; environment variables still override.
     */
    @Test
    void anEmptyWorkingDirectoryRunsOnThePackagedRoutesAndSettings() throws Exception {
        Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "empty-working-dir");
        Path log = workingDir.resolveSibling(workingDir.getFileName() + ".log");
        int port = TestPorts.next();
        ProcessBuilder builder = ServiceJvm.builder(workingDir, log);
        Map<String, String> env = builder.environment();
        env.put("HTTP_PORT", String.valueOf(port));
        env.put("MANAGEMENT_PORT", String.valueOf(TestPorts.next()));
        env.put("SUMMARIES_ENABLED", "false");
        env.put("DB_EMBEDDED_DURABLE", "false");
        if (LeadlineApp.externalDatabase()) {
            env.put("DB_URL", System.getenv("LEADLINE_TEST_DB_URL"));
            env.put("DB_USER", System.getenv().getOrDefault("LEADLINE_TEST_DB_USER", "postgres"));
            env.put("DB_PASSWORD", System.getenv().getOrDefault("LEADLINE_TEST_DB_PASSWORD", ""));
            env.put("DEMO_ENABLED", "true");
            env.put("CATCHUP_KEY_ENCRYPTION_KEY", LeadlineApp.TEST_KEY_ENCRYPTION_KEY);
        }
        Process service = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest leads = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/leads?limit=1"))
                    .header("Authorization", "Bearer " + Workspaces.DEMO_TOKEN).timeout(Duration.ofSeconds(10)).build();
            // The packaged routes answer (with none, every path is a 404), with the packaged demo token.
            awaitStatus(http, leads, 200, service, log);

            String phone = Workspaces.newPhone();
            byte[] body = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.packaged"), phone,
                    "halo", Instant.now().getEpochSecond()).toString().getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> stored = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/kapso"))
                    .header("Content-Type", "application/json").header("X-Webhook-Event", Webhooks.RECEIVED)
                    .header("X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stored.statusCode(), stored.body());
            assertEquals(1, JSON.readTree(stored.body()).get("stored").asInt(), stored.body());

            // The start ends with one line saying where to go, and says each thing once.
            String ready = awaitLogLine(log, "leadline is ready");
            assertTrue(ready.contains("Page and API: http://localhost:" + port + "/ (demo workspace token " + Workspaces.DEMO_TOKEN + ")"), ready);
            assertTrue(ready.contains("Health: http://127.0.0.1:" + env.get("MANAGEMENT_PORT") + "/observe/health"), ready);
            assertTrue(ready.contains("Admin API: off"), ready);
            String all = Files.readString(log);
            assertEquals(1, all.split("web page: ", -1).length - 1, "the page's files are read once");
            assertFalse(all.contains("MainHttpServerUtil"), "Camel's list of endpoints, with its admin endpoints and 0.0.0.0, is not shown");
        } finally {
            service.destroy(); // SIGTERM, as systemd stops it
            assertTrue(service.waitFor(60, TimeUnit.SECONDS), "the service did not stop on SIGTERM; see " + log);
        }
        try (Stream<Path> left = Files.list(workingDir)) {
            Set<String> names = left.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertFalse(names.contains("routes") || names.contains("application.properties"), names.toString());
        }
    }

    /** A port another process holds stops the start at once, exit status 1, naming the setting to change. */
    @Test
    void aTakenPortStopsTheStartWithStatus1() throws Exception {
        for (String taken : List.of("MANAGEMENT_PORT", "HTTP_PORT")) {
            Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "taken-port");
            Path log = workingDir.resolveSibling(workingDir.getFileName() + ".log");
            try (ServerSocket other = new ServerSocket()) {
                other.bind(new InetSocketAddress(taken.equals("HTTP_PORT") ? "0.0.0.0" : "127.0.0.1", 0));
                ProcessBuilder builder = ServiceJvm.builder(workingDir, log);
                builder.environment().put("HTTP_PORT", String.valueOf(TestPorts.next()));
                builder.environment().put("MANAGEMENT_PORT", String.valueOf(TestPorts.next()));
                builder.environment().put(taken, String.valueOf(other.getLocalPort()));
                builder.environment().put("DB_EMBEDDED_DURABLE", "false");
                Process service = builder.start();
                assertTrue(service.waitFor(60, TimeUnit.SECONDS), taken + " taken: the service did not stop; see " + log);
                assertEquals(1, service.exitValue(), "see " + log);
                String said = Files.readString(log);
                assertTrue(said.contains("leadline failed to start: ") && said.contains(":" + other.getLocalPort() + " cannot be listened on")
                        && said.contains("set " + taken), said);
                assertFalse(said.contains("Starting embedded PostgreSQL"), "nothing else was started: " + said);
            }
        }
    }

    @Test
    void theWorkingDirectorysRoutesAndSettingsTakePrecedence() throws Exception {
        Path workingDir = LeadlineApp.workingDirWithPackagedRoutes("working-dir");
        Path routes = workingDir.resolve("routes");
        Files.writeString(routes.resolve("probe.yaml"), PROBE_ROUTE);
        // Only the keys it changes: the rest still come from the packaged file.
        Files.writeString(workingDir.resolve("application.properties"), "demo.api-token = working-dir-token\n");

        try (LeadlineApp app = LeadlineApp.startIn(workingDir, LeadlineApp.freshDataDir(), Map.of("summaries.enabled", "false"))) {
            HttpResponse<String> probe = app.get("/probe", null);
            assertEquals(200, probe.statusCode(), probe.body());
            assertEquals("from the working directory", probe.body());
            // Every route from the working directory, none from the classpath as well (their ids would clash).
            for (Route route : app.context().getRoutes()) {
                assertNotNull(route.getSourceResource(), route.getRouteId());
                assertTrue(route.getSourceResource().getLocation().startsWith("file:" + routes),
                        route.getRouteId() + " from " + route.getSourceResource().getLocation());
            }

            assertEquals(200, app.get("/api/leads?limit=1", "working-dir-token").statusCode());
            assertEquals(401, app.get("/api/leads?limit=1", Workspaces.DEMO_TOKEN).statusCode());
            // demo.webhook-secret is not in the working directory's file: the packaged value holds.
            assertStored(app);
        }
    }

    @Test
    void settingsWithoutRoutesRunOnThePackagedRoutes() throws Exception {
        Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "working-dir-settings-only");
        Files.writeString(workingDir.resolve("application.properties"), "demo.api-token = settings-only-token\n");

        try (LeadlineApp app = LeadlineApp.startIn(workingDir, LeadlineApp.freshDataDir(), Map.of("summaries.enabled", "false"))) {
            // classpath:routes/*.yaml: in a jar its entries, here (the build's classes directory) its files
            Path packaged = Path.of("target", "classes", "routes").toAbsolutePath();
            Set<String> ids = new TreeSet<>();
            for (Route route : app.context().getRoutes()) {
                assertNotNull(route.getSourceResource(), route.getRouteId());
                String location = route.getSourceResource().getLocation();
                assertTrue(location.startsWith("classpath:routes/") || location.startsWith("file:" + packaged + "/"),
                        route.getRouteId() + " from " + location);
                ids.add(route.getRouteId());
            }
            assertTrue(ids.contains("kapso-webhook-intake") && ids.contains("daily-summaries-schedule"), ids.toString());
            assertEquals(200, app.get("/api/leads?limit=1", "settings-only-token").statusCode());
            assertEquals(404, app.get("/probe", null).statusCode());
            assertStored(app);
        }
    }

    private static void assertStored(LeadlineApp app) throws Exception {
        HttpResponse<String> stored = new Webhooks(app, Workspaces.DEMO_SECRET).kapso(Webhooks.received(
                Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.working-dir"), Workspaces.newPhone(), "halo",
                Instant.now().getEpochSecond()));
        assertEquals(200, stored.statusCode(), stored.body());
        JsonNode counts = JSON.readTree(stored.body());
        assertEquals(1, counts.get("stored").asInt(), stored.body());
    }

    private static String awaitLogLine(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log)) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no \"" + text + "\" in " + log);
    }

    private static void awaitStatus(HttpClient http, HttpRequest request, int status, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int last = -1;
        while (System.nanoTime() < deadline) {
            assertTrue(service.isAlive(), "the service exited during start-up; see " + log);
            try {
                last = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + status + " within 120 s (last " + last + "); see " + log);
    }

}
