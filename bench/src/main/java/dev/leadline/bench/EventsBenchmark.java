package dev.leadline.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.leadline.support.KafkaBroker;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Outbound events (docs/events.md), three figures in one run:
 * <ol>
 *   <li>intake at saturation with one webhook subscription and Kafka on, against a service with neither (the
 *       outbox is written in both: what costs is relaying), target at least 0.9;</li>
 *   <li>event lag from its write to the receiver, p50 and p99, at half the "on" saturation rate, target p99 under 1 s;</li>
 *   <li>relay throughput: a backlog of events (over many leads) released at once to a fast receiver.</li>
 * </ol>
 * The receiver answers 204 at once and notes when each event arrived; lag is that time minus the event's
 * occurredAt (both this machine's clock). Kafka is Apache Kafka's own KRaft broker, a child JVM of this one.
 */
final class EventsBenchmark {

    static final String TOPIC = "leadline.events";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventsBenchmark() {
    }

    static void run(int clients, int seconds, int seededLeads, int backlog, Table table) throws Exception {
        if (seconds > 0) {
            intake(clients, seconds, seededLeads, table);
        }
        if (backlog > 0) {
            backlog(backlog, table);
        }
    }

    private static Map<String, String> plus(Map<String, String> env, String key, String value) {
        Map<String, String> more = new java.util.HashMap<>(env);
        more.put(key, value);
        return more;
    }

    /** The first two figures: intake with relaying on against off, and the event lag at half saturation. */
    static void intake(int clients, int seconds, int seededLeads, Table table) throws Exception {
        Saturation off;
        try (ServiceProcess service = ServiceProcess.start("events-off", ServiceProcess.pools(clients, 8), List.of())) {
            off = saturation(service, clients, seconds, seededLeads, "off");
        }
        Map<String, String> onEnv = ServiceProcess.pools(clients, 8, Map.of("EVENTS_ALLOW_PRIVATE_TARGETS", "true", "EVENTS_ALLOW_HTTP", "true"));
        try (Receiver receiver = Receiver.start(); KafkaBroker kafka = KafkaBroker.start(TOPIC, 6);
             ServiceProcess service = ServiceProcess.start("events-on", plus(onEnv, "EVENTS_KAFKA_BROKERS", kafka.bootstrap()), List.of())) {
            subscribe(service, receiver.url());
            Saturation saturated = saturation(service, clients, seconds, seededLeads, "on");
            double on = saturated.messagesPerSecond();
            table.add("intake at saturation, one webhook subscription and Kafka on (outbox written either way)",
                    String.format("%.0f msgs/s", on), String.format("%.0f msgs/s with neither", off.messagesPerSecond()),
                    String.format("%.2f (target >= 0.9)", on / off.messagesPerSecond()));
            table.add("CPU per message at saturation, relaying off", off.cpu(), "-", "-");
            table.add("CPU per message at saturation, relaying on", saturated.cpu(), "-", "-");
            // Drain what the saturation left, then measure the lag at half that rate.
            awaitDrained(service, Duration.ofMinutes(5));
            receiver.reset();
            Random random = new Random(11);
            // Half the saturation rate, in requests (a request carries 1.4 messages on average: 10% are batches of 5).
            double requestsPerSecond = on / 2 / (1 + IntakeBenchmark.BATCH_PERCENT / 100.0 * (IntakeBenchmark.BATCH_SIZE - 1));
            List<Load.Call> calls = IntakeBenchmark.deliveries(service, random, seededLeads, "lag",
                    (int) (requestsPerSecond * seconds) + 1);
            Load.Result half = new Load(clients).openLoop(requestsPerSecond, Duration.ofSeconds(seconds), calls::get);
            awaitDrained(service, Duration.ofMinutes(2));
            Histogram lag = receiver.lag();
            table.add(String.format("event lag, write to webhook receiver, at half saturation (%.0f msgs/s offered, %d events)",
                            half.unitsPerSecond(), lag.getTotalCount()),
                    String.format("p50 %.0f ms, p99 %.0f ms", lag.getValueAtPercentile(50) / 1000.0, lag.getValueAtPercentile(99) / 1000.0),
                    "p99 < 1000 ms", String.format("%.2f", lag.getValueAtPercentile(99) / 1000.0 / 1000));
        }
    }

    /** The third: a backlog of events, visible to the relay all at once, drained to a receiver answering at once. */
    static void backlog(int backlog, Table table) throws Exception {
        try (Receiver receiver = Receiver.start();
             ServiceProcess service = ServiceProcess.start("events-backlog", Map.of("EVENTS_ALLOW_PRIVATE_TARGETS", "true",
                     "EVENTS_ALLOW_HTTP", "true"), List.of())) {
            Seed.leads(service, Math.max(1, backlog / 10), Instant.now().toString());
            subscribe(service, receiver.url());
            receiver.reset();
            long start = seedBacklog(service, backlog);
            awaitDrained(service, Duration.ofMinutes(30));
            double elapsed = (System.nanoTime() - start) / 1e9;
            table.add(String.format("webhook relay from a backlog of %,d events over %,d leads, to a receiver answering at once",
                            backlog, Math.max(1, backlog / 10)),
                    String.format("%.0f events/s (%d received in %.1f s)", receiver.count() / elapsed, receiver.count(), elapsed),
                    "-", "-");
        }
    }

    /** An intake saturation phase: its rate, and where the machine's CPU went per message. */
    record Saturation(double messagesPerSecond, String cpu) {
    }

    /**
     * Intake at saturation after the JIT settles: messages per second, and the CPU per message of the service,
     * its PostgreSQL, this JVM (the load generator and the webhook receiver) and the rest of the machine (the
     * Kafka broker, when one runs).
     */
    static Saturation saturation(ServiceProcess service, int clients, int seconds, int seededLeads, String prefix) throws Exception {
        Seed.leads(service, seededLeads, Instant.now().toString());
        Random random = new Random(7);
        Load load = new Load(clients);
        WarmUp.untilJitSettles(service, (n, length) -> {
            List<Load.Call> calls = IntakeBenchmark.deliveries(service, random, seededLeads, prefix + "w" + n + "-",
                    (int) Math.min(20_000, length.toMillis()));
            load.closedLoop(clients, length, i -> calls.get(i % calls.size()));
        });
        List<Load.Call> calls = IntakeBenchmark.deliveries(service, random, seededLeads, prefix + "s", Math.max(2_000, seconds * 5_000));
        long[] machineBefore = Machine.cpuTicks();
        Cpu before = Cpu.of(service);
        Load.Result result = load.closedLoop(clients, Duration.ofSeconds(seconds), i -> calls.get(i % calls.size()));
        Cpu used = Cpu.of(service).minus(before);
        long[] machineAfter = Machine.cpuTicks();
        double machine = (machineAfter[0] - machineBefore[0]) / (double) Machine.clockTicksPerSecond();
        double rest = machine - used.service() - used.database() - used.harness();
        long messages = Math.max(1, result.units());
        return new Saturation(result.unitsPerSecond(), String.format("%s, the rest of the machine %.3f ms (machine %.3f ms, %.0f%% busy)",
                used.perUnit(messages), 1000 * rest / messages, 1000 * machine / messages,
                Machine.busyPercent(machineBefore, machineAfter)));
    }

    /** A webhook subscription of the demo workspace to the receiver, taking every event type. */
    static long subscribe(ServiceProcess service, String url) throws Exception {
        try (Connection c = service.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO event_subscription (workspace_id, url, types, secret) "
                        + "SELECT id, ?, '{*}', 'whsec_YmVuY2htYXJrLXNlY3JldC1vZi0zMi1ieXRlcyEh' FROM workspace WHERE phone_number_id = ? RETURNING id")) {
            ps.setString(1, url);
            ps.setString(2, Seed.DEMO_PHONE_NUMBER_ID);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * N events, ten per lead over the seeded leads, written by the outbox's own function in one transaction, so
     * that the relay sees the whole backlog at once when it commits: the time (System.nanoTime) just before the
     * commit, from which the drain is timed.
     */
    static long seedBacklog(ServiceProcess service, int events) throws Exception {
        try (Connection c = service.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET statement_timeout = 0");
            s.execute("SELECT event_write(l.workspace_id, l.id, 'note.created', jsonb_build_object('content', 'Catatan ' || g), NULL) "
                    + "FROM (SELECT id, workspace_id FROM lead ORDER BY id LIMIT " + Math.max(1, events / 10) + ") l, generate_series(1, 10) g "
                    + "ORDER BY l.id, g");
            long start = System.nanoTime();
            c.commit();
            return start;
        }
    }

    /** Waits until no delivery is pending (webhook and Kafka). */
    static void awaitDrained(ServiceProcess service, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = service.connect(); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM event_delivery WHERE status = 'pending'")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("deliveries still pending after " + atMost);
    }

    /** A webhook receiver that answers 204 at once and notes each event's lag from its occurredAt. */
    static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final Recorder lag = new Recorder(3);
        private final AtomicLong count = new AtomicLong();

        private Receiver(HttpServer server) {
            this.server = server;
        }

        static Receiver start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            Receiver receiver = new Receiver(server);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                long arrived = System.currentTimeMillis();
                try {
                    JsonNode event = JSON.readTree(new String(body, StandardCharsets.UTF_8));
                    long written = OffsetDateTime.parse(event.path("occurredAt").asText()).toInstant().toEpochMilli();
                    // in microseconds, as the other histograms; occurredAt has milliseconds
                    receiver.lag.recordValue(Math.max(1, (arrived - written) * 1000));
                } catch (RuntimeException unreadable) {
                    // counted, not timed
                }
                receiver.count.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.start();
            return receiver;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
        }

        void reset() {
            lag.getIntervalHistogram();
            count.set(0);
        }

        Histogram lag() {
            return lag.getIntervalHistogram();
        }

        long count() {
            return count.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
