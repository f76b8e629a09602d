package dev.leadline.bench;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.leadline.support.PgBouncer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Intake throughput, closed loop (IntakeBenchmark's deliveries), of four instances through one PgBouncer in
 * transaction pooling with 20 server connections, against one instance connected directly: both on the same
 * PostgreSQL (started here, durable like the service's embedded one), each case on a fresh database seeded
 * alike. Each instance keeps its default db.max-connections, so the four open 120 client connections to
 * PgBouncer, which lends them 20. A database is migrated and seeded over a direct connection (the seeding's
 * session settings must not reach a pooled server connection), then served.
 */
final class PgBouncerBenchmark {

    static final int INSTANCES = 4;
    static final int SERVER_CONNECTIONS = 20;

    private PgBouncerBenchmark() {
    }

    static void run(int clients, int seconds, int seededLeads, Table table) throws Exception {
        String workload = String.format("intake at saturation, %d instances through PgBouncer (transaction pooling, %d server "
                + "connections) against 1 direct (%d connections, closed loop)", INSTANCES, SERVER_CONNECTIONS, clients);
        if (!PgBouncer.installed()) {
            table.add(workload, "not run: no " + PgBouncer.BINARY + " (apt-get install pgbouncer)", "-", "-");
            return;
        }
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60))
                // zonky trades durability for speed; the service's embedded server does not (db.embedded.durable)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on").setServerConfig("max_connections", "200").start()) {
            Result direct;
            try (ServiceProcess one = ServiceProcess.start("pgbouncer-direct", database(postgres, "direct"), List.of())) {
                Seed.leads(one, seededLeads, Instant.now().toString());
                direct = saturate(List.of(one), clients, seconds, seededLeads);
            }
            Map<String, String> pooled = database(postgres, "pooled");
            try (ServiceProcess seeding = ServiceProcess.start("pgbouncer-seed", pooled, List.of())) {
                Seed.leads(seeding, seededLeads, Instant.now().toString());
            }
            Result through;
            try (PgBouncer bouncer = PgBouncer.start(pooled.get("DB_URL"), "postgres", "", SERVER_CONNECTIONS)) {
                List<ServiceProcess> services = new ArrayList<>();
                try {
                    for (int i = 0; i < INSTANCES; i++) {
                        services.add(ServiceProcess.start("pgbouncer-" + i, Map.of(
                                "DB_URL", bouncer.jdbcUrl() + "?user=postgres&prepareThreshold=0",
                                "DB_USER", "postgres", "DEMO_ENABLED", "true", "DB_TRANSACTION_POOLING", "true"), List.of()));
                    }
                    through = saturate(services, clients, seconds, seededLeads);
                } finally {
                    for (ServiceProcess service : services) {
                        service.close();
                    }
                }
            }
            table.add(workload,
                    String.format("%.0f msgs/s through PgBouncer (%d failed requests; %s)", through.messagesPerSecond(),
                            through.failures(), through.warmUp()),
                    String.format("%.0f msgs/s one instance direct (%d failed requests; %s)", direct.messagesPerSecond(),
                            direct.failures(), direct.warmUp()),
                    String.format("%.2f", through.messagesPerSecond() / direct.messagesPerSecond()));
        }
    }

    record Result(double messagesPerSecond, long failures, String warmUp) {
    }

    /** A fresh database on the server and the settings of a service on it. */
    private static Map<String, String> database(EmbeddedPostgres postgres, String name) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return Map.of("DB_URL", "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + name + "?user=postgres",
                "DB_USER", "postgres", "DEMO_ENABLED", "true");
    }

    /** Warm-up until the first service's JIT settles, then a closed loop of clients, deliveries round-robin over the services. */
    private static Result saturate(List<ServiceProcess> services, int clients, int seconds, int seededLeads) throws Exception {
        Random random = new Random(7);
        Load load = new Load(clients);
        WarmUp.Done warm = WarmUp.untilJitSettles(services.get(0), (n, length) -> {
            List<Load.Call> calls = deliveries(services, random, seededLeads, "w" + n + "-", (int) Math.min(20_000, length.toMillis()));
            load.closedLoop(clients, length, i -> calls.get(i % calls.size()));
        });
        List<Load.Call> calls = deliveries(services, random, seededLeads, "s", Math.max(2_000, seconds * 5_000));
        Load.Result saturation = load.closedLoop(clients, Duration.ofSeconds(seconds), i -> calls.get(i % calls.size()));
        return new Result(saturation.unitsPerSecond(), saturation.failures(), warm.describe());
    }

    private static List<Load.Call> deliveries(List<ServiceProcess> services, Random random, int seededLeads, String prefix, int n) {
        List<Load.Call> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calls.add(IntakeBenchmark.delivery(services.get(i % services.size()), random, seededLeads, prefix + i));
        }
        return calls;
    }
}
