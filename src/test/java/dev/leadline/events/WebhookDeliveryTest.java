package dev.leadline.events;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Prometheus;
import dev.leadline.support.Tenant;
import dev.leadline.support.WebhookReceiver;
import dev.leadline.support.WebhookReceiver.Answer;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signed webhooks through real HTTP: the service relays its outbox to receivers on loopback (allowed here by
 * events.allow-private-targets), on a fast retry schedule: 100 ms doubling to 500 ms, 16 attempts (some 7 s).
 */
class WebhookDeliveryTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static LeadlineApp app;
    static final List<WebhookReceiver> receivers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("summaries.enabled", "false");
        settings.put("admin.token", LeadlineApp.ADMIN_TOKEN);
        settings.put("events.allow-http", "true");
        settings.put("events.allow-private-targets", "true");
        settings.put("events.relay-interval-ms", "100");
        settings.put("events.retry-delay-ms", "100");
        settings.put("events.max-retry-delay-ms", "500");
        settings.put("events.max-attempts", "16");
        settings.put("events.webhook-timeout-ms", "1000");
        settings.put("events.lease-seconds", "5");
        settings.put("events.max-failed-events", "2");
        settings.put("events.concurrency", "8");
        settings.put("events.metrics-refresh-seconds", "1");
        settings.put("events.health-max-age-seconds", "2");
        settings.put("events.retention-interval-seconds", "1");
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), settings);
    }

    @AfterAll
    static void stop() {
        receivers.forEach(WebhookReceiver::close);
        if (app != null) {
            app.close();
        }
    }

    static WebhookReceiver receiver() throws Exception {
        WebhookReceiver receiver = new WebhookReceiver();
        receivers.add(receiver);
        return receiver;
    }

    static JsonNode subscribe(Tenant t, String url, String types) throws Exception {
        HttpResponse<String> created = app.call("POST", "/api/subscriptions",
                "{\"url\": \"" + url + "\", \"types\": " + types + "}", t.token);
        assertEquals(201, created.statusCode(), created.body());
        return JSON.readTree(created.body());
    }

    static void message(Tenant t, String phone, String text) throws Exception {
        HttpResponse<String> stored = t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.hook"), phone,
                text, Instant.now().getEpochSecond()));
        assertEquals(200, stored.statusCode(), stored.body());
    }

    static long events(Tenant t) throws Exception {
        return t.count("SELECT count(*) FROM event WHERE workspace_id = ?");
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

    static long delivered(long subscriptionId) throws Exception {
        return app.queryLong("SELECT count(*) FROM event_delivery WHERE subscription_id = ? AND status = 'delivered'", subscriptionId);
    }

    static JsonNode log(Tenant t, long subscriptionId) throws Exception {
        HttpResponse<String> page = app.get("/api/subscriptions/" + subscriptionId + "/deliveries?limit=200", t.token);
        assertEquals(200, page.statusCode(), page.body());
        return JSON.readTree(page.body()).get("items");
    }

    static void sql(String statement, Object... params) throws Exception {
        try (Connection c = app.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /** The sequence numbers each lead's events first arrived in. */
    static Map<Long, List<Long>> arrivalsPerLead(List<WebhookReceiver.Request> requests) throws Exception {
        Map<Long, List<Long>> perLead = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (WebhookReceiver.Request r : requests) {
            if (seen.add(r.id())) {
                JsonNode event = JSON.readTree(r.body());
                perLead.computeIfAbsent(event.get("leadId").asLong(), k -> new ArrayList<>()).add(event.get("sequence").asLong());
            }
        }
        return perLead;
    }

    static void assertInOrder(Map<Long, List<Long>> perLead) {
        perLead.forEach((lead, seqs) -> {
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i), "lead " + lead + " received its events out of order: " + seqs);
            }
        });
    }

    @Test
    void eachEventArrivesSignedAsTheEnvelopeInOrderAndIsLogged() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        JsonNode sub = subscribe(t, receiver.url("/hook"), "[\"lead.*\", \"message.received\"]");
        String secret = sub.get("secret").asText();
        assertTrue(secret.startsWith("whsec_") && java.util.Base64.getDecoder().decode(secret.substring(6)).length == 32, secret);
        long id = sub.get("id").asLong();
        String phone = Workspaces.newPhone();
        message(t, phone, "Halo, saya mau tanya harga 🌷");
        message(t, phone, "Masih ada?");
        long lead = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        assertEquals(200, app.call("PATCH", "/api/leads/" + lead, "{\"status\": \"contacted\", \"version\": 0}", t.token).statusCode());

        // lead.created, message.received x2, lead.updated; the note.created of the status change is not taken
        await("4 deliveries", Duration.ofSeconds(15), () -> delivered(id) == 4);
        List<WebhookReceiver.Request> requests = receiver.requests("/hook");
        assertEquals(4, requests.size());
        List<String> types = new ArrayList<>();
        long now = Instant.now().getEpochSecond();
        for (WebhookReceiver.Request r : requests) {
            JsonNode event = JSON.readTree(r.body());
            types.add(event.get("type").asText());
            assertEquals(event.get("id").asText(), r.id(), "webhook-id is the event id");
            assertEquals("application/json", r.contentType());
            assertTrue(Math.abs(now - Long.parseLong(r.timestamp())) < 60, r.timestamp());
            assertTrue(WebhookSignerTest.verify(secret, r.id(), r.timestamp(), r.signature(), r.body(), now), "signature of " + r.id());
            // the exact bytes of the outbox's envelope, its one home
            assertArrayEquals(app.queryString("SELECT event_envelope(e)::text FROM event e WHERE id = CAST(? AS uuid)", r.id())
                    .getBytes(StandardCharsets.UTF_8), r.body());
        }
        assertEquals(List.of("lead.created", "message.received", "message.received", "lead.updated"), types);
        assertInOrder(arrivalsPerLead(requests));
        JsonNode updated = JSON.readTree(requests.get(3).body());
        assertEquals("contacted", updated.at("/changes/status/to").asText());
        assertEquals("contacted", updated.at("/data/status").asText());

        JsonNode log = log(t, id);
        assertEquals(4, log.size());
        for (JsonNode attempt : log) {
            assertEquals("delivered", attempt.get("outcome").asText());
            assertEquals(204, attempt.get("status").asInt());
            assertTrue(attempt.get("latencyMs").asInt() >= 0);
            assertEquals(1, attempt.get("attempt").asInt());
        }
        // never the secret again
        HttpResponse<String> list = app.get("/api/subscriptions", t.token);
        assertFalse(list.body().contains("whsec_"), list.body());
        assertEquals(id, JSON.readTree(list.body()).at("/items/0/id").asLong());

        // redeliver one event, then everything since a time: the same webhook-ids again, in order
        String first = requests.get(0).id();
        HttpResponse<String> again = app.call("POST", "/api/subscriptions/" + id + "/redeliver", "{\"eventId\": \"" + first + "\"}", t.token);
        assertEquals(202, again.statusCode(), again.body());
        assertEquals(1, JSON.readTree(again.body()).get("queued").asInt());
        await("the redelivery", Duration.ofSeconds(10), () -> receiver.requests("/hook").size() == 5);
        assertEquals(first, receiver.requests("/hook").get(4).id());
        HttpResponse<String> since = app.call("POST", "/api/subscriptions/" + id + "/redeliver", "{\"since\": \"2000-01-01T00:00:00Z\"}", t.token);
        assertEquals(4, JSON.readTree(since.body()).get("queued").asInt(), since.body());
        await("everything again", Duration.ofSeconds(10), () -> receiver.requests("/hook").size() == 9);
        assertEquals(requests.stream().map(WebhookReceiver.Request::id).toList(),
                receiver.requests("/hook").subList(5, 9).stream().map(WebhookReceiver.Request::id).toList());
    }

    @Test
    void everyLeadInOrderUnderConcurrentIntakeOfFiftyLeads() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        long id = subscribe(t, receiver.url("/many"), "[\"*\"]").get("id").asLong();
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            phones.add(Workspaces.newPhone());
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> sent = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (String phone : phones) {
                int r = round;
                sent.add(pool.submit(() -> {
                    message(t, phone, "message " + r);
                    return null;
                }));
            }
        }
        for (Future<?> f : sent) {
            f.get();
        }
        pool.shutdown();
        long events = events(t);
        assertEquals(50 * 5, events, "lead.created and 4 messages per lead");
        long started = System.nanoTime();
        // generous: the machine running the tests may be loaded many times over
        try {
            await("every event delivered", Duration.ofSeconds(180), () -> delivered(id) == events);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + app.queryString("SELECT string_agg(status || ' ' || n || ' max attempts '"
                    + " || a || ' ' || coalesce(e, ''), '; ') FROM (SELECT status, count(*) n, max(attempts) a, max(last_error) e "
                    + "FROM event_delivery WHERE subscription_id = ? GROUP BY status) s", id), e);
        }
        System.out.printf("50 leads x 5 events: all delivered %d ms after the intake ended%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        Map<Long, List<Long>> perLead = arrivalsPerLead(receiver.requests("/many"));
        assertEquals(50, perLead.size());
        perLead.values().forEach(seqs -> assertEquals(5, seqs.size()));
        assertInOrder(perLead);
        assertEquals(events, receiver.requests("/many").size(), "each event once");
    }

    @Test
    void aReceiverDownForAWhileGetsEverythingInOrderAndTheHealthSaysDegradedMeanwhile() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        receiver.stop();
        long id = subscribe(t, receiver.url("/down"), "[\"*\"]").get("id").asLong();
        for (int lead = 0; lead < 3; lead++) {
            String phone = Workspaces.newPhone();
            for (int i = 0; i < 3; i++) {
                message(t, phone, "while down " + i);
            }
        }
        long events = events(t);
        await("health DEGRADED", Duration.ofSeconds(6), () -> health().contains("DEGRADED"));
        // the gauges are read every events.metrics-refresh-seconds, apart from the health check's own reading
        await("the backlog counts them", Duration.ofSeconds(6), () -> new Prometheus(management("/observe/metrics"))
                .value("leadline_events_backlog", "kind", "webhook") >= events);
        await("the oldest waits", Duration.ofSeconds(6), () -> new Prometheus(management("/observe/metrics"))
                .value("leadline_events_oldest_age_seconds", "kind", "webhook") >= 2);
        assertTrue(app.queryLong("SELECT max(attempts) FROM event_delivery WHERE subscription_id = ?", id) >= 2, "retried meanwhile");
        receiver.start();
        await("every event delivered", Duration.ofSeconds(20), () -> delivered(id) == events);
        Map<Long, List<Long>> perLead = arrivalsPerLead(receiver.requests("/down"));
        assertEquals(3, perLead.size());
        assertInOrder(perLead);
        assertTrue(log(t, id).findValues("outcome").stream().anyMatch(o -> o.asText().equals("retry")));
        assertTrue(log(t, id).toString().contains("no answer"), "the refused connections are logged");
        await("health back", Duration.ofSeconds(6), () -> !health().contains("DEGRADED"));
        Prometheus after = new Prometheus(management("/observe/metrics"));
        assertTrue(after.value("leadline_events_deliveries_total", "kind", "webhook", "outcome", "delivered") >= events);
        assertTrue(after.value("leadline_events_deliveries_total", "kind", "webhook", "outcome", "retry") >= 1);
        assertTrue(after.value("leadline_events_delivery_seconds_count", "kind", "webhook") >= events);
        assertTrue(after.value("leadline_events_delivery_seconds_bucket", "kind", "webhook", "status", "204", "le", "+Inf") >= events,
                "a latency histogram");
    }

    @Test
    void aServerErrorIsRetriedAndRetryAfterHonoured() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        receiver.then(Answer.status(500), Answer.tooManyRequests("2"));
        long id = subscribe(t, receiver.url("/busy"), "[\"lead.created\"]").get("id").asLong();
        message(t, Workspaces.newPhone(), "hi");
        await("delivered", Duration.ofSeconds(15), () -> delivered(id) == 1);
        List<WebhookReceiver.Request> requests = receiver.requests("/busy");
        assertEquals(3, requests.size());
        assertEquals(1, requests.stream().map(WebhookReceiver.Request::id).distinct().count(), "the same webhook-id each time");
        long afterRetryAfter = Duration.ofNanos(requests.get(2).receivedAtNanos() - requests.get(1).receivedAtNanos()).toMillis();
        assertTrue(afterRetryAfter >= 1900, "Retry-After 2 s, not the 200 ms backoff: " + afterRetryAfter + " ms");
        JsonNode log = log(t, id);
        assertEquals("delivered", log.get(0).get("outcome").asText());
        assertEquals("retry", log.get(1).get("outcome").asText());
        assertEquals(429, log.get(1).get("status").asInt());
        assertEquals(500, log.get(2).get("status").asInt());
        assertEquals(3, log.get(0).get("attempt").asInt());
    }

    @Test
    void aSlowAnswerPastTheTimeoutIsRetriedWithTheSameId() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        receiver.then(Answer.hang(Duration.ofMillis(2500)));
        long id = subscribe(t, receiver.url("/slow"), "[\"lead.created\"]").get("id").asLong();
        message(t, Workspaces.newPhone(), "hi");
        await("delivered", Duration.ofSeconds(15), () -> delivered(id) == 1);
        List<WebhookReceiver.Request> requests = receiver.requests("/slow");
        assertEquals(2, requests.size());
        assertEquals(requests.get(0).id(), requests.get(1).id());
        JsonNode timedOut = log(t, id).get(1);
        assertEquals("retry", timedOut.get("outcome").asText());
        assertTrue(timedOut.get("status").isNull(), timedOut.toString());
        assertTrue(timedOut.get("error").asText().contains("no answer"), timedOut.toString());
        assertTrue(timedOut.get("latencyMs").asInt() >= 900 && timedOut.get("latencyMs").asInt() < 2400, timedOut.toString());
    }

    @Test
    void anAnswerWhoseBodyNeverEndsDoesNotHoldTheRelay() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        receiver.then(Answer.trickle(200));
        long id = subscribe(t, receiver.url("/trickle"), "[\"lead.created\", \"message.received\"]").get("id").asLong();
        long started = System.nanoTime();
        message(t, Workspaces.newPhone(), "hi");
        await("both delivered", Duration.ofSeconds(10), () -> delivered(id) == 2);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        JsonNode log = log(t, id);
        assertEquals(2, log.size(), "a 200 is delivered on its status, its body unread: " + log);
        System.out.printf("an answer trickling its body forever: delivered in %d ms%n", millis);
        receiver.then(Answer.trickle(500));
        HttpResponse<String> second = app.call("POST", "/api/subscriptions/" + id + "/redeliver", "{\"since\": \"2000-01-01T00:00:00Z\"}", t.token);
        assertEquals(202, second.statusCode());
        // the 500's trickling body: the attempt is recorded with the start of the answer, not held
        await("the 500 logged", Duration.ofSeconds(10), () -> log(t, id).toString().contains("\"status\":500"));
        JsonNode failed = log(t, id).findParents("status").stream().filter(a -> a.get("status").asInt() == 500).findFirst().orElseThrow();
        assertTrue(failed.get("error").asText().startsWith("HTTP 500: xx"), failed.toString());
        assertTrue(failed.get("latencyMs").asInt() < 1000, failed.toString());
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        receiver.then(Answer.redirect(receiver.url("/elsewhere")), Answer.redirect("http://169.254.169.254/latest/meta-data"));
        long id = subscribe(t, receiver.url("/moved"), "[\"lead.created\"]").get("id").asLong();
        message(t, Workspaces.newPhone(), "hi");
        await("delivered", Duration.ofSeconds(15), () -> delivered(id) == 1);
        assertEquals(3, receiver.requests("/moved").size());
        assertEquals(0, receiver.requests("/elsewhere").size(), "the redirect was followed");
        JsonNode log = log(t, id);
        assertEquals(302, log.get(1).get("status").asInt());
        assertEquals("retry", log.get(1).get("outcome").asText());
        assertEquals(302, log.get(2).get("status").asInt());
    }

    @Test
    void goneDisablesTheSubscriptionAndEnablingItStartsAfresh() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        receiver.then(Answer.status(410));
        long id = subscribe(t, receiver.url("/gone"), "[\"*\"]").get("id").asLong();
        message(t, Workspaces.newPhone(), "hi");
        await("disabled", Duration.ofSeconds(10), () -> !JSON.readTree(app.get("/api/subscriptions/" + id, t.token).body())
                .get("enabled").asBoolean());
        JsonNode sub = JSON.readTree(app.get("/api/subscriptions/" + id, t.token).body());
        assertTrue(sub.get("disabledReason").asText().contains("410"), sub.toString());
        assertEquals("HTTP 410: answer 410", sub.get("lastError").asText());
        assertEquals("gone", log(t, id).get(0).get("outcome").asText());
        int before = receiver.requests("/gone").size();
        message(t, Workspaces.newPhone(), "after gone");
        Thread.sleep(1000);
        assertEquals(before, receiver.requests("/gone").size(), "nothing more sent to a gone endpoint");

        HttpResponse<String> enabled = app.call("PATCH", "/api/subscriptions/" + id, "{\"enabled\": true}", t.token);
        assertEquals(200, enabled.statusCode(), enabled.body());
        JsonNode again = JSON.readTree(enabled.body());
        assertTrue(again.get("enabled").asBoolean());
        assertEquals(0, again.get("consecutiveFailures").asInt());
        assertTrue(again.get("disabledReason").isNull() && again.get("lastError").isNull(), again.toString());
    }

    @Test
    void eventsGivenUpInARowDisableTheSubscription() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        receiver.always(Answer.status(500));
        long id = subscribe(t, receiver.url("/failing"), "[\"lead.created\", \"message.received\"]").get("id").asLong();
        message(t, Workspaces.newPhone(), "hi");
        await("disabled after 2 events given up", Duration.ofSeconds(40), () -> !JSON.readTree(
                app.get("/api/subscriptions/" + id, t.token).body()).get("enabled").asBoolean());
        JsonNode sub = JSON.readTree(app.get("/api/subscriptions/" + id, t.token).body());
        assertEquals("2 events in a row given up", sub.get("disabledReason").asText());
        assertEquals(2, sub.get("consecutiveFailures").asInt());
        assertEquals(2, app.queryLong("SELECT count(*) FROM event_delivery WHERE subscription_id = ? AND status = 'failed'", id));
        // the lead's second event went only after the first was given up, each after 16 attempts
        assertEquals(32, receiver.requests("/failing").size());
        assertEquals(2, log(t, id).findValues("outcome").stream().filter(o -> o.asText().equals("failed")).count());
    }

    @Test
    void oldEventsGoButNotOneStillToDeliver() throws Exception {
        Tenant t = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        long id = subscribe(t, receiver.url("/kept"), "[\"lead.created\"]").get("id").asLong();
        message(t, Workspaces.newPhone(), "delivered");
        await("delivered", Duration.ofSeconds(10), () -> delivered(id) == 1);
        receiver.stop();
        message(t, Workspaces.newPhone(), "pending");
        await("pending and retried", Duration.ofSeconds(10), () -> app.queryLong(
                "SELECT count(*) FROM event_delivery WHERE subscription_id = ? AND status = 'pending' AND attempts > 0", id) == 1);
        assertEquals(200, app.call("PATCH", "/api/subscriptions/" + id, "{\"enabled\": false}", t.token).statusCode());
        sql("UPDATE event SET occurred_at = now() - interval '40 days' WHERE workspace_id = ?", t.workspaceId);
        await("the delivered old events deleted", Duration.ofSeconds(10), () -> events(t) == 1);
        assertEquals(1, app.queryLong("SELECT count(*) FROM event_delivery WHERE subscription_id = ? AND status = 'pending'", id));
        assertEquals(0, app.queryLong("SELECT count(*) FROM event_delivery_attempt a JOIN event_delivery d USING (event_id) "
                + "WHERE a.subscription_id = ? AND d.status = 'delivered'", id));
        // no foreign keys hold them: nothing of a deleted event stays behind
        assertEquals(0, app.queryLong("SELECT count(*) FROM event_delivery_attempt a WHERE a.subscription_id = ? "
                + "AND NOT EXISTS (SELECT 1 FROM event e WHERE e.id = a.event_id)", id));
        assertEquals(0, app.queryLong("SELECT count(*) FROM event_delivery d WHERE d.subscription_id = ? "
                + "AND NOT EXISTS (SELECT 1 FROM event e WHERE e.id = d.event_id)", id));
    }

    @Test
    void theAdminSeesEveryWorkspacesSubscriptionsAndBadInputIs400() throws Exception {
        Tenant a = Tenant.create(app);
        Tenant b = Tenant.create(app);
        WebhookReceiver receiver = receiver();
        long ofA = subscribe(a, receiver.url("/a"), "[\"note.*\"]").get("id").asLong();
        long ofB = subscribe(b, receiver.url("/b"), "[\"*\"]").get("id").asLong();
        HttpResponse<String> all = app.get("/api/admin/subscriptions", LeadlineApp.ADMIN_TOKEN);
        assertEquals(200, all.statusCode(), all.body());
        assertFalse(all.body().contains("whsec_"));
        JsonNode items = JSON.readTree(all.body()).get("items");
        Map<Long, Long> workspaceOf = new HashMap<>();
        items.forEach(s -> workspaceOf.put(s.get("id").asLong(), s.get("workspaceId").asLong()));
        assertEquals(a.workspaceId, workspaceOf.get(ofA));
        assertEquals(b.workspaceId, workspaceOf.get(ofB));
        assertEquals(401, app.get("/api/admin/subscriptions", a.token).statusCode());

        // a workspace sees only its own
        assertEquals(404, app.get("/api/subscriptions/" + ofB, a.token).statusCode());
        assertEquals(404, app.call("PATCH", "/api/subscriptions/" + ofB, "{\"enabled\": false}", a.token).statusCode());
        assertEquals(404, app.call("DELETE", "/api/subscriptions/" + ofB, null, a.token).statusCode());
        assertEquals(404, app.get("/api/subscriptions/" + ofB + "/deliveries", a.token).statusCode());
        assertEquals(401, app.get("/api/subscriptions", null).statusCode());

        String url = receiver.url("/x");
        for (String bad : List.of("{}", "{\"url\": \"" + url + "\", \"secret\": \"mine\"}",
                "{\"url\": \"" + url + "\", \"types\": [\"lead.deleted\"]}", "{\"url\": \"" + url + "\", \"types\": []}",
                "{\"url\": \"" + url + "\", \"types\": \"*\"}", "{\"url\": \"" + url + "\", \"types\": [\"lead\"]}",
                "{\"url\": \"" + url + "\", \"enabled\": \"yes\"}", "{\"url\": \"ftp://example.com/x\"}", "{\"url\": 42}")) {
            HttpResponse<String> refused = app.call("POST", "/api/subscriptions", bad, a.token);
            assertEquals(400, refused.statusCode(), bad + " -> " + refused.body());
            assertTrue(refused.body().contains("\"error\""), refused.body());
        }
        HttpResponse<String> unknownType = app.call("POST", "/api/subscriptions", "{\"url\": \"" + url + "\", \"types\": [\"lead.deleted\"]}", a.token);
        assertTrue(unknownType.body().contains("lead.created"), "names the known types: " + unknownType.body());
        assertEquals(400, app.call("PATCH", "/api/subscriptions/" + ofA, "{}", a.token).statusCode());
        assertEquals(400, app.call("POST", "/api/subscriptions/" + ofA + "/redeliver", "{}", a.token).statusCode());
        assertEquals(400, app.call("POST", "/api/subscriptions/" + ofA + "/redeliver",
                "{\"eventId\": \"" + java.util.UUID.randomUUID() + "\", \"since\": \"2026-01-01T00:00:00Z\"}", a.token).statusCode());
        assertEquals(400, app.call("POST", "/api/subscriptions/" + ofA + "/redeliver", "{\"eventId\": \"nope\"}", a.token).statusCode());
        assertEquals(400, app.call("POST", "/api/subscriptions/" + ofA + "/redeliver", "{\"since\": \"yesterday\"}", a.token).statusCode());
        assertEquals(400, app.get("/api/subscriptions/abc", a.token).statusCode());

        JsonNode patched = JSON.readTree(app.call("PATCH", "/api/subscriptions/" + ofA, "{\"types\": [\"note.created\", \"lead.*\"]}", a.token).body());
        assertEquals(List.of("note.created", "lead.*"), List.of(patched.get("types").get(0).asText(), patched.get("types").get(1).asText()));
        assertEquals(url.replace("/x", "/a"), patched.get("url").asText());
        message(a, Workspaces.newPhone(), "sebelum dihapus");   // lead.created: a delivery for it
        await("a delivery to delete", Duration.ofSeconds(10), () -> app.queryLong(
                "SELECT count(*) FROM event_delivery WHERE subscription_id = ?", ofA) > 0);
        assertEquals(204, app.call("DELETE", "/api/subscriptions/" + ofA, null, a.token).statusCode());
        assertEquals(404, app.get("/api/subscriptions/" + ofA, a.token).statusCode());
        // its deliveries and their log went with it
        assertEquals(0, app.queryLong("SELECT count(*) FROM event_delivery WHERE subscription_id = ?", ofA));
        assertEquals(0, app.queryLong("SELECT count(*) FROM event_delivery_attempt WHERE subscription_id = ?", ofA));
    }

    static String health() throws Exception {
        return management("/observe/health?exposureLevel=full&data=true");
    }

    static String management(String path) throws Exception {
        String port = app.context().resolvePropertyPlaceholders("{{management.port}}");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertNotNull(response.body());
        return response.body();
    }
}
