package dev.leadline.reliability;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.intake.PhoneCanonicalizer;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.LogCapture;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import dev.leadline.web.LogSafe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The intake's faults found by attacking the service (RELIABILITY.md, "Hostile pass"; each section
 * below is headed by its row there), end to end over real HTTP against the real service and PostgreSQL:
 * the cross-tenant write through a dead letter's replay, the unsigned event header, dead letters of
 * events without an id, lone surrogates, forged log lines, the text cap, the batch cap, duplicates that
 * must not touch the lead, letters in a phone, future timestamps and trailing garbage after JSON.
 */
class IntakeHardeningTest {

    static final String ADMIN = LeadlineApp.ADMIN_TOKEN;
    static LeadlineApp app;
    static Tenant a;
    static Tenant b;

    record Tenant(long id, String phoneNumberId, String secret, String token, Webhooks webhooks) {
    }

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.startWithAdmin();
        a = tenant();
        b = tenant();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Tenant tenant() throws Exception {
        String phoneNumberId = newPhoneNumberId();
        String secret = "secret-" + UUID.randomUUID();
        String token = "token-" + UUID.randomUUID();
        long id = Workspaces.create(app, phoneNumberId, secret, token);
        return new Tenant(id, phoneNumberId, secret, token, new Webhooks(app, secret));
    }

