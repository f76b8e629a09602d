package dev.leadline.deploy;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LateDatabase;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.TestPorts;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * Several instances may start at once on one empty database (a deployment that starts two copies):
 * Flyway's lock makes one migrate while the other waits, so each migration runs once and both serve;
 * and they may start before the database is up (a deployment that starts the database with them).
 */
class ConcurrentStartTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void twoInstancesStartingAtOnceOnAnEmptyDatabaseMigrateItOnceAndBothServe() throws Exception {
        try (EmptyDatabase db = EmptyDatabase.create()) {
            List<LeadlineApp> apps = started(startTwo(db, db.url, Map.of(), Map.of()));
            try {
                assertMigratedOnceAndBothServe(db, apps);
            } finally {
                apps.forEach(LeadlineApp::close);
            }
        }
    }

    /**
     * A database that comes up only after both instances have started (refused until then, as a server not up
     * yet): they wait for it, their readiness served and DOWN meanwhile, then migrate it once and both serve.
     */
    @Test
    void twoInstancesWaitForADatabaseThatComesLateThenMigrateItOnceAndBothServe() throws Exception {
        try (EmptyDatabase db = EmptyDatabase.create(); LateDatabase late = new LateDatabase(db.url)) {
            List<String> managementPorts = List.of(String.valueOf(TestPorts.next()), String.valueOf(TestPorts.next()));
            long launched = System.nanoTime();
            List<Future<LeadlineApp>> starting = startTwo(db, late.url(), Map.of("management.port", managementPorts.get(0)),
                    Map.of("management.port", managementPorts.get(1)));
            // Each instance answers its readiness probe while it waits: DOWN, saying why.
            for (String port : managementPorts) {
                HttpResponse<String> ready = awaitReadiness(port, starting);
                assertEquals(503, ready.statusCode(), ready.body());
                JsonNode database = checkNamed(JSON.readTree(ready.body()), "database");
                assertEquals("DOWN", database.get("status").asText(), ready.body());
                assertTrue(database.get("message").asText().contains("waiting for the database"), ready.body());
            }
            assertFalse(starting.stream().anyMatch(Future::isDone), "an instance finished starting with no database");
            // The database comes about 5 s after the instances (later if their readiness took longer to be served).
            Thread.sleep(Math.max(0, 5000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched)));
            late.open();

            List<LeadlineApp> apps = started(starting);
            try {
                assertMigratedOnceAndBothServe(db, apps);
                for (String port : managementPorts) {
                    awaitReady(port);
                }
            } finally {
                apps.forEach(LeadlineApp::close);
            }
        }
    }

    /** Two instances started at the same moment on one database, with settings of each their own. */
    private static List<Future<LeadlineApp>> startTwo(EmptyDatabase db, String url, Map<String, String> first,
                                                      Map<String, String> second) {
        Map<String, String> settings = Map.of(
                "db.url", url, "db.user", db.user, "db.password", db.password,
                "demo.enabled", "true", "summaries.enabled", "false",
                "catchup.key-encryption-key", LeadlineApp.TEST_KEY_ENCRYPTION_KEY,
                // two instances on one server (CI's may be shared): small pools (9 + 2 + intake 5 + main 4)
                "db.max-connections", "20", "db.streaming-pool-size", "2");
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        List<Future<LeadlineApp>> starting = new ArrayList<>();
        List<Map<String, String>> own = List.of(first, second);
        for (int i = 0; i < 2; i++) {
            // one JVM here, so each its own name (Quartz registers its scheduler in JMX by it)
            Map<String, String> instance = LeadlineApp.settings(settings, Map.of("camel.main.name", "leadline-" + i), own.get(i));
            starting.add(threads.submit(() -> {
                together.await();
                return LeadlineApp.start(LeadlineApp.freshDataDir(), instance);
            }));
        }
        threads.shutdown();
        return starting;
    }

    /** The started instances; fails (closing those that did start) when one did not start. */
    private static List<LeadlineApp> started(List<Future<LeadlineApp>> starting) throws Exception {
        List<LeadlineApp> apps = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (Future<LeadlineApp> start : starting) {
            try {
                apps.add(start.get(180, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                failures.add(e.getCause());
            }
        }
        if (!failures.isEmpty()) {
            apps.forEach(LeadlineApp::close);
        }
        assertTrue(failures.isEmpty(), () -> "an instance failed to start: " + failures);
        return apps;
    }

    /** Each migration applied once, and both instances serve the one database. */
    private static void assertMigratedOnceAndBothServe(EmptyDatabase db, List<LeadlineApp> apps) throws Exception {
        // Each migration once, none failed, and every one on the classpath applied.
        Map<String, Long> runs = db.versionsApplied();
        assertEquals(migrationVersions(), runs.keySet(), "migrations applied");
        runs.forEach((version, count) -> assertEquals(1L, count, "runs of migration V" + version));
        assertEquals(0L, db.count("SELECT count(*) FROM flyway_schema_history WHERE NOT success"));

        // Both serve, on the one database: what one stores the other reads.
        for (int i = 0; i < 2; i++) {
            LeadlineApp writer = apps.get(i);
            LeadlineApp reader = apps.get(1 - i);
            String phone = Workspaces.newPhone();
            HttpResponse<String> stored = new Webhooks(writer, Workspaces.DEMO_SECRET).kapso(Webhooks.received(
                    Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.concurrent-start"), phone,
                    "halo", Instant.now().getEpochSecond()));
            assertEquals(200, stored.statusCode(), stored.body());
            assertEquals(1, JSON.readTree(stored.body()).get("stored").asInt(), stored.body());
            HttpResponse<String> leads = reader.get("/api/leads?q=" + phone.substring(1), Workspaces.DEMO_TOKEN);
            assertEquals(200, leads.statusCode(), leads.body());
            JsonNode items = JSON.readTree(leads.body()).get("items");
            assertEquals(1, items.size(), leads.body());
            assertEquals(phone, items.get(0).get("phone").asText());
        }
    }

    /** The first readiness answer of a starting instance's management port (it is closed until served). */
    private static HttpResponse<String> awaitReadiness(String port, List<Future<LeadlineApp>> starting) throws Exception {
        while (true) {
            assertFalse(starting.stream().anyMatch(Future::isDone), "an instance stopped starting before its readiness was served");
            try {
                return health(port);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
    }

    /** Readiness UP, once the started instance's checks have run (a minute at most). */
    private static void awaitReady(String port) throws Exception {
        HttpResponse<String> ready = health(port);
        for (int tries = 0; ready.statusCode() != 200 && tries < 600; tries++) {
            Thread.sleep(100);
            ready = health(port);
        }
        assertEquals(200, ready.statusCode(), ready.body());
    }

    private static HttpResponse<String> health(String port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode checkNamed(JsonNode health, String name) {
        for (JsonNode check : health.get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no " + name + " check in " + health);
    }

    /** The versions of the migrations packaged with the service (V1__x.sql -> "1"). */
    private static TreeSet<String> migrationVersions() throws Exception {
        Path dir = Path.of(ConcurrentStartTest.class.getResource("/db/migration").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            TreeSet<String> versions = new TreeSet<>();
            files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V[0-9.]+__.*\\.sql"))
                    .forEach(n -> versions.add(n.substring(1, n.indexOf("__"))));
            assertFalse(versions.isEmpty(), "no migrations found in " + dir);
            return versions;
        }
    }

    /**
     * A database nothing has run on: a PostgreSQL of its own (zonky), or a new database on the external
     * server the tests were given (LEADLINE_TEST_DB_URL), dropped afterwards.
     */
    private static final class EmptyDatabase implements AutoCloseable {

        final String url;
        final String user;
        final String password;
        private final EmbeddedPostgres embedded;
        private final String adminUrl;
        private final String name;

        private EmptyDatabase(String url, String user, String password, EmbeddedPostgres embedded, String adminUrl, String name) {
            this.url = url;
            this.user = user;
            this.password = password;
            this.embedded = embedded;
            this.adminUrl = adminUrl;
            this.name = name;
        }

        static EmptyDatabase create() throws Exception {
            if (!LeadlineApp.externalDatabase()) {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setDataDirectory(LeadlineApp.freshDataDir()).setCleanDataDirectory(true).start();
                return new EmptyDatabase(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", pg, null, null);
            }
            String adminUrl = System.getenv("LEADLINE_TEST_DB_URL");
            String user = System.getenv().getOrDefault("LEADLINE_TEST_DB_USER", "postgres");
            String password = System.getenv().getOrDefault("LEADLINE_TEST_DB_PASSWORD", "");
            String name = "leadline_concurrent_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name); // a generated name, not input
            }
            // jdbc:postgresql://host:port/db?params -> the same server, the new database
            String url = adminUrl.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
            return new EmptyDatabase(url, user, password, null, adminUrl, name);
        }

        Map<String, Long> versionsApplied() throws SQLException {
            Map<String, Long> runs = new TreeMap<>();
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(
                         "SELECT version, count(*) FROM flyway_schema_history WHERE version IS NOT NULL GROUP BY version")) {
                while (rs.next()) {
                    runs.put(rs.getString(1), rs.getLong(2));
                }
            }
            return runs;
        }

        long count(String sql) throws SQLException {
            try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public void close() throws Exception {
            if (embedded != null) {
                embedded.close();
            } else {
                try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                }
            }
        }
    }
}
