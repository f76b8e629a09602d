package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.LogCapture;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Phones and contact names where a case file cannot speak: a name typed through the API survives
 * later contact names, and a WhatsApp id kept as given is logged without its number.
 */
class PhonesAndNamesTest {

    LeadlineApp app;
    Tenant tenant;

    @BeforeEach
    void tenant() throws Exception {
        app = LeadlineApp.shared();
        tenant = Tenant.create(app);
    }

    @Test
    void aNameTypedThroughTheApiIsNeverOverwrittenByALaterContactName() throws Exception {
        String phone = Workspaces.newPhone();
        long now = Instant.now().getEpochSecond();
        ObjectNode first = kapso(phone, "wamid.name.1", now);
        ((ObjectNode) first.get("conversation")).putObject("kapso").put("contact_name", "Budi");
        assertEquals(200, tenant.kapso(Webhooks.RECEIVED, first).statusCode());
        long lead = tenant.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        assertEquals("Budi", tenant.one("SELECT name FROM lead WHERE workspace_id = ? AND id = ?", lead));

        HttpResponse<String> patched = app.send(HttpRequest.newBuilder(app.uri("/api/leads/" + lead))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\": \"Budi Santoso (PT Maju)\", \"author\": \"ana@sales\"}"))
                .header("Authorization", "Bearer " + tenant.token).header("Content-Type", "application/json")
                .header("If-Match", app.get("/api/leads/" + lead, tenant.token).headers().firstValue("ETag").orElseThrow()));
        assertEquals(200, patched.statusCode(), patched.body());

        // Every place a contact name arrives from, each with another name.
        ObjectNode kapsoName = kapso(phone, "wamid.name.2", now);
        ((ObjectNode) kapsoName.get("conversation")).putObject("kapso").put("contact_name", "Budi S");
        ObjectNode conversationName = kapso(phone, "wamid.name.3", now);
        ((ObjectNode) conversationName.get("conversation")).put("contact_name", "Bud");
        ObjectNode messageName = kapso(phone, "wamid.name.4", now);
        ((ObjectNode) messageName.get("message").get("kapso")).put("contact_name", "B. Santoso");
        for (ObjectNode body : new ObjectNode[] {kapsoName, conversationName, messageName}) {
            assertEquals(1, JSON.readTree(tenant.kapso(Webhooks.RECEIVED, body).body()).get("stored").asInt());
        }
        ObjectNode meta = tenant.metaSample("meta-message.json", Workspaces.unique("wamid.name.5"));
        ObjectNode value = Tenant.metaValue(meta);
        ((ObjectNode) value.get("contacts").get(0)).put("wa_id", phone.substring(1));
        ((ObjectNode) value.get("contacts").get(0).get("profile")).put("name", "Budi 🙂");
        Tenant.metaMessage(meta).put("from", phone.substring(1)).put("timestamp", String.valueOf(now));
        assertEquals(1, JSON.readTree(tenant.meta(meta).body()).get("stored").asInt());

        assertEquals(5, tenant.count("SELECT count(*) FROM message WHERE workspace_id = ? AND lead_id = ?", lead));
        assertEquals("Budi Santoso (PT Maju)", tenant.one("SELECT name FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals("Budi Santoso (PT Maju)",
                JSON.readTree(app.get("/api/leads/" + lead, tenant.token).body()).get("name").asText());
    }

    @Test
    void aWhatsAppIdKeptAsGivenIsLoggedWithoutItsNumber() throws Exception {
        // Ofcom's range for drama, 07700 900000-900999: never assigned, so libphonenumber rejects it
        String digits = "447700900" + (100 + (int) (Math.random() * 900));
        ObjectNode body = kapso(null, "wamid.waid", Instant.now().getEpochSecond());
        ((ObjectNode) body.get("message")).put("from", digits);
        LogCapture log = LogCapture.start();
        try (log) {
            assertEquals(200, tenant.kapso(Webhooks.RECEIVED, body).statusCode());
        }
        assertEquals(1, tenant.count("SELECT count(*) FROM lead WHERE workspace_id = ? AND phone = ?", "+" + digits));
        String captured = log.toString();
        assertTrue(captured.contains("Kept a WhatsApp id libphonenumber rejects as given: 12 digits"), captured);
        assertFalse(captured.contains(digits.substring(2)), "the log holds no part of the customer's number: " + captured);
    }

    @Test
    void aMexicanOrBrazilianNumberTypedInEitherFormFindsTheLead() throws Exception {
        long now = Instant.now().getEpochSecond();
        for (String waId : new String[] {"5215512340001", "552198760001"}) {
            ObjectNode body = kapso(null, "wamid.search", now);
            ((ObjectNode) body.get("message")).put("from", waId);
            assertEquals(1, JSON.readTree(tenant.kapso(Webhooks.RECEIVED, body).body()).get("stored").asInt());
        }
        String[][] typed = {{"+52 1 55 1234 0001", "+525512340001"}, {"+525512340001", "+525512340001"},
            {"+55 21 9876-0001", "+5521998760001"}, {"+55 21 99876-0001", "+5521998760001"}};
        for (String[] search : typed) {
            HttpResponse<String> response = app.get("/api/leads?q="
                    + java.net.URLEncoder.encode(search[0], java.nio.charset.StandardCharsets.UTF_8), tenant.token);
            assertEquals(200, response.statusCode(), response.body());
            var items = JSON.readTree(response.body()).get("items");
            assertEquals(1, items.size(), search[0] + ": " + response.body());
            assertEquals(search[1], items.get(0).get("phone").asText(), search[0]);
        }
    }

    /**
     * A name cut at 200 characters, or a username at 100, is cut before an emoji that would not fit whole:
     * half of it (a lone surrogate) would be stored as '?'.
     */
    @Test
    void aNameOrUsernameCutAtItsLimitKeepsNoHalfOfAnEmoji() throws Exception {
        String phone = Workspaces.newPhone();
        String name = "a".repeat(199) + "\uD83D\uDE00";
        String username = "@" + "u".repeat(98) + "\uD83D\uDE00";
        ObjectNode body = Webhooks.receivedFrom(tenant.phoneNumberId, Workspaces.unique("wamid.cut"), phone, null, null,
                username, "Halo", Instant.now().getEpochSecond());
        ((ObjectNode) body.get("conversation")).putObject("kapso").put("contact_name", name);
        assertEquals(1, JSON.readTree(tenant.kapso(Webhooks.RECEIVED, body).body()).get("stored").asInt());
        long lead = tenant.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        assertEquals("a".repeat(199), tenant.one("SELECT name FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals("@" + "u".repeat(98), tenant.one("SELECT username FROM lead WHERE workspace_id = ? AND id = ?", lead));

        // one that fits whole is kept whole
        String phone2 = Workspaces.newPhone();
        ObjectNode fits = Webhooks.receivedFrom(tenant.phoneNumberId, Workspaces.unique("wamid.cut"), phone2, null, null,
                "@" + "u".repeat(97) + "\uD83D\uDE00", "Halo", Instant.now().getEpochSecond());
        ((ObjectNode) fits.get("conversation")).putObject("kapso").put("contact_name", "a".repeat(198) + "\uD83D\uDE00");
        assertEquals(1, JSON.readTree(tenant.kapso(Webhooks.RECEIVED, fits).body()).get("stored").asInt());
        long lead2 = tenant.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone2);
        assertEquals("a".repeat(198) + "\uD83D\uDE00", tenant.one("SELECT name FROM lead WHERE workspace_id = ? AND id = ?", lead2));
        assertEquals("@" + "u".repeat(97) + "\uD83D\uDE00", tenant.one("SELECT username FROM lead WHERE workspace_id = ? AND id = ?", lead2));
    }

    /** A Kapso received message of this tenant; a null phone leaves conversation.phone_number out. */
    private ObjectNode kapso(String phone, String wamidPrefix, long epochSeconds) {
        ObjectNode body = Webhooks.received(tenant.phoneNumberId, Workspaces.unique(wamidPrefix), phone == null ? "x" : phone,
                "Halo", epochSeconds);
        ObjectNode conversation = (ObjectNode) body.get("conversation");
        if (phone == null) {
            conversation.remove("phone_number");
        }
        conversation.put("id", "conv-" + tenant.phoneNumberId + "-" + (phone == null ? "none" : phone));
        conversation.remove("kapso");
        ((ObjectNode) body.get("message").get("kapso")).remove("contact_name");
        return body;
    }
}
