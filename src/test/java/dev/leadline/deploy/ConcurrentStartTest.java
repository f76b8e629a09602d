package dev.leadline.deploy;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * Several instances may start at once on one empty database (a deployment that starts two copies):
 * Flyway's lock makes one migrate while the other waits, so each migration runs once and both serve.
 */
class ConcurrentStartTest {

    @Test
    void twoInstancesStartingAtOnceOnAnEmptyDatabaseMigrateItOnceAndBothServe() throws Exception {
        try (EmptyDatabase db = EmptyDatabase.create()) {
            Map<String, String> settings = Map.of(
                    "db.url", db.url, "db.user", db.user, "db.password", db.password,
                    "demo.enabled", "true", "summaries.enabled", "false",
                    "catchup.key-encryption-key", LeadlineApp.TEST_KEY_ENCRYPTION_KEY,
                    // two instances on one server (CI's may be shared): small pools (9 + 2 + intake 5 + main 4)
                    "db.max-connections", "20", "db.streaming-pool-size", "2");
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<LeadlineApp>> starting = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                // one JVM here, so each its own name (Quartz registers its scheduler in JMX by it)
                Map<String, String> instance = LeadlineApp.settings(settings, Map.of("camel.main.name", "leadline-" + i));
                starting.add(threads.submit(() -> {
                    together.await();
                    return LeadlineApp.start(LeadlineApp.freshDataDir(), instance);
                }));
            }
            List<LeadlineApp> apps = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (Future<LeadlineApp> start : starting) {
                try {
                    apps.add(start.get(120, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            threads.shutdownNow();
            try {
                assertTrue(failures.isEmpty(), () -> "an instance failed to start: " + failures);

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
            } finally {
                apps.forEach(LeadlineApp::close);
            }
        }
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
