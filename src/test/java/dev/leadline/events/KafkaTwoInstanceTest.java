package dev.leadline.events;

import static dev.leadline.events.KafkaRelayTest.await;
import static dev.leadline.events.KafkaRelayTest.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.leadline.bench.ServiceProcess;
import dev.leadline.events.KafkaRelayTest.DbEvent;
import dev.leadline.support.KafkaBroker;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The Kafka relay on two service processes (two JVMs) on one PostgreSQL: they share the deliveries (the claim's
 * SKIP LOCKED and lease), each event goes out once; one killed with kill -9 while it holds claims (the broker away,
 * its sends waiting): once its leases run out the other sends those events, nothing lost, order per lead kept.
 */
class KafkaTwoInstanceTest {

    static final String TOPIC = "leadline.events.cluster";
    // Longer than a send takes on a loaded machine (a lease that runs out mid-send is a repeat, by design), short
    // enough for the kill to be recovered quickly.
    static final int LEASE_SECONDS = 12;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void twoInstancesShareTheDeliveriesAndAKilledOnesClaimsGoOutWhenItsLeasesRunOut() throws Exception {
        assumeFalse(LeadlineApp.externalDatabase(), "two processes on an embedded PostgreSQL of the test's own");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
             KafkaBroker broker = KafkaBroker.start(TOPIC, 4)) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            Map<String, String> env = new HashMap<>();
            env.put("DB_URL", url);
            env.put("DB_USER", "postgres");
            env.put("DB_PASSWORD", "");
            env.put("DEMO_ENABLED", "true");
            env.put("DB_POOL_SIZE", "8");
            env.put("DB_INTAKE_POOL_SIZE", "8");
            env.put("CATCHUP_ON_START", "false");
            env.put("CATCHUP_SCHEDULED", "false");
            env.put("EVENTS_KAFKA_BROKERS", broker.bootstrap());
            env.put("EVENTS_KAFKA_TOPIC", TOPIC);
            env.put("EVENTS_KAFKA_POLL_MS", "100");
            env.put("EVENTS_KAFKA_RETRY_DELAY_MS", "200");
            env.put("EVENTS_KAFKA_MAX_RETRY_DELAY_MS", "1000");
            env.put("EVENTS_KAFKA_DELIVERY_TIMEOUT_MS", "3000");
            env.put("EVENTS_KAFKA_REQUEST_TIMEOUT_MS", "1000");
            env.put("EVENTS_KAFKA_LEASE_SECONDS", String.valueOf(LEASE_SECONDS));
            List<String> jvm = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
            Future<ServiceProcess> startA = pool.submit(() -> ServiceProcess.start("kafka-a", env, jvm));
            Future<ServiceProcess> startB = pool.submit(() -> ServiceProcess.start("kafka-b", env, jvm));
            try (ServiceProcess a = startA.get(180, TimeUnit.SECONDS); ServiceProcess b = startB.get(180, TimeUnit.SECONDS)) {
                List<String> phones = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    phones.add(Workspaces.newPhone());
                }
                // Intake on both instances at once: each lead's messages alternate between them.
                List<Future<?>> sends = new ArrayList<>();
                for (String phone : phones) {
                    sends.add(pool.submit(() -> {
                        for (int m = 0; m < 8; m++) {
                            assertEquals(200, kapso(m % 2 == 0 ? a : b, phone, "pesan " + m));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : sends) {
                    f.get(60, TimeUnit.SECONDS);
                }
                awaitAllDelivered(url, Duration.ofSeconds(60));
                long holders = count(url, "SELECT count(DISTINCT leased_by) FROM event_delivery WHERE status = 'delivered'");
                Map<String, Long> perInstance = perInstance(url);
                List<ConsumerRecord<String, byte[]>> before = broker.readAll(TOPIC, Duration.ofSeconds(3));
                assertEquals(count(url, "SELECT count(*) FROM event"), before.size(), "each event once, no crash: no repeat");
                assertEquals(2, holders, "both instances delivered: " + perInstance);

                // The broker away: sends wait, and both instances hold claims. Then kill -9 one of them.
                broker.stop();
                for (String phone : phones) {
                    assertEquals(200, kapso(b, phone, "selama"));
                }
                String aPid = a.handle().pid() + "@%";
                await(() -> {
                    try {
                        return count(url, "SELECT count(*) FROM event_delivery WHERE leased_by LIKE '" + aPid
                                + "' AND status = 'pending' AND lease_until > now()") > 0;
                    } catch (SQLException e) {
                        return false;
                    }
                }, Duration.ofSeconds(30), "instance a holding claims");
                long heldByKilled = count(url, "SELECT count(*) FROM event_delivery WHERE leased_by LIKE '" + aPid
                        + "' AND status = 'pending' AND lease_until > now()");
                Instant killed = Instant.now();
                a.kill();
                broker.startAgain();
                for (String phone : phones) {
                    assertEquals(200, kapso(b, phone, "sesudah"));
                }
                awaitAllDelivered(url, Duration.ofSeconds(90));
                Duration recovered = Duration.between(killed, Instant.now());

                Map<String, DbEvent> byId = new HashMap<>();
                events(url).forEach(e -> byId.put(e.id(), e));
                Map<String, List<ConsumerRecord<String, byte[]>>> byKey = new LinkedHashMap<>();
                for (ConsumerRecord<String, byte[]> r : broker.readAll(TOPIC, Duration.ofSeconds(3))) {
                    byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
                }
                Map<String, Boolean> seen = new HashMap<>();
                int records = 0;
                for (List<ConsumerRecord<String, byte[]>> list : byKey.values()) {
                    long previous = 0;
                    for (ConsumerRecord<String, byte[]> r : list) {
                        DbEvent e = byId.get(header(r, "event-id"));
                        assertNotNull(e, "a record of no event");
                        assertTrue(e.seq() == previous + 1 || e.seq() == previous, r.key() + ": #" + e.seq() + " after #" + previous);
                        assertArrayEquals(e.envelope().getBytes(StandardCharsets.UTF_8), r.value());
                        seen.put(e.id(), true);
                        previous = e.seq();
                        records++;
                    }
                }
                assertEquals(byId.size(), seen.size(), "every event on the topic, those the killed instance held included");
                System.out.printf("kafka two instances: first %d events delivered by %s; a killed holding %d claims "
                                + "(lease %d s), all %d events delivered %d ms after the kill, %d records (%d repeats)%n",
                        before.size(), perInstance, heldByKilled, LEASE_SECONDS, byId.size(), recovered.toMillis(),
                        records, records - seen.size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static int kapso(ServiceProcess service, String phone, String text) throws Exception {
        byte[] body = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.kafka2"), phone, text,
                Instant.now().getEpochSecond()).toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(service.uri("/webhooks/kapso"))
                .header("Content-Type", "application/json").header("X-Webhook-Event", Webhooks.RECEIVED)
                .header("X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, body))
                .header("X-Webhook-Payload-Version", "v2").header("X-Idempotency-Key", UUID.randomUUID().toString())
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    static void awaitAllDelivered(String url, Duration timeout) {
        await(() -> {
            try {
                long events = count(url, "SELECT count(*) FROM event");
                return events > 0 && count(url, "SELECT count(*) FROM event_delivery d JOIN event_subscription s "
                        + "ON s.id = d.subscription_id WHERE s.kind = 'kafka' AND d.status = 'delivered'") == events;
            } catch (SQLException e) {
                return false;
            }
        }, timeout, "every event delivered to Kafka");
    }

    static Map<String, Long> perInstance(String url) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery("SELECT leased_by, count(*) FROM event_delivery "
                     + "WHERE status = 'delivered' GROUP BY leased_by ORDER BY leased_by")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    static long count(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<DbEvent> events(String url) throws SQLException {
        List<DbEvent> events = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT e.id::text, e.lead_id, e.seq, e.type, event_envelope(e)::text FROM event e");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                events.add(new DbEvent(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
            }
        }
        return events;
    }
}
