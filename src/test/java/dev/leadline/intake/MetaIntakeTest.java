package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Meta Cloud API deliveries, the subscription handshake, and deliveries for unknown workspaces. */
class MetaIntakeTest {

    static LeadlineApp app;
    static Webhooks webhooks;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
        webhooks = new Webhooks(app, Workspaces.DEMO_SECRET);
    }

    @Test
    void theMetaSampleIsStored() throws Exception {
        HttpResponse<String> response = webhooks.meta(Webhooks.sample("meta-message.json"));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode counts = JSON.readTree(response.body());
        assertEquals(1, counts.get("stored").asInt() + counts.get("duplicates").asInt());
        assertEquals("Andi", app.queryString("SELECT name FROM lead WHERE phone = '+6281398765432'"));
        assertEquals("Apakah ada diskon untuk UMKM?", app.queryString("SELECT text FROM message WHERE wamid = 'wamid.META0001'"));
    }

    @Test
    void everyEntryChangeAndMessageOfOnePostIsStoredAndStatusesKept() throws Exception {
        String phoneA = Workspaces.newPhone();
        String phoneB = Workspaces.newPhone();
        ObjectNode delivery = Webhooks.sampleJson("meta-message.json");
        ArrayNode entries = (ArrayNode) delivery.get("entry");
        ObjectNode second = entries.get(0).deepCopy();
        entries.add(second);
        fill((ObjectNode) entries.get(0), phoneA, Workspaces.unique("wamid.metaA"), Workspaces.unique("wamid.metaA"));
        fill(second, phoneB, Workspaces.unique("wamid.metaB"), Workspaces.unique("wamid.metaB"));
        ObjectNode statuses = JSON.createObjectNode().put("field", "messages");
        ObjectNode statusValue = statuses.putObject("value");
        // Real status changes carry their business number, like message changes (each change is routed by it).
        statusValue.set("metadata", second.get("changes").get(0).get("value").get("metadata").deepCopy());
        statusValue.putArray("statuses").addObject().put("id", "wamid.x").put("status", "read");
        ((ArrayNode) second.get("changes")).add(statuses);

        HttpResponse<String> response = webhooks.meta(delivery.toString().getBytes(StandardCharsets.UTF_8));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode counts = JSON.readTree(response.body());
        assertEquals(4, counts.get("stored").asInt());
        // A status is not ignored (it tells whether our reply arrived); its message is not stored, so it is kept for it.
        assertEquals(1, counts.get("updatesPending").asInt());
        assertEquals(2, app.queryLong("SELECT count(*) FROM message m JOIN lead l ON l.id = m.lead_id WHERE l.phone = ?", phoneA));
        assertEquals(2, app.queryLong("SELECT count(*) FROM message m JOIN lead l ON l.id = m.lead_id WHERE l.phone = ?", phoneB));
    }

    /** One entry whose change carries two messages from the given customer. */
    private static void fill(ObjectNode entry, String phone, String wamid1, String wamid2) {
        ObjectNode value = (ObjectNode) entry.get("changes").get(0).get("value");
        String waId = phone.substring(1);
        ((ObjectNode) value.get("contacts").get(0)).put("wa_id", waId);
        ArrayNode messages = (ArrayNode) value.get("messages");
        ObjectNode first = (ObjectNode) messages.get(0);
        first.put("from", waId).put("id", wamid1).put("timestamp", String.valueOf(Instant.now().getEpochSecond()));
        messages.add(first.deepCopy().put("id", wamid2));
    }

    @Test
    void aBadMetaSignatureIs401() throws Exception {
        byte[] body = Webhooks.sample("meta-message.json");
        HttpResponse<String> response = app.post("/webhooks/meta", "application/json", body,
                "X-Hub-Signature-256", Webhooks.sign(Workspaces.DEMO_SECRET, body)); // no sha256= prefix
        assertEquals(401, response.statusCode());
        assertEquals("unauthorized", JSON.readTree(response.body()).get("error").asText());
    }

    @Test
    void theSubscriptionHandshakeEchoesTheChallengeOnlyForOurVerifyToken() throws Exception {
        HttpResponse<String> ok = app.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token="
                + LeadlineApp.META_VERIFY_TOKEN + "&hub.challenge=1158201444", null);
        HttpResponse<String> wrong = app.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", null);

        assertEquals(200, ok.statusCode());
        assertEquals("1158201444", ok.body());
        assertEquals(403, wrong.statusCode());
        assertEquals("forbidden", JSON.readTree(wrong.body()).get("error").asText());
    }

    @Test
    void anUnknownWorkspaceSignedWithTheFallbackSecretIsKeptAsADeadLetter() throws Exception {
        String wamid = Workspaces.unique("wamid.unknownws");
        ObjectNode event = Webhooks.received("999000999000999", wamid, Workspaces.newPhone(), "hi", Instant.now().getEpochSecond());

        HttpResponse<String> response = new Webhooks(app, LeadlineApp.FALLBACK_SECRET).kapso(event);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, JSON.readTree(response.body()).get("deadLettered").asInt());
        assertEquals("unknown phone_number_id 999000999000999",
                app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "kapso:" + wamid));
        assertEquals(0, app.queryLong("SELECT count(*) FROM message WHERE wamid = ?", wamid));
    }
}