    static String newPhoneNumberId() {
        return String.valueOf(500_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    static byte[] bytes(Object json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** HTTP/1.1 only: an h2c upgrade would merge the repeated headers these tests send. */
    static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static HttpResponse<String> kapso(String secret, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri("/webhooks/kapso")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json").header("X-Webhook-Signature", Webhooks.sign(secret, body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP1.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> replay(long deadLetterId) throws Exception {
        return app.call("POST", "/api/admin/dead-letters/" + deadLetterId + "/replay", null, ADMIN);
    }

    static long messages(String wamid) throws Exception {
        return app.queryLong("SELECT count(*) FROM message WHERE wamid = ?", wamid);
    }

    static long deadLetterId(String wamid) throws Exception {
        return app.queryLong("SELECT id FROM dead_letter WHERE dedup_key = ?", "kapso:" + wamid);
    }

    static void assertJsonError(HttpResponse<String> response, int status, String error, String detailContains) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(error, body.path("error").asText(), response.body());
        assertTrue(body.path("detail").asText().contains(detailContains), response.body());
    }

    // --- High 1: cross-tenant write through the dead-letter replay -----------------------------------

    @Test
    void aBatchSignedByAWithAnItemNamingBIsKeptTruthfullyAndItsReplayIsRefusedWithNothingStored() throws Exception {
        String phone = Workspaces.newPhone();
        String wamidA = Workspaces.unique("wamid.xt.a");
        String wamidB = Workspaces.unique("wamid.xt.b");
        // B's lead exists, so a forged write would land on it
        String wamidReal = Workspaces.unique("wamid.xt.real");
        assertEquals(200, b.webhooks().kapso(Webhooks.received(b.phoneNumberId(), wamidReal, phone, "asli", now())).statusCode());
        long bLead = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", b.id(), phone);

        ObjectNode batch = Webhooks.batch(
                Webhooks.received(a.phoneNumberId(), wamidA, Workspaces.newPhone(), "for A", now()),
                Webhooks.received(b.phoneNumberId(), wamidB, phone, "forged for B", now()));
        JsonNode counts = json(a.webhooks().kapso(batch));

        assertEquals(1, counts.get("stored").asInt(), counts.toString());
        assertEquals(1, counts.get("deadLettered").asInt(), counts.toString());
        long deadLetter = deadLetterId(wamidB);
        String reason = app.queryString("SELECT reason FROM dead_letter WHERE id = ?", deadLetter);
        assertTrue(reason.contains("is not that of the workspace whose secret signed the delivery (" + a.phoneNumberId() + ")"), reason);
        assertFalse(reason.contains("unknown"), reason);
        assertEquals("workspace", app.queryString("SELECT verified_by FROM dead_letter WHERE id = ?", deadLetter));
        assertEquals(a.id(), app.queryLong("SELECT verified_workspace_id FROM dead_letter WHERE id = ?", deadLetter));

        HttpResponse<String> replayed = replay(deadLetter);

        assertJsonError(replayed, 409, "conflict", "writes only into the workspace whose secret verified");
        assertEquals(0, messages(wamidB), "nothing stored");
        assertEquals(1, app.queryLong("SELECT count(*) FROM message WHERE lead_id = ?", bLead));
        assertNull(app.queryString("SELECT replayed_at FROM dead_letter WHERE id = ?", deadLetter));
        assertEquals(1, app.queryLong("SELECT count(*) FROM lead WHERE phone = ?", phone), "no lead created in A either");
    }

    @Test
    void aFallbackSignedBatchWhoseSecondItemNamesAKnownWorkspaceIsNotUnknownAndIsNeverReplayedIntoIt() throws Exception {
        String unknownId = newPhoneNumberId();
        String phone = Workspaces.newPhone();
        String wamidReal = Workspaces.unique("wamid.fb.real");
        Webhooks demo = new Webhooks(app, Workspaces.DEMO_SECRET);
        assertEquals(200, demo.kapso(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamidReal, phone, "asli", now())).statusCode());
        long demoLead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
        String wamidFirst = Workspaces.unique("wamid.fb.first");
        String wamidForged = Workspaces.unique("wamid.fb.forged");

        ObjectNode batch = Webhooks.batch(
                Webhooks.received(unknownId, wamidFirst, Workspaces.newPhone(), "before onboarding", now()),
                Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamidForged, phone, "forged for demo", now()));
        JsonNode counts = json(new Webhooks(app, LeadlineApp.FALLBACK_SECRET).kapso(batch));

        assertEquals(2, counts.get("deadLettered").asInt(), counts.toString());
        long forged = deadLetterId(wamidForged);
        String reason = app.queryString("SELECT reason FROM dead_letter WHERE id = ?", forged);
        assertFalse(reason.startsWith("unknown"), "a known phone_number_id is never reported as unknown: " + reason);
        assertTrue(reason.contains("is not the one the fallback secret verified this delivery for (" + unknownId + ")"), reason);
        assertEquals("fallback", app.queryString("SELECT verified_by FROM dead_letter WHERE id = ?", forged));
        assertEquals("unknown phone_number_id " + unknownId,
                app.queryString("SELECT reason FROM dead_letter WHERE id = ?", deadLetterId(wamidFirst)));

        HttpResponse<String> refused = replay(forged);
        assertJsonError(refused, 409, "conflict", "fallback secret verified its delivery for phone_number_id " + unknownId);
        assertEquals(0, messages(wamidForged));
        assertEquals(1, app.queryLong("SELECT count(*) FROM message WHERE lead_id = ?", demoLead));

        // The onboarding path still works: once the unknown number's workspace exists, its own event is replayed.
        Workspaces.create(app, unknownId, "secret-" + UUID.randomUUID(), "token-" + UUID.randomUUID());
        HttpResponse<String> onboarded = replay(deadLetterId(wamidFirst));
        assertEquals(200, onboarded.statusCode(), onboarded.body());
        assertEquals(1, json(onboarded).get("stored").asInt());
        assertEquals(1, messages(wamidFirst));
        // and the forged item is still refused, now that two workspaces are involved
        assertEquals(409, replay(forged).statusCode());
        assertEquals(0, messages(wamidForged));
    }

