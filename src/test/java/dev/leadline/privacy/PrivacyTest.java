package dev.leadline.privacy;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.observe.Meters;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubKapso;
import dev.leadline.support.WebhookReceiver;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A customer's export and erasure through HTTP, on one service with the admin API, webhook relays to loopback
 * and a stub of Kapso's message history; and the audit log that records them and the admin API's writes.
 */
class PrivacyTest {

    static final String ADMIN = LeadlineApp.ADMIN_TOKEN;
    static final String SECRET = "a-privacy-secret-of-16-chars";
    static LeadlineApp app;
    static StubKapso kapso;
    static final List<WebhookReceiver> receivers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kapso = new StubKapso();
        Map<String, String> settings = new HashMap<>();
        settings.put("admin.token", ADMIN);
        settings.put("summaries.enabled", "false");
        settings.put("kapso.api-base-url", kapso.baseUrl());
        settings.put("catchup.on-start", "false");
        settings.put("catchup.scheduled", "false");
        settings.put("events.allow-http", "true");
        settings.put("events.allow-private-targets", "true");
        settings.put("events.relay-interval-ms", "100");
        settings.put("events.retry-delay-ms", "100");
        settings.put("events.max-retry-delay-ms", "500");
        settings.put("privacy.erasure-salt", "the-salt-of-the-privacy-test");
        // the concurrent erasure below holds its transaction open while messages wait for the lead's lock
        settings.put("db.lock-timeout-ms", "30000");
        settings.put("db.intake-statement-timeout-ms", "30000");
        settings.put("db.statement-timeout-ms", "30000");
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), settings);
    }

    @AfterAll
    static void stop() {
        receivers.forEach(WebhookReceiver::close);
        if (app != null) {
            app.close();
        }
        kapso.close();
    }

    /** A workspace made through the admin API, with a Kapso key for the catch-up. */
    record Tenant(long id, String phoneNumberId, String token, Webhooks webhooks) {
    }

    static Tenant tenant() throws Exception {
        String phoneNumberId = String.valueOf(730_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
        HttpResponse<String> created = app.call("POST", "/api/admin/workspaces", "{\"name\": \"Privacy\", \"phoneNumberId\": \""
                + phoneNumberId + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"" + SECRET + "\"}", ADMIN);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode workspace = JSON.readTree(created.body());
        String key = "kapso-key-" + UUID.randomUUID();
        kapso.key(phoneNumberId, key);
        HttpResponse<String> set = app.call("PUT", "/api/admin/workspaces/" + workspace.get("id").asLong() + "/kapso-key",
                "{\"apiKey\": \"" + key + "\"}", ADMIN);
        assertEquals(200, set.statusCode(), set.body());
        return new Tenant(workspace.get("id").asLong(), phoneNumberId, workspace.get("apiToken").asText(), new Webhooks(app, SECRET));
    }

    static JsonNode send(Tenant t, ObjectNode event) throws Exception {
        HttpResponse<String> answer = t.webhooks().kapso(event);
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    static JsonNode message(Tenant t, String wamid, String phone, String bsuid, String text, long epochSeconds) throws Exception {
        return send(t, Webhooks.receivedFrom(t.phoneNumberId(), wamid, phone, bsuid, null, null, text, epochSeconds));
    }

    static long leadOf(Tenant t, String phone) throws Exception {
        return app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", t.id(), phone);
    }

    static long count(String sql, Object... params) throws Exception {
        return app.queryLong(sql, params);
    }

    static HttpResponse<String> erase(Tenant t, long lead) throws Exception {
        return app.call("POST", "/api/leads/" + lead + "/erase", "{\"confirm\": \"erase\"}", t.token());
    }

    static String bsuid() {
        return "ID." + Math.abs(UUID.randomUUID().getMostSignificantBits());
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen");
            }
            Thread.sleep(50);
        }
    }

    /**
     * A customer with everything a lead can hold: two BSUIDs (one an alias), a lead merged in, a conversation,
     * messages in and out, a manual note, a status change, events. Answers the lead's id.
     */
    static long fullCustomer(Tenant t, String phone, String bsuid, String otherBsuid, String mergedBsuid) throws Exception {
        long hourAgo = Instant.now().minus(1, ChronoUnit.HOURS).getEpochSecond();
        message(t, Workspaces.unique("wamid.full"), phone, bsuid, "Halo, saya Dewi, alamat Jl. Melati 5", hourAgo);
        message(t, Workspaces.unique("wamid.full"), phone, otherBsuid, "Nomor baru", hourAgo + 10);   // otherBsuid: an alias
        message(t, Workspaces.unique("wamid.full"), null, mergedBsuid, "Dari username", hourAgo + 20); // a lead of its own
        message(t, Workspaces.unique("wamid.full"), phone, mergedBsuid, "Sama orangnya", hourAgo + 30); // ... merged in
        HttpResponse<String> ours = t.webhooks().kapso("whatsapp.message.sent", Webhooks.bytes(Webhooks.ours(Webhooks.receivedFrom(
                t.phoneNumberId(), Workspaces.unique("wamid.ours"), phone, null, null, null, "Terima kasih, Bu Dewi", hourAgo + 40), "sent")));
        assertEquals(1, JSON.readTree(ours.body()).get("stored").asInt(), ours.body());
        long lead = leadOf(t, phone);
        assertEquals(201, app.call("POST", "/api/leads/" + lead + "/notes", "{\"content\": \"Telepon Senin\", \"author\": \"ana\"}",
                t.token()).statusCode());
        assertEquals(200, app.call("PATCH", "/api/leads/" + lead, "{\"status\": \"contacted\"}", t.token(),
                "If-Match", "\"" + app.queryString("SELECT version FROM lead WHERE id = ?", lead) + "\"").statusCode());
        return lead;
    }

    @Test
    void theExportHoldsEveryKindOfRowAndIsAudited() throws Exception {
        Tenant t = tenant();
        String phone = Workspaces.newPhone();
        String mergedBsuid = bsuid();
        long lead = fullCustomer(t, phone, bsuid(), bsuid(), mergedBsuid);
        long absorbed = app.queryLong("SELECT absorbed_lead_id FROM lead_merge WHERE into_lead_id = ?", lead);

        HttpResponse<String> answer = app.get("/api/leads/" + lead + "/export", t.token());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode export = JSON.readTree(answer.body());
        assertEquals(lead, export.at("/lead/id").asLong());
        assertEquals(phone, export.at("/identities/phone").asText());
        for (String section : List.of("aliases", "mergedLeads", "conversations", "messages", "notes", "statusHistory", "events")) {
            assertTrue(export.get(section).isArray() && !export.get(section).isEmpty(), section + " is in the export: " + export);
        }
        assertEquals(5, export.get("messages").size());
        assertEquals("contacted", export.at("/statusHistory/0/to").asText());
        assertEquals(absorbed, export.at("/mergedLeads/0/leadId").asLong());
        // the absorbed lead's own events are the customer's too
        assertTrue(answer.body().contains("\"leadId\":" + absorbed) || answer.body().contains("\"leadId\": " + absorbed), "absorbed lead's events");
        assertTrue(answer.body().contains("Jl. Melati 5"));

        // merged leads are followed as GET /api/leads/{id} follows them; another workspace's lead is not found
        HttpResponse<String> merged = app.get("/api/leads/" + absorbed + "/export", t.token());
        assertEquals(404, merged.statusCode(), merged.body());
        assertTrue(merged.body().contains("merged into lead " + lead), merged.body());
        Tenant other = tenant();
        assertEquals(404, app.get("/api/leads/" + lead + "/export", other.token()).statusCode());

        // the export is a privacy read: in the audit log, by the token's id, from the client's address
        long tokenId = app.queryLong("SELECT id FROM api_token WHERE workspace_id = ?", t.id());
        JsonNode log = JSON.readTree(app.get("/api/admin/audit-log?workspaceId=" + t.id(), ADMIN).body()).get("items");
        JsonNode exported = log.get(0);
        assertEquals("lead.export", exported.get("action").asText(), log.toString());
        assertEquals("workspace-token", exported.get("actor").asText());
        assertEquals(tokenId, exported.get("tokenId").asLong());
        assertEquals(lead, exported.at("/target/leadId").asLong());
        assertEquals("127.0.0.1", exported.get("clientAddress").asText());
        assertEquals(1, count("SELECT count(*) FROM audit_log WHERE workspace_id = ? AND action = 'lead.export'", t.id()),
                "the refused exports (merged, another workspace's) are not recorded");
    }

    @Test
    void anErasureNeedsItsConfirmationAndOnlyReachesTheCallersLeads() throws Exception {
        Tenant t = tenant();
        String phone = Workspaces.newPhone();
        message(t, Workspaces.unique("wamid.confirm"), phone, null, "Halo", Instant.now().getEpochSecond());
        long lead = leadOf(t, phone);
        for (String body : List.of("{}", "{\"confirm\": \"yes\"}", "{\"confirm\": \"ERASE\"}", "{\"confirm\": true}")) {
            HttpResponse<String> refused = app.call("POST", "/api/leads/" + lead + "/erase", body, t.token());
            assertEquals(422, refused.statusCode(), body + " -> " + refused.body());
            assertEquals("unprocessable", JSON.readTree(refused.body()).get("error").asText());
        }
        Tenant other = tenant();
        HttpResponse<String> foreign = erase(other, lead);
        assertEquals(404, foreign.statusCode(), foreign.body());
        assertEquals("not_found", JSON.readTree(foreign.body()).get("error").asText(), foreign.body());
        assertEquals(404, erase(t, 987_654_321L).statusCode());
        assertEquals(1, count("SELECT count(*) FROM message WHERE lead_id = ?", lead), "nothing erased");
        assertEquals(0, count("SELECT count(*) FROM lead_erasure WHERE lead_id = ?", lead));
    }

    @Test
    void anErasureDeletesTheCustomerKeepsItsRecordAndTellsTheSubscribersIdsOnly() throws Exception {
        Tenant t = tenant();
        WebhookReceiver receiver = new WebhookReceiver();
        receivers.add(receiver);
        HttpResponse<String> subscribed = app.call("POST", "/api/subscriptions",
                "{\"url\": \"" + receiver.url("/hook") + "\", \"types\": [\"lead.erased\"]}", t.token());
        assertEquals(201, subscribed.statusCode(), subscribed.body());
        String phone = Workspaces.newPhone();
        String bsuid = bsuid();
        String alias = bsuid();
        String mergedBsuid = bsuid();
        long lead = fullCustomer(t, phone, bsuid, alias, mergedBsuid);
        long absorbed = app.queryLong("SELECT absorbed_lead_id FROM lead_merge WHERE into_lead_id = ?", lead);
        // a dead letter naming the customer (an event leadline does not read), and one naming someone else
        String digits = phone.substring(1);
        for (String who : List.of(digits, Workspaces.newPhone().substring(1))) {
            byte[] unread = ("{\"phone_number_id\": \"" + t.phoneNumberId() + "\", \"contact\": {\"wa_id\": \"" + who
                    + "\", \"id\": \"" + UUID.randomUUID() + "\"}}").getBytes(StandardCharsets.UTF_8);
            assertEquals(200, t.webhooks().kapso("whatsapp.contact.marketing_preference_changed", unread).statusCode());
        }
        assertEquals(2, count("SELECT count(*) FROM dead_letter WHERE phone_number_id = ?", t.phoneNumberId()));
        long tokenId = app.queryLong("SELECT id FROM api_token WHERE workspace_id = ?", t.id());
        String erasedWamid = app.queryString("SELECT wamid FROM message WHERE lead_id = ? AND direction = 'outbound'", lead);

        HttpResponse<String> erased = erase(t, lead);
        assertEquals(200, erased.statusCode(), erased.body());
        JsonNode record = JSON.readTree(erased.body());
        assertEquals(lead, record.get("leadId").asLong());
        assertEquals(tokenId, record.get("erasedByTokenId").asLong());
        assertEquals(List.of(absorbed), List.of(record.at("/absorbedLeadIds/0").asLong()));
        assertEquals(5, record.at("/deleted/messages").asInt(), erased.body());
        assertEquals(1, record.at("/deleted/statusChanges").asInt());
        assertEquals(4, record.at("/deleted/identities").asInt(), "phone, BSUID, and two BSUID aliases: " + erased.body());
        assertEquals(1, record.at("/deleted/deadLetters").asInt());
        assertTrue(record.at("/deleted/events").asInt() > 5);
        for (String personal : List.of(phone, digits, bsuid, alias, mergedBsuid, "Dewi", "Melati")) {
            assertFalse(erased.body().contains(personal), "the record names " + personal);
        }

        // nothing of the customer is left: rows, events, the dead letter naming them, the lead itself
        assertEquals(0, count("SELECT count(*) FROM message WHERE workspace_id = ?", t.id()));
        assertEquals(0, count("SELECT count(*) FROM note WHERE workspace_id = ?", t.id()));
        assertEquals(0, count("SELECT count(*) FROM conversation WHERE workspace_id = ?", t.id()));
        assertEquals(0, count("SELECT count(*) FROM lead_alias WHERE workspace_id = ?", t.id()));
        assertEquals(0, count("SELECT count(*) FROM lead WHERE workspace_id = ?", t.id()));
        assertEquals(0, count("SELECT count(*) FROM lead_merge WHERE workspace_id = ?", t.id()));
        assertEquals(0, count("SELECT count(*) FROM event WHERE workspace_id = ? AND type <> 'lead.erased'", t.id()));
        assertEquals(1, count("SELECT count(*) FROM dead_letter WHERE phone_number_id = ?", t.phoneNumberId()));
        assertEquals(0, count("SELECT count(*) FROM dead_letter WHERE strpos(payload, ?) > 0", digits));
        assertEquals(4, count("SELECT count(*) FROM erased_identity WHERE workspace_id = ?", t.id()));
        assertEquals(404, app.get("/api/leads/" + lead, t.token()).statusCode());
        assertEquals(404, app.get("/api/leads/" + lead + "/export", t.token()).statusCode());
        assertEquals(404, erase(t, lead).statusCode(), "erased once");

        // the customer's conversation ending after the erasure does not bring them back (their next message would)
        ObjectNode ended = JSON.createObjectNode().put("phone_number_id", t.phoneNumberId());
        ended.putObject("conversation").put("id", "conv-" + phone).put("phone_number_id", t.phoneNumberId())
                .put("phone_number", phone).put("status", "ended").putObject("kapso").put("contact_name", "Dewi Lestari");
        JsonNode endedCounts = JSON.readTree(t.webhooks().kapso("whatsapp.conversation.ended", Webhooks.bytes(ended)).body());
        assertEquals(1, endedCounts.get("ignored").asInt(), endedCounts.toString());
        assertEquals(0, count("SELECT count(*) FROM lead WHERE workspace_id = ?", t.id()));

        // an identity change of the erased customer finds no lead, and is not kept as a dead letter either
        ObjectNode changed = Webhooks.sampleJson("kapso-contact-identity-changed.json").put("phone_number_id", t.phoneNumberId());
        ((ObjectNode) changed.get("contact")).put("wa_id", digits).put("business_scoped_user_id", bsuid());
        ((ObjectNode) changed.get("previous")).put("business_scoped_user_id", bsuid);
        JsonNode changeCounts = JSON.readTree(t.webhooks().kapso("whatsapp.contact.identity_changed", Webhooks.bytes(changed)).body());
        assertEquals(1, changeCounts.get("ignored").asInt(), changeCounts.toString());
        assertEquals(0, count("SELECT count(*) FROM dead_letter WHERE strpos(payload, ?) > 0", digits));

        // a late status of an erased message is not kept waiting for it
        JsonNode statusCounts = JSON.readTree(t.webhooks().kapso("whatsapp.message.read", Webhooks.bytes(Webhooks.ours(
                Webhooks.receivedFrom(t.phoneNumberId(), erasedWamid, phone, null, null, null, "Terima kasih, Bu Dewi",
                        Instant.now().getEpochSecond()), "read"))).body());
        assertEquals(1, statusCounts.get("ignored").asInt(), statusCounts.toString());
        assertEquals(0, count("SELECT count(*) FROM message_pending_update WHERE workspace_id = ?", t.id()));

        // the connected systems hear of it, by ids only
        await("the lead.erased delivery", () -> !receiver.requests("/hook").isEmpty());
        JsonNode event = JSON.readTree(receiver.requests("/hook").get(0).body());
        assertEquals("lead.erased", event.get("type").asText());
        assertEquals(lead, event.get("leadId").asLong());
        assertEquals(lead, event.at("/data/id").asLong());
        assertEquals(1, event.get("data").size(), event.toString());
        assertEquals(absorbed, event.at("/erasure/absorbedLeadIds/0").asLong());
        assertEquals(record.get("id").asLong(), event.at("/erasure/erasureId").asLong());
        String text = receiver.requests("/hook").get(0).text();
        for (String personal : List.of(phone, digits, bsuid, alias, mergedBsuid, "Dewi", "Melati")) {
            assertFalse(text.contains(personal), "lead.erased names " + personal + ": " + text);
        }

        // audited in the erasure's transaction, with its ids
        JsonNode entry = JSON.readTree(app.get("/api/admin/audit-log?workspaceId=" + t.id() + "&limit=1", ADMIN).body()).at("/items/0");
        assertEquals("lead.erase", entry.get("action").asText());
        assertEquals(tokenId, entry.get("tokenId").asLong());
        assertEquals(record.get("id").asLong(), entry.at("/target/erasureId").asLong());
        assertFalse(entry.toString().contains(phone));
    }

    /** How many of the service's statements of this text wait for a lock now. */
    static long waitingOnALock(String statement) throws Exception {
        return count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, ?) > 0", statement);
    }

    @Test
    void anErasureWhileTheCustomersMessagesArriveLeavesNothingSentBeforeItAndANewLeadAfter() throws Exception {
        Tenant t = tenant();
        String phone = Workspaces.newPhone();
        String bsuid = bsuid();
        long before = Instant.now().minus(10, ChronoUnit.MINUTES).getEpochSecond();
        for (int i = 0; i < 5; i++) {
            message(t, Workspaces.unique("wamid.race"), phone, i % 2 == 0 ? bsuid : null, "sebelum " + i, before + i);
        }
        long lead = leadOf(t, phone);
        assertEquals(201, app.call("POST", "/api/leads/" + lead + "/notes", "{\"content\": \"Telepon Senin\", \"author\": \"ana\"}",
                t.token()).statusCode());

        Set<String> racing = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<JsonNode>> senders = new ArrayList<>();
        Future<HttpResponse<String>> erasing;
        // The erasure is held inside its transaction (it waits for the lead's note, which this connection locks)
        // after it took the lead's row lock: the customer's messages sent meanwhile wait for that lock (their group
        // does, as the intake's store takes it), and go on only once the erasure has committed.
        try (Connection holder = app.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT id FROM note WHERE lead_id = ? FOR UPDATE")) {
                lock.setLong(1, lead);
                lock.executeQuery().close();
            }
            erasing = pool.submit(() -> erase(t, lead));
            await("the erasure holding the lead", () -> waitingOnALock("lead_erase(") == 1);
            for (int s = 0; s < 4; s++) {
                int sender = s;
                senders.add(pool.submit(() -> {
                    String wamid = Workspaces.unique("wamid.race" + sender);
                    racing.add(wamid);
                    // by phone only, by BSUID only, by both
                    return message(t, wamid, sender == 0 ? null : phone, sender == 1 ? null : bsuid, "balapan " + sender,
                            before + 100 + sender);
                }));
            }
            // Group commit: the four wait for their group's commit, and a group waits for the lead's lock.
            await("the customer's messages waiting for the lead", () -> Meters.of(app.context())
                    .get("leadline.intake.group.commit.waiting").gauge().value() == 4
                    && waitingOnALock("intake_store_messages(") >= 1);
            holder.commit();
        }
        HttpResponse<String> erased = erasing.get();
        assertEquals(200, erased.statusCode(), erased.body());
        for (Future<JsonNode> sender : senders) {
            JsonNode counts = sender.get();
            assertEquals(1, counts.get("ignored").asInt(), "sent before the erasure, refused once it committed: " + counts);
            assertEquals(0, counts.get("stored").asInt(), counts.toString());
        }
        pool.shutdown();
        String erasedAt = JSON.readTree(erased.body()).get("erasedAt").asText();
        assertEquals(5, JSON.readTree(erased.body()).at("/deleted/messages").asInt(), "the messages stored before it began");

        // late retries of what was sent before, after the erasure: answered 200, counted as ignored, nothing stored
        for (String wamid : racing) {
            JsonNode counts = message(t, wamid, phone, bsuid, "balapan lagi", before + 200);
            assertEquals(1, counts.get("ignored").asInt(), counts.toString());
        }
        assertEquals(0, count("SELECT count(*) FROM message WHERE workspace_id = ? AND sent_at < CAST(? AS timestamptz)",
                t.id(), erasedAt), "no message sent before the erasure survives it");
        assertEquals(0, count("SELECT count(*) FROM lead WHERE workspace_id = ?", t.id()));
        assertEquals(2, count("SELECT count(*) FROM erased_identity WHERE workspace_id = ?", t.id()), "its phone and BSUID");

        // the customer writes again after the erasure: a new lead, holding only what came after
        long after = Instant.now().getEpochSecond() + 2;
        List<String> newWamids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String wamid = Workspaces.unique("wamid.after");
            newWamids.add(wamid);
            assertEquals(1, message(t, wamid, phone, bsuid, "sesudah " + i, after + i).get("stored").asInt());
        }
        long newLead = leadOf(t, phone);
        assertNotEquals(lead, newLead);
        assertEquals(3, count("SELECT count(*) FROM message WHERE workspace_id = ?", t.id()));
        assertEquals(3, count("SELECT count(*) FROM message WHERE lead_id = ? AND wamid = ANY (string_to_array(?, ','))",
                newLead, String.join(",", newWamids)));
        // a late retry of an old message still does not land in the new lead
        assertEquals(1, message(t, racing.iterator().next(), phone, bsuid, "balapan lagi", before + 200).get("ignored").asInt());
        assertEquals(3, count("SELECT count(*) FROM message WHERE lead_id = ?", newLead));
    }

    /** A Meta contract sample addressed to the tenant's business number, signed with its secret. */
    static JsonNode meta(Tenant t, String sample) throws Exception {
        byte[] body = new String(Webhooks.sample(sample), StandardCharsets.UTF_8)
                .replace(Workspaces.DEMO_PHONE_NUMBER_ID, t.phoneNumberId()).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> answer = t.webhooks().meta(body);
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    @Test
    void aHandoverFromBeforeTheErasureDoesNotBringTheCustomerBack() throws Exception {
        Tenant t = tenant();
        assertEquals(1, meta(t, "meta-handover-to-ai-agent.json").get("notesAdded").asInt());
        long lead = leadOf(t, "+6281311115555");
        assertEquals(200, erase(t, lead).statusCode());

        // the same handover re-sent, and the AI agent's summary of the conversation, both from before the erasure
        assertEquals(1, meta(t, "meta-handover-to-ai-agent.json").get("ignored").asInt());
        JsonNode back = meta(t, "meta-handover-back-with-summary.json");
        assertEquals(2, back.get("ignored").asInt(), back.toString());
        assertEquals(0, count("SELECT count(*) FROM lead WHERE workspace_id = ?", t.id()));
        assertEquals(0, count("SELECT count(*) FROM note WHERE workspace_id = ?", t.id()));
    }

    @Test
    void aCatchUpOfTheErasedWindowBringsNothingBack() throws Exception {
        Tenant t = tenant();
        String phone = Workspaces.newPhone();
        Instant first = Instant.now().minus(1, ChronoUnit.HOURS);
        List<String> wamids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String wamid = Workspaces.unique("wamid.window");
            wamids.add(wamid);
            kapso.add(t.phoneNumberId(), StubKapso.inbound(wamid, phone.substring(1), "conv-" + phone, "Pelanggan", "pesan " + i,
                    first.plus(i, ChronoUnit.MINUTES).getEpochSecond()));
            if (i < 2) {   // the webhooks delivered two; the history holds all four
                send(t, Webhooks.received(t.phoneNumberId(), wamid, phone, "pesan " + i, first.plus(i, ChronoUnit.MINUTES).getEpochSecond()));
            }
        }
        long lead = leadOf(t, phone);
        assertEquals(200, erase(t, lead).statusCode());

        HttpResponse<String> started = app.call("POST", "/api/admin/workspaces/" + t.id() + "/catch-up", null, ADMIN);
        assertEquals(202, started.statusCode(), started.body());
        String location = started.headers().firstValue("Location").orElseThrow();
        JsonNode run = JSON.readTree(started.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ("running".equals(run.path("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            run = JSON.readTree(app.get(location, ADMIN).body());
        }
        assertEquals("done", run.get("status").asText(), run.toString());
        assertEquals(4, run.get("seen").asInt(), run.toString());
        assertEquals(0, run.get("stored").asInt(), run.toString());
        assertEquals(0, count("SELECT count(*) FROM lead WHERE workspace_id = ?", t.id()), "the customer is not back");
        assertEquals(0, count("SELECT count(*) FROM message WHERE workspace_id = ?", t.id()));
        assertEquals(0, count("SELECT count(*) FROM dead_letter WHERE phone_number_id = ?", t.phoneNumberId()),
                "never kept as a dead letter either");
        // the catch-up started by the admin is in the audit log
        assertEquals(1, count("SELECT count(*) FROM audit_log WHERE workspace_id = ? AND action = 'catch-up.start' AND actor = 'admin'",
                t.id()));
    }

    @Test
    void theAuditLogRecordsTheAdminWritesWithoutSecrets() throws Exception {
        Tenant t = tenant();
        String newSecret = "rotated-secret-" + UUID.randomUUID();
        assertEquals(200, app.call("PATCH", "/api/admin/workspaces/" + t.id(),
                "{\"name\": \"Toko Baru\", \"webhookSecret\": \"" + newSecret + "\"}", ADMIN).statusCode());
        HttpResponse<String> issued = app.call("POST", "/api/admin/workspaces/" + t.id() + "/tokens", "{\"revokeExisting\": true}", ADMIN);
        assertEquals(201, issued.statusCode(), issued.body());
        String newToken = JSON.readTree(issued.body()).get("apiToken").asText();
        assertEquals(200, app.call("DELETE", "/api/admin/workspaces/" + t.id() + "/kapso-key", null, ADMIN).statusCode());

        HttpResponse<String> page = app.get("/api/admin/audit-log?workspaceId=" + t.id(), ADMIN);
        assertEquals(200, page.statusCode(), page.body());
        JsonNode items = JSON.readTree(page.body()).get("items");
        List<String> actions = new ArrayList<>();
        items.forEach(i -> actions.add(i.get("action").asText()));
        assertEquals(List.of("kapso-key.clear", "token.issue", "workspace.update", "kapso-key.set", "workspace.create"), actions);
        for (JsonNode item : items) {
            assertEquals("admin", item.get("actor").asText());
            assertTrue(item.get("tokenId").isNull());
            assertEquals(t.id(), item.get("workspaceId").asLong());
            assertEquals("127.0.0.1", item.get("clientAddress").asText());
        }
        JsonNode update = items.get(2).get("target");
        assertEquals("Toko Baru", update.at("/settings/name").asText());
        assertEquals("webhookSecret", update.at("/secretsSet/0").asText());
        assertEquals(1, items.get(1).at("/target/revokedTokenIds").size());
        for (String secret : List.of(newSecret, SECRET, newToken, t.token(), ADMIN)) {
            assertFalse(page.body().contains(secret), "a secret in the audit log");
        }
        // paged, newest first; another workspace's entries are filtered out; a bad filter is 400
        JsonNode first = JSON.readTree(app.get("/api/admin/audit-log?workspaceId=" + t.id() + "&limit=2", ADMIN).body());
        assertEquals(2, first.get("items").size());
        JsonNode second = JSON.readTree(app.get("/api/admin/audit-log?workspaceId=" + t.id() + "&limit=2&cursor="
                + first.get("nextCursor").asText(), ADMIN).body());
        assertEquals("workspace.update", second.at("/items/0/action").asText());
        assertEquals(400, app.get("/api/admin/audit-log?workspaceId=abc", ADMIN).statusCode());

        // the actions of several statements: recorded right after they succeeded
        byte[] unread = ("{\"phone_number_id\": \"" + t.phoneNumberId() + "\", \"contact\": {\"id\": \"" + UUID.randomUUID()
                + "\"}}").getBytes(StandardCharsets.UTF_8);
        assertEquals(200, new Webhooks(app, newSecret).kapso("whatsapp.contact.marketing_preference_changed", unread).statusCode());
        long letter = count("SELECT max(id) FROM dead_letter WHERE phone_number_id = ?", t.phoneNumberId());
        assertEquals(200, app.call("POST", "/api/admin/dead-letters/" + letter + "/replay", null, ADMIN).statusCode());
        JsonNode replayed = JSON.readTree(app.get("/api/admin/audit-log?workspaceId=" + t.id() + "&limit=1", ADMIN).body()).at("/items/0");
        assertEquals("dead-letter.replay", replayed.get("action").asText(), replayed.toString());
        assertEquals(letter, replayed.at("/target/deadLetterId").asLong());
        assertEquals(200, app.call("POST", "/api/admin/kapso-keys/re-encrypt", null, ADMIN).statusCode());
        JsonNode reEncrypted = JSON.readTree(app.get("/api/admin/audit-log?limit=1", ADMIN).body()).at("/items/0");
        assertEquals("kapso-keys.re-encrypt", reEncrypted.get("action").asText(), reEncrypted.toString());
        assertTrue(reEncrypted.get("workspaceId").isNull(), "installation-wide");
        assertTrue(reEncrypted.at("/target/keyId").asText().length() > 0, reEncrypted.toString());
        assertEquals(401, app.get("/api/admin/audit-log", t.token()).statusCode());
    }
}
