package dev.leadline.examples;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubHubSpot;
import dev.leadline.support.StubHubSpot.Record;
import dev.leadline.support.StubHubSpot.Request;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HubSpot example (routes/example-hubspot.camel.yaml) against a stub HubSpot on loopback that checks the
 * documented wire format: a lead's life in leadline's own event envelopes, taken from the outbox as the relay
 * sends them (event_envelope), signed here with an independent Standard Webhooks signer and POSTed to the
 * example's endpoint.
 */
class HubSpotExampleTest {

    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(randomBytes(32));

    static StubHubSpot hubspot;
    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        hubspot = new StubHubSpot();
        Map<String, String> settings = new LinkedHashMap<>(hubspot.serviceProperties());
        settings.put("examples.hubspot.enabled", "true");
        settings.put("examples.hubspot.webhook-secret", SECRET);
        // a short backoff, so that the gap after a 429 is HubSpot's Retry-After, not ours
        settings.put("examples.hubspot.retry-delay-ms", "50");
        settings.put("examples.hubspot.max-retry-after-ms", "2000");
        settings.put("summaries.enabled", "false");
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), settings);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (hubspot != null) {
            hubspot.close();
        }
    }

    @Test
    void aLeadsLifeReachesHubSpotOnceInOrder() throws Exception {
        Tenant t = Tenant.create(app);
        String phone = Workspaces.newPhone();
        long now = Instant.now().getEpochSecond();
        assertEquals(200, t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.hs"), phone, "Halo, harga paket bulanan?", now)).statusCode());
        long lead = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        HttpResponse<String> patched = app.call("PATCH", "/api/leads/" + lead, "{\"status\": \"contacted\", \"version\": 0}", t.token);
        assertEquals(200, patched.statusCode(), patched.body());
        // the daily run's note, as it writes one (a summary of yesterday)
        app.queryString("INSERT INTO note (workspace_id, lead_id, kind, content, added_by, day, generator, prompt_tokens, "
                + "completion_tokens) VALUES (?, ?, 'daily_summary', 'Budi asked about the monthly plan.', 'leadline', "
                + "current_date - 1, 'offline', 0, 0) RETURNING id", t.workspaceId, lead);
        // a second lead folded into the first (the lead_merge row is what writes lead.merged for the survivor)
        String otherPhone = Workspaces.newPhone();
        t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.hs"), otherPhone, "Halo lagi", now));
        long other = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", otherPhone);
        app.queryString("INSERT INTO lead_merge (workspace_id, absorbed_lead_id, into_lead_id) VALUES (?, ?, ?) RETURNING id",
                t.workspaceId, other, lead);

        List<Envelope> events = envelopes(t.workspaceId, lead);
        assertEquals(List.of("lead.created", "message.received", "lead.updated", "note.created", "note.created", "lead.merged"),
                events.stream().map(Envelope::type).toList());
        Envelope created = events.get(0);
        Envelope statusNote = events.get(3);
        Envelope summary = events.get(4);
        assertEquals("status_change", statusNote.json().at("/data/kind").asText());
        assertEquals("daily_summary", summary.json().at("/data/kind").asText());

        // HubSpot is over its rate limit for the first call: 429 with Retry-After 1, then the same call again
        hubspot.enqueue(new StubHubSpot.Scripted(429, "1"));
        int start = hubspot.requests().size();
        assertOutcome(deliver(created), "contact upserted");
        List<Request> first = hubspot.requests().subList(start, hubspot.requests().size());
        assertEquals(2, first.size(), "the 429 and its retry: " + first);
        assertEquals(first.get(0).body(), first.get(1).body(), "the retry sends the same request");
        long gap = first.get(1).atMillis() - first.get(0).atMillis();
        assertTrue(gap >= 950, "the retry waited HubSpot's Retry-After of 1 s, not the 50 ms backoff: " + gap + " ms");

        String key = t.workspaceId + ":" + lead;
        Record contact = hubspot.contacts().get(key);
        assertEquals(phone, contact.properties().get("phone"));
        assertEquals("NEW", contact.properties().get("hs_lead_status"));
        String name = created.json().at("/data/name").isNull() ? null : created.json().at("/data/name").asText();
        assertEquals(name, contact.properties().get("firstname"));

        assertOutcome(deliver(events.get(1)), "skipped"); // message.received
        assertOutcome(deliver(events.get(2)), "contact upserted"); // lead.updated: status contacted
        assertEquals("ATTEMPTED_TO_CONTACT", hubspot.contacts().get(key).properties().get("hs_lead_status"));
        assertOutcome(deliver(statusNote), "skipped"); // not a daily summary
        int before = hubspot.requests().size();
        assertOutcome(deliver(summary), "note upserted");
        assertOutcome(deliver(summary), "note upserted"); // redelivered: the same webhook-id, a new attempt
        assertEquals(6, hubspot.requests().size() - before, "contact, note, association, twice: " + hubspot.requests());
        assertOutcome(deliver(events.get(5)), "contact upserted"); // lead.merged: the survivor

        assertEquals(List.of(), hubspot.problems(), "every request followed HubSpot's documented wire format");
        String workspace = t.workspaceId + ":";
        assertEquals(List.of(key), hubspot.contacts().keySet().stream().filter(k -> k.startsWith(workspace)).toList(),
                "one contact for the lead, the merge's survivor");
        assertEquals(contact.id(), hubspot.contacts().get(key).id());
        Map<String, Record> notes = new LinkedHashMap<>(hubspot.notes());
        notes.keySet().removeIf(k -> !k.startsWith(workspace));
        assertEquals(1, notes.size(), "the redelivered note event added no second note: " + notes);
        Record note = notes.get(t.workspaceId + ":" + summary.json().at("/data/id").asText());
        assertEquals("Budi asked about the monthly plan.", note.properties().get("hs_note_body"));
        assertEquals(Instant.parse(note.properties().get("hs_timestamp")),
                java.time.OffsetDateTime.parse(summary.json().at("/data/addedAt").asText()).toInstant());
        assertEquals(List.of(note.id() + "->" + contact.id()),
                hubspot.associations().stream().filter(a -> a.startsWith(note.id() + "->")).toList());
        List<Request> noteCalls = hubspot.requests().subList(start, hubspot.requests().size()).stream()
                .filter(r -> r.path().endsWith("/notes/batch/upsert")).toList();
        assertEquals(2, noteCalls.size());
        assertTrue(hubspot.requests().stream().allMatch(r -> r.path().startsWith(StubHubSpot.BASE_PATH)), hubspot.requests().toString());
    }

    /**
     * A Retry-After longer than examples.hubspot.max-retry-after-ms waits the cap, decided by hubspot-retries in
     * the YAML: the HTTP client does not re-send on its own after HubSpot's full delay, holding the relay's
     * delivery past its timeout. When HubSpot stays busy, the relay gets 503 and keeps the event.
     */
    @Test
    void aLongRetryAfterIsCappedAndAStillBusyHubSpotHandsTheEventBack() throws Exception {
        Tenant t = Tenant.create(app);
        String phone = Workspaces.newPhone();
        t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.hs"), phone, "Halo", Instant.now().getEpochSecond()));
        long lead = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        Envelope created = envelopes(t.workspaceId, lead).get(0);

        hubspot.enqueue(new StubHubSpot.Scripted(429, "30"));
        int before = hubspot.requests().size();
        long started = System.currentTimeMillis();
        assertOutcome(deliver(created), "contact upserted");
        long took = System.currentTimeMillis() - started;
        List<Request> calls = hubspot.requests().subList(before, hubspot.requests().size());
        assertEquals(2, calls.size(), calls.toString());
        long gap = calls.get(1).atMillis() - calls.get(0).atMillis();
        assertTrue(gap >= 1900 && took < 10_000, "waited the 2 s cap, not HubSpot's 30 s: gap " + gap + " ms, answered in " + took + " ms");

        // busy on every attempt (the first try and max-retries = 2 retries): 503, so the relay retries later
        for (int i = 0; i < 3; i++) {
            hubspot.enqueue(new StubHubSpot.Scripted(503, null));
        }
        before = hubspot.requests().size();
        HttpResponse<String> busy = deliver(created);
        assertEquals(503, busy.statusCode(), busy.body());
        assertEquals("hubspot_unavailable", JSON.readTree(busy.body()).path("error").asText(), busy.body());
        assertEquals(3, hubspot.requests().size() - before, "the first try and two retries");

        // a refusal (here 400, a property HubSpot does not have) is not retried: 502, and the relay keeps the event
        hubspot.enqueue(new StubHubSpot.Scripted(400, null));
        before = hubspot.requests().size();
        HttpResponse<String> refused = deliver(created);
        assertEquals(502, refused.statusCode(), refused.body());
        assertEquals("hubspot_refused", JSON.readTree(refused.body()).path("error").asText(), refused.body());
        assertEquals(1, hubspot.requests().size() - before, "not retried");
    }

    @Test
    void aDeliveryNotSignedWithTheSubscriptionsSecretIsRefused() throws Exception {
        byte[] body = "{\"id\":\"e1\",\"type\":\"lead.created\",\"workspaceId\":1,\"leadId\":1,\"sequence\":1,\"data\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        int before = hubspot.requests().size();
        String wrongSecret = "whsec_" + Base64.getEncoder().encodeToString(randomBytes(32));
        assertEquals(401, post("msg_1", now, body, sign(wrongSecret, "msg_1", now, body)).statusCode());
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("\"leadId\":1", "\"leadId\":2").getBytes(StandardCharsets.UTF_8);
        assertEquals(401, post("msg_1", now, tampered, sign(SECRET, "msg_1", now, body)).statusCode());
        assertEquals(401, post("msg_1", now - 360, body, sign(SECRET, "msg_1", now - 360, body)).statusCode(), "6 minutes old");
        HttpResponse<String> missing = app.post("/examples/hubspot/events", "application/json", body);
        assertEquals(401, missing.statusCode());
        assertEquals("unauthorized", JSON.readTree(missing.body()).get("error").asText());
        assertEquals(before, hubspot.requests().size(), "nothing reached HubSpot");
        // two signatures, the second one right (a secret rotation): accepted
        byte[] skipped = skippedType();
        HttpResponse<String> rotated = post("msg_2", now, skipped, "v1,"
                + Base64.getEncoder().encodeToString(randomBytes(32)) + " " + sign(SECRET, "msg_2", now, skipped));
        assertEquals(200, rotated.statusCode(), rotated.body());
        assertEquals("skipped", JSON.readTree(rotated.body()).get("outcome").asText());
        // rightly signed, but not a JSON object
        byte[] notJson = "[1, 2".getBytes(StandardCharsets.UTF_8);
        assertEquals(400, post("msg_3", now, notJson, sign(SECRET, "msg_3", now, notJson)).statusCode());
    }

    @Test
    void theExampleIsOffByDefault() throws Exception {
        LeadlineApp plain = LeadlineApp.shared();
        HttpResponse<String> answer = plain.post("/examples/hubspot/events", "application/json", skippedType());
        assertEquals(404, answer.statusCode(), answer.body());
        assertFalse(plain.context().getRouteController().getRouteStatus("example-hubspot-events").isStarted());
    }

    private static byte[] skippedType() {
        return "{\"id\":\"e2\",\"type\":\"message.sent\",\"workspaceId\":1,\"leadId\":1,\"sequence\":2,\"data\":{}}"
                .getBytes(StandardCharsets.UTF_8);
    }

    record Envelope(String id, String type, String text, JsonNode json) {
    }

    /** The lead's events exactly as they leave leadline (event_envelope), in its sequence. */
    private static List<Envelope> envelopes(long workspaceId, long lead) throws Exception {
        String rows = app.queryString("SELECT json_agg(json_build_object('id', e.id, 'type', e.type, 'text', event_envelope(e)::text) "
                + "ORDER BY e.seq)::text FROM event e WHERE e.workspace_id = ? AND e.lead_id = ?", workspaceId, lead);
        List<Envelope> envelopes = new ArrayList<>();
        for (JsonNode row : JSON.readTree(rows)) {
            String text = row.get("text").asText();
            envelopes.add(new Envelope(row.get("id").asText(), row.get("type").asText(), text, JSON.readTree(text)));
        }
        return envelopes;
    }

    private static HttpResponse<String> deliver(Envelope event) throws Exception {
        byte[] body = event.text().getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        return post(event.id(), now, body, sign(SECRET, event.id(), now, body));
    }

    private static HttpResponse<String> post(String id, long timestamp, byte[] body, String signature) throws Exception {
        return app.post("/examples/hubspot/events", "application/json", body,
                "webhook-id", id, "webhook-timestamp", String.valueOf(timestamp), "webhook-signature", signature);
    }

    private static void assertOutcome(HttpResponse<String> answer, String outcome) throws Exception {
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(outcome, JSON.readTree(answer.body()).get("outcome").asText(), answer.body());
    }

    /** Standard Webhooks, written here apart from the service's verifier: v1,base64(HMAC-SHA256(key, id.ts.body)). */
    static String sign(String secret, String id, long timestamp, byte[] body) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] content = (id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