    @Test
    void aFallbackLetterIsNotReplayedIntoAWorkspaceThatAlreadyExistedAndARowWithoutVerifierIsRefused() throws Exception {
        // A letter kept before V5 with the misleading "unknown" reason for a known number (backfilled as fallback).
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.legacy");
        String payload = Webhooks.received(a.phoneNumberId(), wamid, phone, "legacy forged", now()).toString();
        long legacyFallback = app.queryLong("INSERT INTO dead_letter (source, event, reason, phone_number_id, dedup_key, payload, "
                + "received_at, verified_by, verified_phone_number_id) VALUES ('kapso', ?, ?, ?, ?, ?, now(), 'fallback', ?) RETURNING id",
                Webhooks.RECEIVED, "unknown phone_number_id " + a.phoneNumberId(), a.phoneNumberId(), "kapso:" + wamid, payload,
                a.phoneNumberId());
        String wamid2 = Workspaces.unique("wamid.legacy.differs");
        long noVerifier = app.queryLong("INSERT INTO dead_letter (source, event, reason, phone_number_id, dedup_key, payload) "
                + "VALUES ('kapso', ?, ?, ?, ?, ?) RETURNING id", Webhooks.RECEIVED, "phone_number_id x differs from the delivery's",
                a.phoneNumberId(), "kapso:" + wamid2,
                Webhooks.received(a.phoneNumberId(), wamid2, phone, "legacy differs", now()).toString());

        assertJsonError(replay(legacyFallback), 409, "conflict", "already existed when it was received");
        assertJsonError(replay(noVerifier), 409, "conflict", "which workspace signed it is not known");
        assertEquals(0, app.queryLong("SELECT count(*) FROM message WHERE wamid IN (?, ?)", wamid, wamid2));
    }

    // --- Medium 3: the unsigned X-Webhook-Event header ------------------------------------------------

    @Test
    void anUnsignedEventHeaderCannotReinterpretASignedMessageBody() throws Exception {
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.ev");
        byte[] message = bytes(Webhooks.received(a.phoneNumberId(), wamid, phone, "halo", now()));
        assertEquals(1, json(kapso(a.secret(), message, "X-Webhook-Event", Webhooks.RECEIVED)).get("stored").asInt());

        String[] refused = {"whatsapp.conversation.ended", "whatsapp.conversation." + "x".repeat(7000),
            "whatsapp.conversation.bogus", "whatsapp.message.bogus", "whatsapp.something.new"};
        for (String event : refused) {
            assertJsonError(kapso(a.secret(), message, "X-Webhook-Event", event), 400, "bad_request", "");
        }
        assertEquals("active", app.queryString("SELECT status FROM conversation WHERE kapso_id = ?", "conv-" + phone),
                "no event header rewrote the status");
        assertEquals(1, app.queryLong("SELECT count(DISTINCT status) FROM conversation WHERE workspace_id = ?", a.id()));

        ObjectNode conversationOnly = JSON.createObjectNode();
        conversationOnly.set("conversation", JSON.readTree(message).get("conversation").deepCopy());
        conversationOnly.put("phone_number_id", a.phoneNumberId());
        assertJsonError(kapso(a.secret(), bytes(conversationOnly), "X-Webhook-Event", "whatsapp.conversation.archived"),
                400, "bad_request", "unknown event 'whatsapp.conversation.archived'");
    }

    @Test
    void aDuplicatedEventHeaderIs400AndNeverAcknowledgedAndDropped() throws Exception {
        String wamid = Workspaces.unique("wamid.dup.header");
        byte[] message = bytes(Webhooks.received(a.phoneNumberId(), wamid, Workspaces.newPhone(), "halo", now()));

        assertJsonError(kapso(a.secret(), message, "X-Webhook-Event", Webhooks.RECEIVED, "X-Webhook-Event", Webhooks.RECEIVED),
                400, "bad_request", "X-Webhook-Event was sent 2 times");
        assertJsonError(kapso(a.secret(), message, "X-Webhook-Event", Webhooks.RECEIVED, "X-Webhook-Event", "whatsapp.conversation.ended"),
                400, "bad_request", "X-Webhook-Event was sent 2 times");
        assertJsonError(kapso(a.secret(), message, "X-Webhook-Event", Webhooks.RECEIVED + ", " + Webhooks.RECEIVED),
                400, "bad_request", "more than one event name");
        assertJsonError(kapso(a.secret(), message, "X-Webhook-Event", "whatsapp.unknown.thing"),
                400, "bad_request", "carries a message");
        assertEquals(0, messages(wamid));
        assertEquals(1, json(kapso(a.secret(), message, "X-Webhook-Event", Webhooks.RECEIVED)).get("stored").asInt());
    }

