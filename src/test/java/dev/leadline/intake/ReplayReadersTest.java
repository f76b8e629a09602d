package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dead letter's replay reads its event with the intake's own delivery readers
 * (direct:find-kapso-workspace, direct:read-kapso-delivery, direct:read-meta-delivery), from the letter
 * alone: the admin request's headers are not a delivery's, so webhook headers sent with it change nothing.
 */
class ReplayReadersTest {

    static final String ADMIN = LeadlineApp.ADMIN_TOKEN;
    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.startWithAdmin();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void kapsoAndMetaLettersForANumberOnboardedLaterAreStoredByTheIntakesReadersWhateverTheAdminRequestCarries() throws Exception {
        String number = Workspaces.unique("55");
        String kapsoWamid = Workspaces.unique("wamid.rk");
        String metaWamid = Workspaces.unique("wamid.rm");
        Webhooks fallback = new Webhooks(app, LeadlineApp.FALLBACK_SECRET);
        ObjectNode kapso = Webhooks.received(number, kapsoWamid, "081234567101", "lewat Kapso", Instant.now().getEpochSecond());
        ObjectNode meta = Webhooks.metaDelivery(Webhooks.metaMessages(number, metaWamid, "6281234567102", "lewat Meta"));
        assertEquals(1, JSON.readTree(fallback.kapso(kapso).body()).get("deadLettered").asInt());
        assertEquals(1, JSON.readTree(fallback.meta(Webhooks.bytes(meta)).body())
                .get("deadLettered").asInt());
        long kapsoLetter = app.queryLong("SELECT id FROM dead_letter WHERE dedup_key = ?", "kapso:" + kapsoWamid);
        long metaLetter = app.queryLong("SELECT id FROM dead_letter WHERE dedup_key = ?", "meta:" + metaWamid);

        HttpResponse<String> created = app.call("POST", "/api/admin/workspaces", "{\"name\": \"Toko Baru\", \"phoneNumberId\": \""
                + number + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"0123456789abcdef\"}",
                ADMIN);
        assertEquals(201, created.statusCode(), created.body());

        for (long letter : new long[] {kapsoLetter, metaLetter}) {
            // As a Kapso delivery these would make it a batch of another event: the replay reads the letter only.
            HttpResponse<String> replayed = app.call("POST", "/api/admin/dead-letters/" + letter + "/replay", null, ADMIN,
                    "X-Webhook-Batch", "true", "X-Webhook-Event", "whatsapp.conversation.ended");
            assertEquals(200, replayed.statusCode(), replayed.body());
            JsonNode counts = JSON.readTree(replayed.body());
            assertEquals(1, counts.get("stored").asInt(), counts.toString());
            assertEquals(0, counts.get("deadLettered").asInt(), counts.toString());
        }
        long workspace = app.queryLong("SELECT id FROM workspace WHERE phone_number_id = ?", number);
        assertEquals(2, app.queryLong("SELECT count(*) FROM message WHERE workspace_id = ? AND wamid IN (?, ?)",
                workspace, kapsoWamid, metaWamid));
        assertEquals(2, app.queryLong("SELECT count(*) FROM dead_letter WHERE id IN (?, ?) AND replayed_at IS NOT NULL",
                kapsoLetter, metaLetter));
    }
}
