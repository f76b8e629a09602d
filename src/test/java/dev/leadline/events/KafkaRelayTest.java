package dev.leadline.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.leadline.support.KafkaBroker;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Prometheus;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events to Kafka (routes/event-kafka.camel.yaml) against Apache Kafka's own KRaft broker (support/KafkaBroker):
 * every event once on the topic, keyed workspaceId:leadId, in sequence order per key, with its id and type as
 * headers and the envelope's exact bytes; through a broker outage and a restart of the service, nothing lost.
 */
class KafkaRelayTest {

    static final String TOPIC = "leadline.events";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static KafkaBroker broker;
    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.start(TOPIC, 4);
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), kafkaSettings());
        awaitKafkaSubscription(app, true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** A fast relay: short polls, retries and timeouts, so that an outage takes seconds. */
    static Map<String, String> kafkaSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("summaries.enabled", "false");
        settings.put("catchup.scheduled", "false");
        settings.put("catchup.on-start", "false");
        settings.put("events.kafka.brokers", broker.bootstrap());
        settings.put("events.kafka.poll-ms", "100");
        settings.put("events.kafka.retry-delay-ms", "200");
        settings.put("events.kafka.max-retry-delay-ms", "1000");
        settings.put("events.kafka.delivery-timeout-ms", "3000");
        settings.put("events.kafka.request-timeout-ms", "1000");
        settings.put("events.kafka.lease-seconds", "10");
        settings.put("events.kafka.lag-refresh-seconds", "1");
        return settings;
    }

    @Test
    void eventsOfTwentyLeadsUnderConcurrentIntakeArriveInOrderPerKeyWithHeadersAndExactBytes() throws Exception {
        Tenant t = Tenant.create(app);
        List<String> phones = new ArrayList<>();
        List<Runnable> sends = new ArrayList<>();
        for (int lead = 0; lead < 20; lead++) {
            String phone = Workspaces.newPhone();
            phones.add(phone);
            for (int m = 0; m < 5; m++) {
                String text = "pesan " + m + " dari " + phone;
                sends.add(() -> kapso(t, phone, text));
            }
        }
        Collections.shuffle(sends);
        runConcurrently(sends, 20);

        awaitAllDelivered(app, t.workspaceId, Duration.ofSeconds(60));
        List<DbEvent> events = events(app, t.workspaceId);
        assertTrue(events.size() >= 20 * 6, "a lead.created and 5 message.received per lead: " + events.size());
        Map<String, List<ConsumerRecord<String, byte[]>>> byKey = recordsByKey(t.workspaceId);
        assertEquals(20, byKey.size(), byKey.keySet().toString());

        Map<String, DbEvent> byId = new HashMap<>();
        events.forEach(e -> byId.put(e.id(), e));
        int records = 0;
        for (Map.Entry<String, List<ConsumerRecord<String, byte[]>>> entry : byKey.entrySet()) {
            List<ConsumerRecord<String, byte[]>> list = entry.getValue();
            assertEquals(1, list.stream().map(ConsumerRecord::partition).distinct().count(), "one partition per lead: " + entry.getKey());
            long expected = 1;
            for (ConsumerRecord<String, byte[]> r : list) {
                DbEvent e = byId.get(header(r, "event-id"));
                assertNotNull(e, "a record of no event: " + header(r, "event-id"));
                assertEquals(t.workspaceId + ":" + e.leadId(), r.key());
                assertEquals(expected++, e.seq(), "sequence order on " + r.key());
                assertEquals(e.type(), header(r, "event-type"));
                assertArrayEquals(e.envelope().getBytes(StandardCharsets.UTF_8), r.value(), "the envelope's bytes");
                records++;
            }
        }
        // each event exactly once: no outage, no duplicate
        assertEquals(events.size(), records);

        Prometheus metrics = scrape(app);
        assertTrue(metrics.value("leadline_events_kafka_deliveries_total", "outcome", "delivered") >= events.size(),
                "deliveries counted");
        System.out.printf("kafka relay: %d events of 20 leads, %d records%n", events.size(), records);
    }

    @Test
    void theBrokerStoppedAndRestartedMidStreamLosesNothingAndKeepsTheOrder() throws Exception {
        Tenant t = Tenant.create(app);
        List<String> phones = new ArrayList<>();
        for (int lead = 0; lead < 10; lead++) {
            phones.add(Workspaces.newPhone());
        }
        AtomicBoolean intake = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(phones.size());
        List<Future<?>> running = new ArrayList<>();
        for (String phone : phones) {
            running.add(senders.submit(() -> {
                for (int m = 0; intake.get() && m < 1000; m++) {
                    if (kapso(t, phone, "pesan " + m) == 200) {
                        sent.incrementAndGet();
                    } else {
                        refused.incrementAndGet();
                    }
                    sleep(150);
                }
            }));
        }
        try {
            await(() -> {
                try {
                    return delivered(app, t.workspaceId) >= 30;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30), "deliveries before the outage");
            broker.stop();
            Instant down = Instant.now();
            long deliveredAtStop = delivered(app, t.workspaceId);
            sleep(5000);
            // the intake goes on while the broker is away; the relay keeps its place in PostgreSQL
            long pendingDuringOutage = pending(app, t.workspaceId);
            double lagDuringOutage = scrape(app).value("leadline_events_kafka_lag_seconds");
            assertTrue(pendingDuringOutage > 0, "events pending while the broker is down");
            assertTrue(lagDuringOutage >= 2, "the lag gauge grows while the broker is down: " + lagDuringOutage);
            broker.startAgain();
            Instant up = Instant.now();
            Duration outage = Duration.between(down, up);
            long pendingAtRestart = pending(app, t.workspaceId);
            sleep(1500);
            intake.set(false);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(0, refused.get(), "the intake refused nothing while the broker was down");

            awaitAllDelivered(app, t.workspaceId, Duration.ofSeconds(90));
            Duration drained = Duration.between(up, Instant.now());
            List<DbEvent> events = events(app, t.workspaceId);
            Map<String, DbEvent> byId = new HashMap<>();
            events.forEach(e -> byId.put(e.id(), e));
            Map<String, List<ConsumerRecord<String, byte[]>>> byKey = recordsByKey(t.workspaceId);
            int records = 0;
            int duplicates = 0;
            Map<String, Boolean> seen = new HashMap<>();
            for (Map.Entry<String, List<ConsumerRecord<String, byte[]>>> entry : byKey.entrySet()) {
                long previous = 0;
                for (ConsumerRecord<String, byte[]> r : entry.getValue()) {
                    DbEvent e = byId.get(header(r, "event-id"));
                    assertNotNull(e, "a record of no event");
                    // in order: the next event, or the one before again (a repeat, with its same id and bytes)
                    assertTrue(e.seq() == previous + 1 || e.seq() == previous,
                            r.key() + ": #" + e.seq() + " after #" + previous);
                    assertArrayEquals(e.envelope().getBytes(StandardCharsets.UTF_8), r.value());
                    if (seen.put(e.id(), true) != null) {
                        duplicates++;
                    }
                    previous = e.seq();
                    records++;
                }
            }
            assertEquals(events.size(), seen.size(), "every event on the topic");
            Prometheus metrics = scrape(app);
            double retries = metrics.value("leadline_events_kafka_deliveries_total", "outcome", "retry");
            assertTrue(retries > 0, "tries the broker did not acknowledge are counted");
            System.out.printf("kafka outage: %d messages sent (%d refused), outage %d ms, %d delivered at the stop, "
                            + "%d pending and lag %.1f s during it, %d pending at the restart and all delivered %d ms after it, "
                            + "%d events, %d records (%d repeats), %d retries counted%n",
                    sent.get(), refused.get(), outage.toMillis(), deliveredAtStop, pendingDuringOutage, lagDuringOutage,
                    pendingAtRestart, drained.toMillis(), events.size(), records, duplicates, (long) retries);
        } finally {
            intake.set(false);
            senders.shutdownNow();
        }
    }

    @Test
    void aRestartOfTheServiceLosesNothing() throws Exception {
        // a database of its own, so a topic of its own: its workspace and lead ids repeat the other service's
        String topic = "leadline.events.restart";
        broker.createTopic(topic, 4);
        Map<String, String> settings = new HashMap<>(kafkaSettings());
        settings.put("events.kafka.topic", topic);
        Path dataDir = LeadlineApp.freshDataDir();
        Tenant t;
        List<String> phones = List.of(Workspaces.newPhone(), Workspaces.newPhone(), Workspaces.newPhone());
        try (LeadlineApp first = LeadlineApp.start(dataDir, settings)) {
            awaitKafkaSubscription(first, true);
            t = Tenant.create(first);
            for (String phone : phones) {
                kapso(t, phone, "sebelum");
            }
            awaitAllDelivered(first, t.workspaceId, Duration.ofSeconds(30));
            // the broker away: what arrives now is pending in PostgreSQL when the service stops
            broker.stop();
            for (String phone : phones) {
                kapso(t, phone, "selama");
                kapso(t, phone, "selama lagi");
            }
            assertTrue(pending(first, t.workspaceId) >= phones.size() * 2, "pending when the service stops");
        }
        broker.startAgain();
        try (LeadlineApp second = LeadlineApp.start(dataDir, settings)) {
            Webhooks again = new Webhooks(second, t.secret);
            for (String phone : phones) {
                assertEquals(200, kapso(again, t.phoneNumberId, phone, "sesudah"));
            }
            awaitAllDelivered(second, t.workspaceId, Duration.ofSeconds(60));
            List<DbEvent> events = events(second, t.workspaceId);
            Map<String, DbEvent> byId = new HashMap<>();
            events.forEach(e -> byId.put(e.id(), e));
            Map<String, List<ConsumerRecord<String, byte[]>>> byKey = recordsByKey(topic, t.workspaceId);
            Map<String, Boolean> seen = new HashMap<>();
            for (List<ConsumerRecord<String, byte[]>> list : byKey.values()) {
                long previous = 0;
                for (ConsumerRecord<String, byte[]> r : list) {
                    DbEvent e = byId.get(header(r, "event-id"));
                    assertTrue(e.seq() == previous + 1 || e.seq() == previous, r.key() + ": #" + e.seq() + " after #" + previous);
                    seen.put(e.id(), true);
                    previous = e.seq();
                }
            }
            assertEquals(events.size(), seen.size(), "every event on the topic, those pending at the stop included");
            assertEquals(phones.size() * 5, events.size(), "lead.created and four messages per lead");
        }

        // Without brokers the subscription is disabled at start: new events get no Kafka delivery.
        Map<String, String> noKafka = new HashMap<>(settings);
        noKafka.put("events.kafka.brokers", "");
        try (LeadlineApp third = LeadlineApp.start(dataDir, noKafka)) {
            awaitKafkaSubscription(third, false);
            assertEquals(200, kapso(new Webhooks(third, t.secret), t.phoneNumberId, phones.get(0), "tanpa kafka"));
            assertEquals(phones.size() * 5 + 1, third.queryLong("SELECT count(*) FROM event WHERE workspace_id = ?", t.workspaceId));
            assertEquals(phones.size() * 5, third.queryLong("SELECT count(*) FROM event_delivery d JOIN event e ON e.id = d.event_id "
                    + "WHERE e.workspace_id = ?", t.workspaceId), "no Kafka delivery for the event written without brokers");
            assertFalse(third.context().getRouteController().getRouteStatus("kafka-relay").isStarted(), "the relay is off");
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------

    record DbEvent(String id, long leadId, long seq, String type, String envelope) {
    }

    static int kapso(Tenant t, String phone, String text) {
        return kapso(t.webhooks, t.phoneNumberId, phone, text);
    }

    static int kapso(Webhooks webhooks, String phoneNumberId, String phone, String text) {
        try {
            HttpResponse<String> r = webhooks.kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.kafka"), phone,
                    text, Instant.now().getEpochSecond()));
            return r.statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void runConcurrently(List<Runnable> tasks, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            tasks.forEach(task -> futures.add(pool.submit(task)));
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static List<DbEvent> events(LeadlineApp app, long workspaceId) throws Exception {
        List<DbEvent> events = new ArrayList<>();
        try (Connection c = app.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT e.id::text, e.lead_id, e.seq, e.type, event_envelope(e)::text "
                     + "FROM event e WHERE e.workspace_id = ? ORDER BY e.lead_id, e.seq")) {
            ps.setLong(1, workspaceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new DbEvent(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return events;
    }

    /** The workspace's records on the topic, per key, in the order of their partition. */
    static Map<String, List<ConsumerRecord<String, byte[]>>> recordsByKey(long workspaceId) {
        return recordsByKey(TOPIC, workspaceId);
    }

    static Map<String, List<ConsumerRecord<String, byte[]>>> recordsByKey(String topic, long workspaceId) {
        Map<String, List<ConsumerRecord<String, byte[]>>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : broker.readAll(topic, Duration.ofSeconds(3))) {
            if (r.key() != null && r.key().startsWith(workspaceId + ":")) {
                byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
        }
        return byKey;
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static long delivered(LeadlineApp app, long workspaceId) throws Exception {
        return kafkaDeliveries(app, workspaceId, "delivered");
    }

    static long pending(LeadlineApp app, long workspaceId) throws Exception {
        return kafkaDeliveries(app, workspaceId, "pending");
    }

    static long kafkaDeliveries(LeadlineApp app, long workspaceId, String status) throws Exception {
        return app.queryLong("SELECT count(*) FROM event_delivery d JOIN event e ON e.id = d.event_id "
                + "JOIN event_subscription s ON s.id = d.subscription_id WHERE s.kind = 'kafka' AND e.workspace_id = ? "
                + "AND d.status = ?", workspaceId, status);
    }

    /** Every event of the workspace has its Kafka delivery, and each is delivered. */
    static void awaitAllDelivered(LeadlineApp app, long workspaceId, Duration timeout) throws Exception {
        await(() -> {
            try {
                long events = app.queryLong("SELECT count(*) FROM event WHERE workspace_id = ?", workspaceId);
                return events > 0 && delivered(app, workspaceId) == events;
            } catch (Exception e) {
                return false;
            }
        }, timeout, "every event of workspace " + workspaceId + " delivered to Kafka");
    }

    static void awaitKafkaSubscription(LeadlineApp app, boolean enabled) throws Exception {
        await(() -> {
            try {
                return String.valueOf(enabled).equals(app.queryString("SELECT enabled::text FROM event_subscription WHERE kind = 'kafka'"));
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20), "the Kafka subscription enabled " + enabled);
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            sleep(100);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Prometheus scrape(LeadlineApp app) throws Exception {
        String port = app.context().resolvePropertyPlaceholders("{{management.port}}");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return new Prometheus(response.body());
    }
}
