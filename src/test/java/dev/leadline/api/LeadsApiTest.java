package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The read API, against its own workspace so that lists are exactly what this class stored. */
class LeadsApiTest {

    static LeadlineApp app;
    static String token;
    static String phoneNumberId;
    static final List<String> PHONES = new ArrayList<>();
    static final long DAY = 1_764_000_000L; // 2025-11-24T16:00:00Z

    @BeforeAll
    static void seed() throws Exception {
        app = LeadlineApp.shared();
        phoneNumberId = Workspaces.unique("pnid-api-");
        token = Workspaces.unique("token-api-");
        String secret = Workspaces.unique("secret-");
        Workspaces.create(app, phoneNumberId, secret, token);
        Webhooks webhooks = new Webhooks(app, secret);
        // Lead i is active at DAY + i hours, with i + 1 inbound messages and one outbound reply.
        for (int i = 0; i < 3; i++) {
            String phone = Workspaces.newPhone();
            PHONES.add(phone);
            for (int m = 0; m <= i; m++) {
                ObjectNode event = Webhooks.received(phoneNumberId, Workspaces.unique("wamid.api"), phone, "pesan " + m,
                        DAY + i * 3600L + m);
                ((ObjectNode) event.get("conversation").get("kapso")).put("contact_name", "Pelanggan " + i);
                assertEquals(200, webhooks.kapso(event).statusCode());
            }
            ObjectNode reply = Webhooks.received(phoneNumberId, Workspaces.unique("wamid.api"), phone, "balasan", DAY + i * 3600L + 30);
            assertEquals(200, webhooks.kapso("whatsapp.message.sent",
                    Webhooks.ours(reply, "sent").toString().getBytes(StandardCharsets.UTF_8)).statusCode());
        }
    }

    static JsonNode getJson(String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = app.get(path, token);
        assertEquals(expectedStatus, response.statusCode(), path + " -> " + response.body());
        return JSON.readTree(response.body());
    }

    static List<String> phones(JsonNode page) {
        List<String> phones = new ArrayList<>();
        page.get("items").forEach(item -> phones.add(item.get("phone").asText()));
        return phones;
    }

    static long leadId(String phone) throws Exception {
        return app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
    }

    @Test
    void leadsComeNewestActivityFirstInCursorPages() throws Exception {
        JsonNode first = getJson("/api/leads?limit=2", 200);
        JsonNode second = getJson("/api/leads?limit=2&cursor=" + first.get("nextCursor").asText(), 200);

        assertEquals(List.of(PHONES.get(2), PHONES.get(1)), phones(first));
        assertEquals(List.of(PHONES.get(0)), phones(second));
        assertTrue(second.get("nextCursor").isNull());
        assertEquals("Pelanggan 2", first.get("items").get(0).get("name").asText());
        assertEquals("2025-11-24T18:00:30.000+00:00", first.get("items").get(0).get("lastActivityAt").asText());
    }

    @Test
    void leadsFilterByStatusAndActiveSince() throws Exception {
        assertEquals(3, getJson("/api/leads?status=new", 200).get("items").size());
        assertEquals(0, getJson("/api/leads?status=won", 200).get("items").size());
        assertEquals(List.of(PHONES.get(2), PHONES.get(1)), phones(getJson("/api/leads?activeSince=2025-11-24T17:00:00Z", 200)));
    }

    @Test
    void qMatchesNameOrAnyPhoneFormatTheUserTypes() throws Exception {
        String e164 = PHONES.get(1);
        String national = "0" + e164.substring(3);
        String spaced = "+62 " + e164.substring(3, 6) + "-" + e164.substring(6, 10) + "-" + e164.substring(10);
        String partial = national.substring(0, 9);

        assertEquals(List.of(e164), phones(getJson("/api/leads?q=pelanggan%201", 200)));
        for (String typed : List.of(e164, national, spaced, e164.substring(1), partial)) {
            JsonNode page = getJson("/api/leads?q=" + URLEncoder.encode(typed, StandardCharsets.UTF_8), 200);
            assertTrue(phones(page).contains(e164), typed + " finds " + e164);
        }
        assertEquals(0, getJson("/api/leads?q=" + URLEncoder.encode("%' OR 1=1 --", StandardCharsets.UTF_8), 200)
                .get("items").size());
    }

    @Test
    void badQueryParametersAre400() throws Exception {
        for (String query : List.of("limit=0", "limit=201", "limit=ten", "cursor=not-a-cursor", "status=pending",
                "activeSince=yesterday")) {
            JsonNode error = getJson("/api/leads?" + query, 400);
            assertEquals("bad_request", error.get("error").asText());
        }
    }

    @Test
    void aLeadComesWithItsMessageCounts() throws Exception {
        JsonNode lead = getJson("/api/leads/" + leadId(PHONES.get(2)), 200);
        assertEquals(PHONES.get(2), lead.get("phone").asText());
        assertEquals(3, lead.get("messagesIn").asInt());
        assertEquals(1, lead.get("messagesOut").asInt());
        assertEquals("new", lead.get("status").asText());
    }

    @Test
    void aLeadsMessagesComeNewestFirstInCursorPages() throws Exception {
        long id = leadId(PHONES.get(2));
        JsonNode first = getJson("/api/leads/" + id + "/messages?limit=3", 200);
        JsonNode second = getJson("/api/leads/" + id + "/messages?limit=3&cursor=" + first.get("nextCursor").asText(), 200);

        List<String> texts = new ArrayList<>();
        first.get("items").forEach(m -> texts.add(m.get("text").asText()));
        second.get("items").forEach(m -> texts.add(m.get("text").asText()));
        assertEquals(List.of("balasan", "pesan 2", "pesan 1", "pesan 0"), texts);
        assertEquals("outbound", first.get("items").get(0).get("direction").asText());
        assertTrue(second.get("nextCursor").isNull());
    }

    @Test
    void withoutAValidTokenIs401() throws Exception {
        for (String bad : new String[] {null, "wrong-token"}) {
            HttpResponse<String> response = app.get("/api/leads", bad);
            assertEquals(401, response.statusCode());
            assertEquals("unauthorized", JSON.readTree(response.body()).get("error").asText());
        }
    }

    @Test
    void anotherWorkspacesLeadIsIndistinguishableFromNone() throws Exception {
        long foreign = leadId(PHONES.get(0));
        HttpResponse<String> asDemo = app.get("/api/leads/" + foreign, Workspaces.DEMO_TOKEN);
        HttpResponse<String> asDemoMessages = app.get("/api/leads/" + foreign + "/messages", Workspaces.DEMO_TOKEN);
        HttpResponse<String> missing = app.get("/api/leads/999999999", Workspaces.DEMO_TOKEN);

        assertEquals(404, asDemo.statusCode());
        assertEquals(404, asDemoMessages.statusCode());
        assertEquals(missing.body(), asDemo.body());
        assertTrue(phones(JSON.readTree(app.get("/api/leads?limit=200&q=" + PHONES.get(0).substring(1), Workspaces.DEMO_TOKEN)
                .body())).isEmpty());
    }

    @Test
    void aPathIdThatIsNotANumberIs400() throws Exception {
        assertEquals("bad_request", getJson("/api/leads/abc", 400).get("error").asText());
        assertEquals("bad_request", getJson("/api/leads/-1/messages", 400).get("error").asText());
    }
}
