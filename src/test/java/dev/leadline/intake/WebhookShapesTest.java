package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook shapes of 2026 (docs/webhooks.md), one contract sample each (src/test/resources/contracts/):
 * posted through the real endpoint with its signature, the result read back through the REST API, and the
 * same bytes posted again counted as a duplicate (or, for an event that stores nothing, storing nothing).
 * Each test has a workspace of its own, so that the samples' fixed phones and ids can be sent as they are.
 */
class WebhookShapesTest {

    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
    }

    @Test
    void anEchoedEditAndRevokeFromTheBusinessAppChangeTheOriginalInsteadOfAddingMessages() throws Exception {
        Tenant t = Tenant.create(app);
        assertEquals(1, post(t, "meta-smb-echo-text.json").get("stored").asInt());

        JsonNode edit = post(t, "meta-smb-echo-edit.json");
        assertEquals(1, edit.get("messagesUpdated").asInt(), edit.toString());
        assertEquals(0, edit.get("stored").asInt(), edit.toString());
        JsonNode message = onlyMessage(t, "6281311112222");
        assertEquals("Harga paket bulanan Rp 1,2 juta", message.get("text").asText());
        assertEquals("Harga paket bulanan Rp 1,5 juta", message.get("previousText").asText());
        assertFalse(message.get("editedAt").isNull(), message.toString());
        assertEquals(1, post(t, "meta-smb-echo-edit.json").get("duplicates").asInt());

        JsonNode revoke = post(t, "meta-smb-echo-revoke.json");
        assertEquals(1, revoke.get("messagesUpdated").asInt(), revoke.toString());
        message = onlyMessage(t, "6281311112222");
        assertEquals("outbound", message.get("direction").asText());
        assertFalse(message.get("deletedAt").isNull(), message.toString());
        assertEquals(1, post(t, "meta-smb-echo-revoke.json").get("duplicates").asInt());
    }

    @Test
    void anEchoedEditBeforeItsOriginalIsKeptUntilTheOriginalArrives() throws Exception {
        Tenant t = Tenant.create(app);
        assertEquals(1, post(t, "meta-smb-echo-edit.json").get("updatesPending").asInt());
        assertEquals(0, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"), "an edit creates no lead");

        assertEquals(1, post(t, "meta-smb-echo-text.json").get("stored").asInt());

        JsonNode message = onlyMessage(t, "6281311112222");
        assertEquals("Harga paket bulanan Rp 1,2 juta", message.get("text").asText());
        assertEquals("Harga paket bulanan Rp 1,5 juta", message.get("previousText").asText());
        assertEquals(1, post(t, "meta-smb-echo-text.json").get("duplicates").asInt());
    }

    @Test
    void kapsosOwnDocumentedExampleIsStoredUnderWhatsAppsIdWhenTheConversationPhoneIsNotANumber() throws Exception {
        Tenant t = Tenant.create(app);
        JsonNode counts = post(t, "kapso-message-received-docs-example.json");
        assertEquals(1, counts.get("stored").asInt(), counts.toString());
        assertEquals(0, counts.get("deadLettered").asInt(), counts.toString());

        JsonNode lead = onlyLead(t, "15551234567");
        assertEquals("+15551234567", lead.get("phone").asText());
        assertEquals("John Doe", lead.get("name").asText());
        assertEquals("Hello, I'd like to know more about your plans", onlyMessage(t, "15551234567").get("text").asText());
        assertEquals(1, post(t, "kapso-message-received-docs-example.json").get("duplicates").asInt());
    }

    @Test
    void messageEchoesInsideAMessagesChangeAreStoredAsOutboundMessages() throws Exception {
        Tenant t = Tenant.create(app);
        JsonNode counts = post(t, "meta-messages-change-with-echoes.json");
        assertEquals(1, counts.get("stored").asInt(), counts.toString());
        assertEquals(0, counts.get("ignored").asInt(), counts.toString());

        JsonNode message = onlyMessage(t, "6281311113333");
        assertEquals("outbound", message.get("direction").asText());
        assertEquals("Sudah kami kirim brosurnya", message.get("text").asText());
        assertEquals(1, post(t, "meta-messages-change-with-echoes.json").get("duplicates").asInt());
    }

    @Test
    void aCallPermissionWithAnExpiryButNoIsPermanentSaysUntilWhen() throws Exception {
        Tenant t = Tenant.create(app);
        assertEquals(1, post(t, "meta-call-permission-with-expiry.json").get("stored").asInt());

        assertEquals("[call permission] accepted, until 2025-12-02T04:00:00Z", onlyMessage(t, "6281311114444").get("text").asText());
        assertEquals(1, post(t, "meta-call-permission-with-expiry.json").get("duplicates").asInt());
    }

    @Test
    void whileTheAiAgentHoldsTheConversationItsStandbyMessagesAndHandoversAreKept() throws Exception {
        Tenant t = Tenant.create(app);
        assertEquals(1, post(t, "meta-handover-to-ai-agent.json").get("notesAdded").asInt());
        assertEquals(1, post(t, "meta-standby-message.json").get("stored").asInt());
        assertEquals(1, post(t, "meta-standby-echo.json").get("stored").asInt());
        JsonNode back = post(t, "meta-handover-back-with-summary.json");
        assertEquals(2, back.get("notesAdded").asInt(), back.toString());
        assertEquals(1, post(t, "meta-handover-taken.json").get("notesAdded").asInt());

        long lead = onlyLead(t, "6281311115555").get("id").asLong();
        JsonNode conversation = get(t, "/api/leads/" + lead + "/messages").get("items");
        assertEquals(2, conversation.size(), conversation.toString());
        assertEquals("Hari Minggu kami buka pukul 10.00-16.00.", conversation.get(0).get("text").asText());
        assertEquals("outbound", conversation.get(0).get("direction").asText());
        assertEquals("Jam buka toko hari Minggu?", conversation.get(1).get("text").asText());
        assertEquals("inbound", conversation.get(1).get("direction").asText());

        List<String> handovers = contents(get(t, "/api/leads/" + lead + "/timeline?kind=handover").get("items"));
        assertEquals(List.of("The business took the conversation over from the AI agent (Control taken via service message)",
                "The AI agent handed the conversation back (Customer asked for a person)",
                "The AI agent took over the conversation (Outside opening hours)"), handovers);
        assertEquals(List.of("Dewi asked about Sunday opening hours and wants to reserve a table for 6."),
                contents(get(t, "/api/leads/" + lead + "/timeline?kind=ai_agent_summary").get("items")));

        for (String sample : List.of("meta-handover-to-ai-agent.json", "meta-standby-message.json", "meta-standby-echo.json",
                "meta-handover-taken.json")) {
            assertEquals(1, post(t, sample).get("duplicates").asInt(), sample);
        }
        assertEquals(2, post(t, "meta-handover-back-with-summary.json").get("duplicates").asInt());
        assertEquals(4, get(t, "/api/leads/" + lead + "/timeline").get("items").size());
    }

    @Test
    void aCallIsStoredOnceWhenItEndsAndCountsForTheLeadsDay() throws Exception {
        Tenant t = Tenant.create(app);
        JsonNode connect = post(t, "meta-call-connect.json");
        assertEquals(1, connect.get("ignored").asInt(), connect.toString());
        assertEquals(0, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"), "a call's start stores nothing");

        assertEquals(1, post(t, "meta-call-completed.json").get("stored").asInt());
        assertEquals(1, post(t, "meta-call-missed.json").get("stored").asInt());
        assertEquals(1, post(t, "meta-call-business-status.json").get("ignored").asInt());

        JsonNode lead = onlyLead(t, "6281311116666");
        JsonNode calls = get(t, "/api/leads/" + lead.get("id").asLong() + "/messages").get("items");
        assertEquals(2, calls.size(), calls.toString());
        assertEquals("[missed call]", calls.get(0).get("text").asText());
        assertEquals("[call] 3 min 12 s", calls.get(1).get("text").asText());
        assertEquals("call", calls.get(1).get("type").asText());
        assertEquals("inbound", calls.get(1).get("direction").asText());
        assertEquals(Instant.parse("2025-11-25T04:00:00Z"), OffsetDateTime.parse(calls.get(1).get("sentAt").asText()).toInstant());
        assertEquals("Rudi", lead.get("name").asText());
        assertEquals(1, post(t, "meta-call-completed.json").get("duplicates").asInt());
        assertEquals(1, post(t, "meta-call-missed.json").get("duplicates").asInt());

        // The day's summary reads them as the lead's activity (the offline note counts what it was given).
        new SummaryRuns(app, t.token).runLead("2025-11-25", lead.get("id").asLong());
        JsonNode note = get(t, "/api/leads/" + lead.get("id").asLong() + "/timeline?kind=daily_summary").get("items");
        assertEquals(1, note.size(), note.toString());
        String content = note.get(0).get("content").asText();
        assertTrue(content.contains("Rudi sent 2 messages") || content.contains("Rudi mengirim 2 pesan"), content);
    }

    @Test
    void groupEventsAreAcknowledgedWithoutLeadsOrDeadLetters() throws Exception {
        Tenant t = Tenant.create(app);
        for (String sample : List.of("meta-group-lifecycle-update.json", "meta-group-participants-update.json",
                "meta-group-settings-update.json", "meta-group-status-update.json")) {
            for (int attempt = 0; attempt < 2; attempt++) {
                JsonNode counts = post(t, sample);
                assertEquals(1, counts.get("ignored").asInt(), sample + " " + counts);
                assertEquals(0, counts.get("deadLettered").asInt(), sample + " " + counts);
            }
        }
        assertEquals(0, get(t, "/api/leads").get("items").size());
        assertEquals(0, t.count("SELECT count(*) FROM dead_letter WHERE verified_workspace_id = ?"));
    }

    /** Posts a sample, addressed to the tenant's business number, signed with its secret; its answer's counts. */
    static JsonNode post(Tenant t, String sample) throws Exception {
        byte[] body = new String(Webhooks.sample(sample), StandardCharsets.UTF_8)
                .replace(Workspaces.DEMO_PHONE_NUMBER_ID, t.phoneNumberId).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = sample.startsWith("meta-") ? t.webhooks.meta(body)
                : t.webhooks.kapso(Webhooks.RECEIVED, body);
        assertEquals(200, response.statusCode(), sample + ": " + response.body());
        return JSON.readTree(response.body());
    }

    static JsonNode get(Tenant t, String path) throws Exception {
        HttpResponse<String> response = app.get(path, t.token);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    /** The workspace's one lead whose phone has these digits. */
    static JsonNode onlyLead(Tenant t, String digits) throws Exception {
        JsonNode leads = get(t, "/api/leads?q=" + URLEncoder.encode(digits, StandardCharsets.UTF_8)).get("items");
        assertEquals(1, leads.size(), leads.toString());
        return leads.get(0);
    }

    /** The one message of the lead whose phone has these digits, as the API shows it. */
    static JsonNode onlyMessage(Tenant t, String digits) throws Exception {
        JsonNode messages = get(t, "/api/leads/" + onlyLead(t, digits).get("id").asLong() + "/messages").get("items");
        assertEquals(1, messages.size(), messages.toString());
        return messages.get(0);
    }

    static List<String> contents(JsonNode notes) {
        List<String> contents = new ArrayList<>();
        notes.forEach(note -> contents.add(note.get("content").asText()));
        return contents;
    }
}