    @Test
    void everyEventTheContractListsIsAccepted() throws Exception {
        String phone = Workspaces.newPhone();
        String received = Workspaces.unique("wamid.contract.in");
        String sent = Workspaces.unique("wamid.contract.out");
        ObjectNode in = Webhooks.received(a.phoneNumberId(), received, phone, "halo", now());
        ObjectNode out = Webhooks.ours(Webhooks.received(a.phoneNumberId(), sent, phone, "balas", now()), "sent");

        assertEquals(1, json(kapso(a.secret(), bytes(in), "X-Webhook-Event", Webhooks.RECEIVED)).get("stored").asInt());
        assertEquals(1, json(kapso(a.secret(), bytes(out), "X-Webhook-Event", "whatsapp.message.sent")).get("stored").asInt());
        for (String status : new String[] {"delivered", "read", "failed"}) {
            // Each status event carries its status in the signed body, as Kapso sends it.
            HttpResponse<String> r = kapso(a.secret(), bytes(Webhooks.ours(out.deepCopy(), status)), "X-Webhook-Event",
                    "whatsapp.message." + status);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, json(r).get("messagesUpdated").asInt(), r.body());
            assertEquals(status, app.queryString("SELECT status FROM message WHERE wamid = ?", sent));
        }
        ObjectNode conversation = JSON.createObjectNode();
        conversation.set("conversation", in.get("conversation").deepCopy());
        conversation.put("phone_number_id", a.phoneNumberId());
        String[][] events = {{"created", "active"}, {"inactive", "inactive"}, {"ended", "ended"}};
        for (String[] e : events) {
            HttpResponse<String> r = kapso(a.secret(), bytes(conversation), "X-Webhook-Event", "whatsapp.conversation." + e[0]);
            assertEquals(1, json(r).get("conversationsUpdated").asInt(), r.body());
            assertEquals(e[1], app.queryString("SELECT status FROM conversation WHERE kapso_id = ?", "conv-" + phone));
        }
        assertEquals("outbound", app.queryString("SELECT direction FROM message WHERE wamid = ?", sent));
        // A batch's type is signed: a header that contradicts it is refused.
        ObjectNode batch = Webhooks.batch(Webhooks.received(a.phoneNumberId(), Workspaces.unique("wamid.contract.b"), phone, "x", now()));
        assertJsonError(kapso(a.secret(), bytes(batch), "X-Webhook-Event", "whatsapp.message.sent"), 400, "bad_request", "contradicts");
    }

    // --- The signed body decides: a header cannot change a status or a direction -----------------------

    @Test
    void aReSignedSentBodyUnderAnotherEventHeaderChangesNothingAndIsKeptWithTheReason() throws Exception {
        String phone = Workspaces.newPhone();
        String sent = Workspaces.unique("wamid.m1.out");
        byte[] out = bytes(Webhooks.ours(Webhooks.received(a.phoneNumberId(), sent, phone, "balas", now()), "sent"));
        assertEquals(1, json(kapso(a.secret(), out, "X-Webhook-Event", "whatsapp.message.sent")).get("stored").asInt());

        // The same signed bytes, re-posted as "failed": the body says sent.
        JsonNode forged = json(kapso(a.secret(), out, "X-Webhook-Event", "whatsapp.message.failed"));
        assertEquals(1, forged.get("deadLettered").asInt(), forged.toString());
        assertEquals(null, app.queryString("SELECT status FROM message WHERE wamid = ?", sent), "the status is untouched");
        assertEquals("X-Webhook-Event whatsapp.message.failed contradicts the signed body: its message status is sent",
                app.queryString("SELECT reason FROM dead_letter WHERE payload LIKE ? AND event = ?", "%" + sent + "%",
                        "whatsapp.message.failed"));
        // A genuine read later still applies: failed was never set.
        JsonNode read = json(kapso(a.secret(), bytes(Webhooks.ours(JSON.readTree(out).deepCopy(), "read")), "X-Webhook-Event",
                "whatsapp.message.read"));
        assertEquals(1, read.get("messagesUpdated").asInt(), read.toString());
        assertEquals("read", app.queryString("SELECT status FROM message WHERE wamid = ?", sent));

        // A customer's message posted as "sent": the body's direction is inbound; nothing stored as ours.
        String in = Workspaces.unique("wamid.m1.in");
        JsonNode asSent = json(kapso(a.secret(), bytes(Webhooks.received(a.phoneNumberId(), in, phone, "halo", now())),
                "X-Webhook-Event", "whatsapp.message.sent"));
        assertEquals(1, asSent.get("deadLettered").asInt(), asSent.toString());
        assertEquals(0, messages(in));
        assertEquals("X-Webhook-Event whatsapp.message.sent contradicts the signed body: its message.kapso.direction is inbound",
                app.queryString("SELECT reason FROM dead_letter WHERE payload LIKE ?", "%" + in + "%"));
    }

    // --- Low 10: events without a message id are kept once -------------------------------------------

    @Test
    void anEventWithoutAnIdOrAPhoneReSentFiveTimesIsKeptOnce() throws Exception {
        String marker = Workspaces.unique("noid-marker");
        ObjectNode noId = Webhooks.received(a.phoneNumberId(), "x", Workspaces.newPhone(), marker, now());
        ((ObjectNode) noId.get("message")).remove("id");
        ObjectNode noPhone = JSON.createObjectNode();
        ObjectNode conversation = noPhone.putObject("conversation");
        conversation.put("id", "conv-" + marker);
        conversation.put("phone_number_id", a.phoneNumberId());
        noPhone.put("phone_number_id", a.phoneNumberId());
        for (int i = 0; i < 5; i++) {
            assertEquals(1, json(kapso(a.secret(), bytes(noId), "X-Webhook-Event", Webhooks.RECEIVED)).get("deadLettered").asInt());
            assertEquals(1, json(kapso(a.secret(), bytes(noPhone), "X-Webhook-Event", "whatsapp.conversation.ended"))
                    .get("deadLettered").asInt());
        }
        assertEquals(2, app.queryLong("SELECT count(*) FROM dead_letter WHERE payload LIKE ?", "%" + marker + "%"));
        assertEquals(1, app.queryLong("SELECT count(*) FROM dead_letter WHERE payload LIKE ? AND reason = 'message without an id'",
                "%" + marker + "%"));
    }

    // --- Low 12: lone surrogates are refused like invalid UTF-8 --------------------------------------

    @Test
    void aLoneSurrogateIsRefusedLikeInvalidUtf8InWebhooksAndTheRestApi() throws Exception {
        String wamid = Workspaces.unique("wamid.surrogate");
        String template = Webhooks.received(a.phoneNumberId(), wamid, Workspaces.newPhone(), "TEXT", now()).toString();
        byte[] escaped = template.replace("TEXT", "a\\ud800b").getBytes(StandardCharsets.UTF_8);
        byte[] rawSurrogate = utf8With(template, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        byte[] invalid = utf8With(template, new byte[] {(byte) 0xFF});

        assertJsonError(kapso(a.secret(), escaped, "X-Webhook-Event", Webhooks.RECEIVED), 400, "bad_request", "lone surrogate");
        assertJsonError(kapso(a.secret(), rawSurrogate, "X-Webhook-Event", Webhooks.RECEIVED), 400, "bad_request", "");
        assertJsonError(kapso(a.secret(), invalid, "X-Webhook-Event", Webhooks.RECEIVED), 400, "bad_request", "");
        assertEquals(0, messages(wamid));

        long lead = leadOf(a);
        assertJsonError(app.call("POST", "/api/leads/" + lead + "/notes", "{\"content\": \"a\\ud800b\"}", a.token()),
                400, "bad_request", "lone surrogate");
        HttpResponse<String> raw = app.post("/api/leads/" + lead + "/notes", "application/json",
                utf8With("{\"content\": \"TEXT\"}", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                "Authorization", "Bearer " + a.token());
        assertJsonError(raw, 400, "bad_request", "");
        assertEquals(0, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'manual'", lead));
    }

    private static byte[] utf8With(String template, byte[] replacement) throws Exception {
        String[] parts = template.split("TEXT", 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(parts[0].getBytes(StandardCharsets.UTF_8));
        out.write(replacement);
        out.write(parts[1].getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static long leadOf(Tenant tenant) throws Exception {
        String phone = Workspaces.newPhone();
        tenant.webhooks().kapso(Webhooks.received(tenant.phoneNumberId(), Workspaces.unique("wamid.lead"), phone, "hi", now()));
        return app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", tenant.id(), phone);
    }

    // --- Also: trailing garbage after the JSON -------------------------------------------------------

    @Test
    void trailingGarbageAfterTheJsonIs400InBothParsers() throws Exception {
        String wamid = Workspaces.unique("wamid.trailing");
        byte[] body = (Webhooks.received(a.phoneNumberId(), wamid, Workspaces.newPhone(), "hi", now()) + " trailing")
                .getBytes(StandardCharsets.UTF_8);
        assertJsonError(kapso(a.secret(), body, "X-Webhook-Event", Webhooks.RECEIVED), 400, "bad_request", "malformed JSON");
        assertEquals(0, messages(wamid));

        long lead = leadOf(a);
        assertJsonError(app.call("POST", "/api/leads/" + lead + "/notes", "{\"content\":\"hi\"} trailing", a.token()),
                400, "bad_request", "malformed JSON");
        assertJsonError(app.call("POST", "/api/leads/" + lead + "/notes", "{\"content\":\"hi\"} {}", a.token()),
                400, "bad_request", "malformed JSON");
        assertEquals(0, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'manual'", lead));
    }

    // --- Low 13: request data cannot forge a log line ------------------------------------------------

    @Test
    void aPhoneNumberIdWithANewlineCannotForgeALogLine() throws Exception {
        String forged = "FORGED-" + UUID.randomUUID() + " ERROR admin logged in";
        String phoneNumberId = newPhoneNumberId() + "\n" + forged;
        ObjectNode event = Webhooks.received(phoneNumberId, Workspaces.unique("wamid.log"), Workspaces.newPhone(), "hi", now());
        LogCapture log = LogCapture.start();
        try (log) {
            HttpResponse<String> response = new Webhooks(app, LeadlineApp.FALLBACK_SECRET).kapso(event);
            assertEquals(1, json(response).get("deadLettered").asInt(), response.body());
        }
        String captured = log.toString();
        assertTrue(captured.contains("Dead letter from kapso"), captured);
        assertTrue(captured.contains("\\n" + forged), "the newline is shown escaped: " + captured);
        for (String line : captured.split("\n")) {
            assertFalse(line.startsWith(forged), "a forged line: " + line);
        }
        assertEquals("a\\nb\\r\\u001b[31m\\u2028", LogSafe.escape("a\nb\r\u001b[31m\u2028"));
    }

    // --- Low 15: the stored text is capped ------------------------------------------------------------

    @Test
    void aTextOfAlmostOneMebibyteIsStoredAsItsFirst16384CharactersMarkedTruncated() throws Exception {
        String wamid = Workspaces.unique("wamid.big");
        String phone = Workspaces.newPhone();
        ObjectNode event = Webhooks.received(a.phoneNumberId(), wamid, phone, "x", now());
        ((ObjectNode) event.get("message").get("kapso")).remove("content");
        String text = "ab".repeat(520_000); // 1,040,000 chars, the body just under the 1 MiB limit
        ((ObjectNode) event.get("message").get("text")).put("body", text);
        byte[] body = bytes(event);
        assertTrue(body.length < 1_048_576 && body.length > 1_000_000, "body " + body.length);

        HttpResponse<String> response = kapso(a.secret(), body, "X-Webhook-Event", Webhooks.RECEIVED);

        assertEquals(1, json(response).get("stored").asInt(), response.body());
        assertEquals(16384, app.queryLong("SELECT length(text) FROM message WHERE wamid = ?", wamid));
        assertEquals(text.substring(0, 16384), app.queryString("SELECT text FROM message WHERE wamid = ?", wamid));
        assertEquals("t", app.queryString("SELECT text_truncated FROM message WHERE wamid = ?", wamid));
        long lead = app.queryLong("SELECT lead_id FROM message WHERE wamid = ?", wamid);
        JsonNode page = json(app.get("/api/leads/" + lead + "/messages", a.token()));
        assertTrue(page.at("/items/0/textTruncated").asBoolean(), page.toString());
        String shortWamid = Workspaces.unique("wamid.short");
        a.webhooks().kapso(Webhooks.received(a.phoneNumberId(), shortWamid, phone, "pendek", now()));
        assertEquals("f", app.queryString("SELECT text_truncated FROM message WHERE wamid = ?", shortWamid));
    }

    // --- Low 16: bounded batches; duplicates do not touch the lead ------------------------------------

    @Test
    void moreThan100EventsInOneDeliveryAre413AndNothingIsStored() throws Exception {
        String marker = Workspaces.unique("wamid.cap");
        ObjectNode[] events = new ObjectNode[101];
        for (int i = 0; i < events.length; i++) {
            events[i] = Webhooks.received(a.phoneNumberId(), marker + "-" + i, Workspaces.newPhone(), "hi", now());
        }
        assertJsonError(a.webhooks().kapso(Webhooks.batch(events)), 413, "payload_too_large", "webhook.max-batch-items");
        assertEquals(0, app.queryLong("SELECT count(*) FROM message WHERE wamid LIKE ?", marker + "-%"));
        JsonNode hundred = json(a.webhooks().kapso(Webhooks.batch(java.util.Arrays.copyOf(events, 100))));
        assertEquals(100, hundred.get("stored").asInt(), hundred.toString());

        // Meta: the messages of every entry and change count together.
        ObjectNode meta = Webhooks.sampleJson("meta-message.json");
        ObjectNode change = (ObjectNode) meta.at("/entry/0/changes/0");
        ((ObjectNode) change.get("value").get("metadata")).put("phone_number_id", a.phoneNumberId());
        ObjectNode firstMessage = (ObjectNode) change.at("/value/messages/0");
        ArrayNode messages = ((ObjectNode) change.get("value")).putArray("messages");
        String metaMarker = Workspaces.unique("wamid.metacap");
        for (int i = 0; i < 51; i++) {
            messages.add(firstMessage.deepCopy().put("id", metaMarker + "-" + i));
        }
        ((ArrayNode) meta.get("entry")).add(meta.get("entry").get(0).deepCopy());
        HttpResponse<String> metaResponse = a.webhooks().meta(bytes(meta));
        assertJsonError(metaResponse, 413, "payload_too_large", "102 events");
        assertEquals(0, app.queryLong("SELECT count(*) FROM message WHERE wamid LIKE ?", metaMarker + "-%"));
    }

    @Test
    void aReplayOfAnAllDuplicateDeliveryUpdatesNoLeadOrConversationRow() throws Exception {
        String[] phones = {Workspaces.newPhone(), Workspaces.newPhone(), Workspaces.newPhone()};
        ObjectNode[] events = new ObjectNode[phones.length];
        for (int i = 0; i < phones.length; i++) {
            events[i] = Webhooks.received(a.phoneNumberId(), Workspaces.unique("wamid.nodup"), phones[i], "hi", now() - 60);
        }
        ObjectNode batch = Webhooks.batch(events);
        assertEquals(3, json(a.webhooks().kapso(batch)).get("stored").asInt());
        String before = rowVersions(phones);

        JsonNode again = json(a.webhooks().kapso(batch));

        assertEquals(3, again.get("duplicates").asInt(), again.toString());
        assertEquals(before, rowVersions(phones), "no lead or conversation row was rewritten");
    }

    private static String rowVersions(String[] phones) throws Exception {
        StringBuilder versions = new StringBuilder();
        for (String phone : phones) {
            versions.append(app.queryString("SELECT l.xmin::text || '/' || c.xmin::text FROM lead l "
                    + "JOIN conversation c ON c.lead_id = l.id WHERE l.phone = ? AND l.workspace_id = ?", phone, a.id())).append(' ');
        }
        return versions.toString();
    }

    // --- Also: letters in a phone; future timestamps -------------------------------------------------

    @Test
    void lettersInAPhoneAreRefusedAndTheEventIsKeptWithTheReason() throws Exception {
        String wamid = Workspaces.unique("wamid.letters");
        JsonNode counts = json(a.webhooks().kapso(Webhooks.received(a.phoneNumberId(), wamid, "+62812345670O1", "hi", now())));

        assertEquals(1, counts.get("deadLettered").asInt(), counts.toString());
        assertEquals("customer phone number contains letters", app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?",
                "kapso:" + wamid));
        assertEquals(0, app.queryLong("SELECT count(*) FROM lead WHERE phone = '+628123456701'"));
        assertNull(new PhoneCanonicalizer().toE164("+62812345670O1", "ID"));
        assertNull(new PhoneCanonicalizer().toE164("0812-FLOWERS", "ID"));
        assertEquals("+6281234567890", new PhoneCanonicalizer().toE164("+62 812-3456-7890", "ID"));
    }

    @Test
    void aFutureTimestampIsClampedToTheReceiveTimeAndTheSendersIsKept() throws Exception {
        String phone = Workspaces.newPhone();
        String future = Workspaces.unique("wamid.future");
        String skewed = Workspaces.unique("wamid.skew");
        long inTwoHours = now() + 7200;
        long inOneMinute = now() + 60;
        a.webhooks().kapso(Webhooks.received(a.phoneNumberId(), future, phone, "dari masa depan", inTwoHours));
        a.webhooks().kapso(Webhooks.received(a.phoneNumberId(), skewed, phone, "jam agak cepat", inOneMinute));

        assertEquals(1, app.queryLong("SELECT count(*) FROM message WHERE wamid = ? AND sent_at <= now() "
                + "AND sent_at > now() - interval '1 minute'", future));
        assertEquals(inTwoHours, app.queryLong("SELECT extract(epoch FROM sender_sent_at)::bigint FROM message WHERE wamid = ?", future));
        assertEquals(inOneMinute, app.queryLong("SELECT extract(epoch FROM sent_at)::bigint FROM message WHERE wamid = ?", skewed),
                "within the allowed clock skew the sender's time is used");
        assertNull(app.queryString("SELECT sender_sent_at FROM message WHERE wamid = ?", skewed));
        assertEquals(1, app.queryLong("SELECT count(*) FROM lead WHERE phone = ? AND last_activity_at < now() + interval '5 minutes'", phone),
                "the lead is not pinned to the future");
    }
}
