package dev.leadline.events;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.bench.ServiceProcess;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.WebhookReceiver;
import dev.leadline.support.WebhookReceiver.Answer;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Two real service JVMs on ONE PostgreSQL, both relaying: each event reaches the receiver once per
 * subscription, each lead's in order; and a kill -9 of the instance in the middle of sending an event loses
 * nothing: after its lease (8 s here) the other instance sends it, with the same webhook-id. Figures go to the
 * test output.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstanceWebhookTest {

    // Longer than a delivery takes on a loaded machine (a lease that runs out mid-send is a repeat, by design).
    static final int LEASE_SECONDS = 8;
    static EmbeddedPostgres embedded;
    static String dbUrl;
    static WebhookReceiver receiver;
    static final Map<String, ServiceProcess> instances = new HashMap<>();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ExecutorService pool = Executors.newFixedThreadPool(16);
    static long subscriptionId;

    @BeforeAll
    static void start() throws Exception {
        assumeFalse(LeadlineApp.externalDatabase(), "starts its own PostgreSQL");
        embedded = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
        dbUrl = embedded.getJdbcUrl("postgres", "postgres");
        receiver = new WebhookReceiver();
        Map<String, String> env = new HashMap<>();
        env.put("DB_URL", dbUrl);
        env.put("DB_USER", "postgres");
        env.put("DB_PASSWORD", "");
        env.put("DEMO_ENABLED", "true");
        env.put("DB_POOL_SIZE", "6");
        env.put("DB_INTAKE_POOL_SIZE", "6");
        env.put("CATCHUP_ON_START", "false");
        env.put("CATCHUP_SCHEDULED", "false");
        env.put("EVENTS_ALLOW_HTTP", "true");
        env.put("EVENTS_ALLOW_PRIVATE_TARGETS", "true");
        env.put("EVENTS_RELAY_INTERVAL_MS", "100");
        env.put("EVENTS_LEASE_SECONDS", String.valueOf(LEASE_SECONDS));
        // longer than the test takes to kill the sender, so that only the kill ends its attempt
        env.put("EVENTS_WEBHOOK_TIMEOUT_MS", "15000");
        env.put("EVENTS_CONCURRENCY", "4");
        List<String> jvm = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        Future<ServiceProcess> a = pool.submit(() -> ServiceProcess.start("webhooks-a", env, jvm));
        Future<ServiceProcess> b = pool.submit(() -> ServiceProcess.start("webhooks-b", env, jvm));
        instances.put("a", a.get());
        instances.put("b", b.get());
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(instances.get("a").uri("/api/subscriptions"))
                .header("Authorization", "Bearer " + Workspaces.DEMO_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + receiver.url("/two") + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        subscriptionId = JSON.readTree(created.body()).get("id").asLong();
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess p : instances.values()) {
            if (p.isAlive()) {
                p.close();
            }
        }
        pool.shutdownNow();
        if (receiver != null) {
            receiver.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    static void deliver(ServiceProcess on, String phone, String text) throws Exception {
        byte[] body = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, "wamid.two." + UUID.randomUUID(), phone, text,
                Instant.now().getEpochSecond()).toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = on.deliverDemoWebhook(body);
        assertEquals(200, r.statusCode(), r.body());
    }

    static String one(String sql, Object... params) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static long count(String sql, Object... params) throws Exception {
        return Long.parseLong(one(sql, params));
    }

    static void await(String what, Duration within, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + within);
            }
            Thread.sleep(50);
        }
    }

    @Test
    @Order(1)
    void bothInstancesRelayAndEachEventArrivesOnceInItsLeadsOrder() throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        for (int lead = 0; lead < 20; lead++) {
            String phone = Workspaces.newPhone();
            for (int m = 0; m < 3; m++) {
                ServiceProcess on = instances.get(m % 2 == 0 ? "a" : "b");
                int n = m;
                sent.add(pool.submit(() -> {
                    deliver(on, phone, "pesan " + n);
                    return null;
                }));
            }
        }
        for (Future<?> f : sent) {
            f.get();
        }
        long events = count("SELECT count(*) FROM event_delivery WHERE subscription_id = ?", subscriptionId);
        long started = System.nanoTime();
        await("every event delivered", Duration.ofSeconds(60), () -> count(
                "SELECT count(*) FROM event_delivery WHERE subscription_id = ? AND status = 'delivered'", subscriptionId) == events);
        List<WebhookReceiver.Request> requests = receiver.requests("/two");
        Set<String> ids = new HashSet<>();
        requests.forEach(r -> ids.add(r.id()));
        long instancesThatSent = count("SELECT count(DISTINCT leased_by) FROM event_delivery WHERE subscription_id = ?", subscriptionId);
        System.out.printf("two instances: %d events, %d requests, %d distinct webhook-ids, sent by %d instances, all in %d ms%n",
                events, requests.size(), ids.size(), instancesThatSent, Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertEquals(events, requests.size(), "each event sent once");
        assertEquals(events, ids.size());
        assertEquals(2, instancesThatSent, "both instances relayed");
        Map<Long, List<Long>> perLead = WebhookDeliveryTest.arrivalsPerLead(requests);
        assertEquals(20, perLead.size());
        WebhookDeliveryTest.assertInOrder(perLead);
    }

    @Test
    @Order(2)
    void killMinus9DuringADeliveryLosesNothingTheOtherSendsTheSameWebhookId() throws Exception {
        int before = receiver.requests("/two").size();
        // the next request hangs: its sender is killed while it waits for the answer
        receiver.then(Answer.hang(Duration.ofSeconds(30)));
        String phone = Workspaces.newPhone();
        deliver(instances.get("a"), phone, "sebelum kill");
        await("the hanging request", Duration.ofSeconds(15), () -> receiver.requests("/two").size() > before);
        WebhookReceiver.Request hung = receiver.requests("/two").get(before);
        String leasedBy = one("SELECT leased_by FROM event_delivery WHERE event_id = CAST(? AS uuid)", hung.id());
        String victim = leasedBy.startsWith(instances.get("a").handle().pid() + "@") ? "a" : "b";
        assertTrue(leasedBy.startsWith(instances.get(victim).handle().pid() + "@"), leasedBy);
        instances.get(victim).kill();
        long killed = System.nanoTime();
        String survivor = victim.equals("a") ? "b" : "a";
        deliver(instances.get(survivor), phone, "sesudah kill");

        await("the same webhook-id again", Duration.ofSeconds(20), () -> receiver.requests("/two").stream()
                .filter(r -> r.id().equals(hung.id())).count() == 2);
        long resentAfter = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        await("the lead's events delivered", Duration.ofSeconds(20), () -> count("SELECT count(*) FROM event_delivery d "
                + "JOIN event e ON e.id = d.event_id WHERE d.subscription_id = ? AND e.lead_id = (SELECT lead_id FROM event "
                + "WHERE id = CAST(? AS uuid)) AND d.status <> 'delivered'", subscriptionId, hung.id()) == 0);
        List<WebhookReceiver.Request> after = receiver.requests("/two").subList(before, receiver.requests("/two").size());
        System.out.printf("kill -9 of instance %s while it sent event %s: sent again by %s %d ms after the kill (lease %d s); "
                + "%d requests for the lead's events after the kill%n", victim, hung.id(), survivor, resentAfter, LEASE_SECONDS,
                after.size());
        assertTrue(resentAfter >= (LEASE_SECONDS - 1) * 1000L, "not before the lease ran out: " + resentAfter);
        Map<Long, List<Long>> perLead = WebhookDeliveryTest.arrivalsPerLead(after);
        assertEquals(1, perLead.size());
        // lead.created (hung, then again), message.received, message.received: in order, nothing lost
        assertEquals(List.of(1L, 2L, 3L), perLead.values().iterator().next());
        assertEquals("delivered", one("SELECT status FROM event_delivery WHERE event_id = CAST(? AS uuid)", hung.id()));
        assertEquals(2L, count("SELECT attempts FROM event_delivery WHERE event_id = CAST(? AS uuid)", hung.id()));
    }
}
