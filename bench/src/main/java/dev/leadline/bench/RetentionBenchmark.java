package dev.leadline.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.HdrHistogram.Histogram;

/**
 * The message purge: N messages older than a workspace's retention, deleted by the service's own purge
 * (routes/message-retention.camel.yaml) while signed intake arrives at a fixed rate. Intake's latency during
 * the purge is set against the same rate, same service, just before it; the purge's rate is the seeded rows
 * over the time from switching retention on until none of them is left.
 */
final class RetentionBenchmark {

    static final int RETENTION_DAYS = 30;

    private RetentionBenchmark() {
    }

    /** @param pauseMillis retention.batch-pause-ms; negative: the service's default */
    static void run(int messages, int leads, int deliveriesPerSecond, int seconds, int batchSize, int pauseMillis, Table table)
            throws Exception {
        Map<String, String> env = ServiceProcess.pools(16, 8, Map.of(
                "RETENTION_INTERVAL_SECONDS", "1",
                "RETENTION_FIRST_RUN_DELAY_SECONDS", "1",
                "RETENTION_BATCH_SIZE", String.valueOf(batchSize)));
        if (pauseMillis >= 0) {
            env.put("RETENTION_BATCH_PAUSE_MS", String.valueOf(pauseMillis));
        }
        try (ServiceProcess service = ServiceProcess.start("retention", env, List.of())) {
            Seed.leads(service, leads, Instant.now().toString());
            long seedStart = System.nanoTime();
            // Each lead's messages spread over days 60 to 31 ago, alternately inbound and outbound; then every lead's
            // inbox row, as the triggers would have kept it.
            Seed.execute(service, """
                    INSERT INTO message (workspace_id, lead_id, conversation_id, wamid, direction, type, text, sent_at, received_at)
                    SELECT l.workspace_id, l.id, c.id, 'wamid.old.' || g, CASE WHEN g %% 2 = 0 THEN 'inbound' ELSE 'outbound' END,
                           'text', 'Halo, saya mau tanya harga paket bulanan? Pesan lama nomor ' || g,
                           now() - interval '60 days' + (g %% 2500000) * interval '1 second',
                           now() - interval '60 days' + (g %% 2500000) * interval '1 second'
                    FROM generate_series(1, %d) g
                    JOIN lead l ON l.id = (SELECT min(id) FROM lead) + g %% %d
                    JOIN conversation c ON c.lead_id = l.id
                    """.formatted(messages, leads));
            Seed.execute(service, "SELECT count(lead_inbox_refresh(id)) FROM lead");
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            long seeded = Seed.count(service, "SELECT count(*) FROM message");

            Random random = new Random(11);
            Load load = new Load(16);
            WarmUp.Done warm = WarmUp.untilJitSettles(service, (n, length) -> {
                List<Load.Call> calls = IntakeBenchmark.deliveries(service, random, leads, "w" + n + "-",
                        (int) Math.min(20_000, length.toMillis()));
                load.closedLoop(16, length, i -> calls.get(i % calls.size()));
            });
            List<Load.Call> quietCalls = IntakeBenchmark.deliveries(service, random, leads, "q", deliveriesPerSecond * seconds + 1);
            Load.Result quiet = load.openLoop(deliveriesPerSecond, Duration.ofSeconds(seconds), quietCalls::get);

            // Retention on: the purge starts within a second; intake goes on at the same rate, slice by slice, until
            // no seeded message is left.
            Cpu before = Cpu.of(service);
            long purgeStart = System.nanoTime();
            sql(service, "UPDATE workspace SET retention_days = " + RETENTION_DAYS + " WHERE phone_number_id = '"
                    + Seed.DEMO_PHONE_NUMBER_ID + "'");
            // A poller notes when the last seeded message is gone (an index probe every 100 ms); the intake goes on
            // in 5 s slices until then.
            CompletableFuture<Double> purged = CompletableFuture.supplyAsync(() -> {
                try {
                    while (anyOlderThanRetention(service) && System.nanoTime() - purgeStart < Duration.ofMinutes(10).toNanos()) {
                        Thread.sleep(100);
                    }
                    return anyOlderThanRetention(service) ? Double.NaN : (System.nanoTime() - purgeStart) / 1e9;
                } catch (SQLException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Histogram during = new Histogram(3);
            long requests = 0;
            long failures = 0;
            long units = 0;
            double busySeconds = 0;
            for (int slice = 0; !purged.isDone(); slice++) {
                List<Load.Call> calls = IntakeBenchmark.deliveries(service, random, leads, "p" + slice + "-", deliveriesPerSecond * 5 + 1);
                Load.Result r = load.openLoop(deliveriesPerSecond, Duration.ofSeconds(5), calls::get);
                during.add(r.latency());
                requests += r.requests();
                failures += r.failures();
                units += r.units();
                busySeconds += r.seconds();
            }
            double purgeSeconds = purged.join();
            Cpu used = Cpu.of(service).minus(before);
            long left = Seed.count(service, "SELECT count(*) FROM message WHERE sent_at < now() - interval '" + RETENTION_DAYS + " days'");

            table.add(String.format("purge of %,d old messages over %,d leads (batches of %d, %s apart; seeded in %.0f s)", seeded,
                            leads, batchSize, pauseMillis >= 0 ? pauseMillis + " ms" : "the default pause", seedSeconds),
                    Double.isNaN(purgeSeconds) ? String.format("not done in 10 min: %,d left", left)
                            : String.format("%,.0f rows/s: all in %.1f s (CPU over the purge, the intake beside it included, per row deleted: %s)", seeded / purgeSeconds,
                            purgeSeconds, used.perUnit(seeded)),
                    "-", "-");
            table.add(String.format("intake at %d deliveries/s, no purge (%d s; %s)", deliveriesPerSecond, seconds, warm.describe()),
                    String.format("p50 %.2f ms, p99 %.2f ms, %.0f msgs/s (%d failed)", quiet.p50(), quiet.p99(),
                            quiet.unitsPerSecond(), quiet.failures()),
                    "-", "-");
            double p99 = during.getValueAtPercentile(99) / 1000.0;
            table.add(String.format("intake at %d deliveries/s during the purge (%.0f s)", deliveriesPerSecond, busySeconds),
                    String.format("p50 %.2f ms, p99 %.2f ms, %.0f msgs/s (%d of %d failed)", during.getValueAtPercentile(50) / 1000.0,
                            p99, units / busySeconds, failures, requests),
                    String.format("p99 %.2f ms without the purge", quiet.p99()),
                    String.format("%.2f", p99 / quiet.p99()));
        }
    }

    private static boolean anyOlderThanRetention(ServiceProcess service) throws SQLException {
        try (Connection c = service.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM message WHERE sent_at < now() - make_interval(days => ?))")) {
            ps.setInt(1, RETENTION_DAYS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void sql(ServiceProcess service, String statement) throws SQLException {
        try (Connection c = service.connect(); var s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
