package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Message state seen from outside: a message's delivery status, edit and deletion in the messages
 * API, and in the daily note (failed replies counted, deletions mentioned).
 */
class MessageStateTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");

    LeadlineApp app;
    Tenant tenant;

    @BeforeEach
    void workspace() throws Exception {
        app = LeadlineApp.shared();
        tenant = Tenant.create(app);
    }

    @Test
    void theMessagesApiShowsStatusErrorEditAndDeletion() throws Exception {
        String phone = Workspaces.newPhone();
        long now = Instant.now().getEpochSecond();
        String reply = Workspaces.unique("wamid.reply");
        String question = Workspaces.unique("wamid.question");
        String other = Workspaces.unique("wamid.other");
        send(reply, phone, "Paket bulanan Rp 1.500.000", now, false);
        send(question, phone, "Ada paket 3 orang?", now, true);
        send(other, phone, "Terima kasih", now, true);
        assertEquals(200, tenant.meta(status(reply, "failed", now, 131047, "Re-engagement message")).statusCode());
        assertEquals(200, tenant.meta(customer(phone, Map.of("id", Workspaces.unique("wamid.edit"), "timestamp", String.valueOf(now),
                "type", "edit", "edit", Map.of("original_message_id", question,
                        "message", Map.of("type", "text", "text", Map.of("body", "Ada paket 4 orang?")))))).statusCode());
        assertEquals(200, tenant.meta(customer(phone, Map.of("id", Workspaces.unique("wamid.revoke"), "timestamp", String.valueOf(now),
                "type", "revoke", "revoke", Map.of("original_message_id", other)))).statusCode());
        long lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);

        HttpResponse<String> page = app.get("/api/leads/" + lead + "/messages", tenant.token);

        assertEquals(200, page.statusCode(), page.body());
        Map<String, JsonNode> byWamid = new HashMap<>();
        JSON.readTree(page.body()).get("items").forEach(m -> byWamid.put(m.get("wamid").asText(), m));
        assertEquals(3, byWamid.size(), page.body());
        JsonNode failed = byWamid.get(reply);
        assertEquals("failed", failed.get("status").asText());
        assertEquals("131047", failed.get("errorCode").asText());
        assertEquals("Re-engagement message", failed.get("errorTitle").asText());
        assertFalse(failed.get("statusAt").isNull());
        JsonNode edited = byWamid.get(question);
        assertEquals("Ada paket 4 orang?", edited.get("text").asText());
        assertEquals("Ada paket 3 orang?", edited.get("previousText").asText());
        assertFalse(edited.get("editedAt").isNull());
        assertTrue(edited.get("deletedAt").isNull());
        assertTrue(edited.get("status").isNull());
        JsonNode deleted = byWamid.get(other);
        assertEquals("Terima kasih", deleted.get("text").asText());
        assertFalse(deleted.get("deletedAt").isNull());
    }

    @Test
    void theDailyNoteCountsRepliesThatFailedToDeliverAndDeletions() throws Exception {
        LocalDate day = LocalDate.now(JAKARTA).minusDays(2);
        long at = day.atTime(LocalTime.NOON).atZone(JAKARTA).toEpochSecond();
        String phone = Workspaces.newPhone();
        String first = Workspaces.unique("wamid.r1");
        String second = Workspaces.unique("wamid.r2");
        String delivered = Workspaces.unique("wamid.r3");
        String taken = Workspaces.unique("wamid.in2");
        send(Workspaces.unique("wamid.in"), phone, "Halo, harga paket foto berapa?", at, true);
        send(taken, phone, "Salah kirim", at + 30, true);
        send(first, phone, "Paket foto Rp 900.000", at + 60, false);
        send(second, phone, "Mau kami kirim katalognya?", at + 120, false);
        send(delivered, phone, "Katalog terlampir", at + 180, false);
        tenant.meta(status(first, "failed", at + 70, 131026, "Message undeliverable"));
        tenant.meta(status(second, "failed", at + 130, 131026, "Message undeliverable"));
        tenant.meta(status(delivered, "delivered", at + 190, 0, null));
        tenant.meta(customer(phone, Map.of("id", Workspaces.unique("wamid.rev"), "timestamp", String.valueOf(at + 40),
                "type", "revoke", "revoke", Map.of("original_message_id", taken))));
        long lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);

        new SummaryRuns(app, tenant.token).runLead(day.toString(), lead);

        String note = app.queryString("SELECT content FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", lead, day);
        assertTrue(note.contains("dibalas 3 kali. 2 balasan gagal terkirim. 1 pesan dihapus."), note);
    }

    /** A status and its message arriving at once, in either order: the status is never left behind. */
    @Test
    void aStatusRacingItsMessageIsNeverLost() throws Exception {
        long now = Instant.now().getEpochSecond();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.List<String> wamids = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                String wamid = Workspaces.unique("wamid.race");
                wamids.add(wamid);
                String phone = Workspaces.newPhone();
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                var message = pool.submit(() -> {
                    go.await();
                    send(wamid, phone, "Paket foto Rp 900.000", now, false);
                    return null;
                });
                var status = pool.submit(() -> {
                    go.await();
                    return tenant.meta(status(wamid, "delivered", now, 0, null)).statusCode();
                });
                go.countDown();
                message.get();
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdownNow();
        }
        for (String wamid : wamids) {
            assertEquals("delivered", app.queryString("SELECT status FROM message WHERE workspace_id = ? AND wamid = ?",
                    tenant.workspaceId, wamid), wamid);
        }
        assertEquals(0L, app.queryLong("SELECT count(*) FROM message_pending_update WHERE workspace_id = ?", tenant.workspaceId));
    }

    void send(String wamid, String phone, String text, long epoch, boolean inbound) throws Exception {
        ObjectNode event = Webhooks.received(tenant.phoneNumberId, wamid, phone, text, epoch);
        HttpResponse<String> response = inbound ? tenant.kapso(Webhooks.RECEIVED, event)
                : tenant.kapso("whatsapp.message.sent", Webhooks.ours(event, "sent"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, JSON.readTree(response.body()).get("stored").asInt(), response.body());
    }

    /** A Meta delivery with one status of one of our messages. */
    ObjectNode status(String wamid, String status, long epoch, int errorCode, String errorTitle) {
        Map<String, Object> entry = new HashMap<>(Map.of("id", wamid, "status", status, "timestamp", String.valueOf(epoch),
                "recipient_id", "6281200000000"));
        if (errorTitle != null) {
            entry.put("errors", new Object[] {Map.of("code", errorCode, "title", errorTitle)});
        }
        return meta(Map.of("statuses", new Object[] {entry}));
    }

    /** A Meta delivery with one message of the customer. */
    ObjectNode customer(String phone, Map<String, Object> message) {
        Map<String, Object> m = new HashMap<>(message);
        m.put("from", phone.substring(1));
        return meta(Map.of("contacts", new Object[] {Map.of("wa_id", phone.substring(1), "profile", Map.of("name", "Rina"))},
                "messages", new Object[] {m}));
    }

    ObjectNode meta(Map<String, Object> content) {
        Map<String, Object> value = new HashMap<>(content);
        value.put("messaging_product", "whatsapp");
        value.put("metadata", Map.of("display_phone_number", "6221500123", "phone_number_id", tenant.phoneNumberId));
        return JSON.valueToTree(Map.of("object", "whatsapp_business_account", "entry", new Object[] {
            Map.of("id", "waba", "changes", new Object[] {Map.of("field", "messages", "value", value)})}));
    }
}
