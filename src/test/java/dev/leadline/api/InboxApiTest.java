package dev.leadline.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * The inbox as data, through the real webhook endpoint and the REST API: each lead's last message and since
 * when it waits for an answer (also when messages arrive out of order, are edited or deleted), the waiting
 * list longest first, the list's ETag and 304, the overview's counts and time to first response.
 */
class InboxApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LeadlineApp app;
    private final Tenant tenant;

    InboxApiTest() throws Exception {
        app = LeadlineApp.shared();
        tenant = Tenant.create(app);
    }

    private void say(String phone, String wamid, String text, long epochSeconds, boolean inbound) throws Exception {
        ObjectNode event = Webhooks.received(tenant.phoneNumberId, wamid, phone, text, epochSeconds);
        HttpResponse<String> r = tenant.webhooks.kapso(inbound ? Webhooks.RECEIVED : "whatsapp.message.sent",
                (inbound ? event : Webhooks.ours(event, "sent")).toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
    }

    private JsonNode lead(String phone) throws Exception {
        long id = Long.parseLong(tenant.one("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone));
        HttpResponse<String> r = app.get("/api/leads/" + id, tenant.token);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private JsonNode list(String query) throws Exception {
        HttpResponse<String> r = app.get("/api/leads" + query, tenant.token);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static long ago(int minutes) {
        return Instant.now().minusSeconds(minutes * 60L).getEpochSecond();
    }

    private static long epoch(JsonNode time) {
        return OffsetDateTime.parse(time.asText()).toEpochSecond();
    }

    @Test
    void aLeadWaitsFromItsFirstUnansweredMessageUntilAnAnswerEvenOutOfOrder() throws Exception {
        String phone = Workspaces.newPhone();
        long first = ago(120);
        say(phone, Workspaces.unique("wamid.in1"), "Halo, stok   masih ada?", first, true);
        say(phone, Workspaces.unique("wamid.in2"), "Halo?", ago(110), true);
        JsonNode waiting = lead(phone);
        assertEquals(first, epoch(waiting.get("awaitingReplySince")), "the first unanswered message");
        assertTrue(waiting.get("overdue").asBoolean(), "110 minutes past a 60-minute target");
        assertEquals("inbound", waiting.get("lastMessage").get("direction").asText());
        assertEquals("Halo?", waiting.get("lastMessage").get("text").asText());

        // The answer: nothing waits; the wait and its answer are one response of the day.
        long answer = ago(100);
        say(phone, Workspaces.unique("wamid.out1"), "Masih, kak", answer, false);
        JsonNode answered = lead(phone);
        assertTrue(answered.get("awaitingReplySince").isNull(), answered.toString());
        assertFalse(answered.get("overdue").asBoolean());
        assertEquals("outbound", answered.get("lastMessage").get("direction").asText());
        assertEquals((answer - first) * 1.0, Double.parseDouble(tenant.one(
                "SELECT extract(epoch FROM answered_at - waited_since) FROM lead_response r JOIN lead l ON l.id = r.lead_id "
                        + "WHERE l.workspace_id = ? AND l.phone = ?", phone)), 0.001);

        // A message older than the answer arrives late (a sender's retry): it waits for nothing, and is not the last.
        say(phone, Workspaces.unique("wamid.late"), "pesan lama", ago(105), true);
        JsonNode late = lead(phone);
        assertTrue(late.get("awaitingReplySince").isNull(), late.toString());
        assertEquals("Masih, kak", late.get("lastMessage").get("text").asText());

        // A new message after the answer waits again, from its own time; not yet overdue.
        long again = ago(5);
        say(phone, Workspaces.unique("wamid.in3"), "Kirim ke Bandung bisa?", again, true);
        JsonNode next = lead(phone);
        assertEquals(again, epoch(next.get("awaitingReplySince")));
        assertFalse(next.get("overdue").asBoolean());

        // An answer that arrives late but was sent before that message does not answer it.
        say(phone, Workspaces.unique("wamid.out0"), "jawaban lama", ago(50), false);
        assertEquals(again, epoch(lead(phone).get("awaitingReplySince")));
    }

    @Test
    void thePreviewIsTheFirst140CharactersAndFollowsAnEditOrADelete() throws Exception {
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.long");
        say(phone, wamid, "a".repeat(100) + "\n\n" + "b".repeat(100), ago(3), true);
        JsonNode last = lead(phone).get("lastMessage");
        assertEquals("a".repeat(100) + " " + "b".repeat(39), last.get("text").asText(), "whitespace collapsed, 140 characters");
        assertFalse(last.get("deleted").asBoolean());

        app.queryString("UPDATE message SET deleted_at = now() WHERE wamid = ? RETURNING 'x'", wamid);
        JsonNode deleted = lead(phone).get("lastMessage");
        assertTrue(deleted.get("deleted").asBoolean(), deleted.toString());
        assertTrue(deleted.get("text").isNull(), deleted.toString());
    }

    @Test
    void theWaitingListIsLongestWaitingFirstAndPages() throws Exception {
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String phone = Workspaces.newPhone();
            phones.add(phone);
            say(phone, Workspaces.unique("wamid.w"), "tunggu " + i, ago(50 - i * 10), true);
        }
        String answered = Workspaces.newPhone();
        say(answered, Workspaces.unique("wamid.a"), "halo", ago(60), true);
        say(answered, Workspaces.unique("wamid.b"), "halo juga", ago(59), false);

        List<String> order = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = list("?awaitingReply=true&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(l -> order.add(l.get("phone").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertEquals(phones, order, "longest waiting first, the answered lead absent, across pages");

        JsonNode row = list("?awaitingReply=true&limit=1").get("items").get(0);
        assertEquals("tunggu 0", row.get("lastMessage").get("text").asText());
        assertFalse(row.get("awaitingReplySince").isNull());
        assertEquals(400, app.get("/api/leads?awaitingReply=maybe", tenant.token).statusCode());

        // false: only the others, by activity
        List<String> others = new ArrayList<>();
        list("?awaitingReply=false&limit=200").get("items").forEach(l -> others.add(l.get("phone").asText()));
        assertTrue(others.contains(answered), others.toString());
        assertTrue(others.stream().noneMatch(phones::contains), others.toString());
    }

    @Test
    void theListAnswers304WhileNothingChanged() throws Exception {
        String phone = Workspaces.newPhone();
        say(phone, Workspaces.unique("wamid.e1"), "halo", ago(1), true);
        HttpResponse<String> first = app.get("/api/leads", tenant.token);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> same = app.call("GET", "/api/leads", null, tenant.token, "If-None-Match", etag);
        if (same.statusCode() == 200) {
            // the minute turned between the two calls: the next pair is within one
            etag = same.headers().firstValue("ETag").orElseThrow();
            same = app.call("GET", "/api/leads", null, tenant.token, "If-None-Match", etag);
        }
        assertEquals(304, same.statusCode(), same.body());
        assertEquals("", same.body());

        say(phone, Workspaces.unique("wamid.e2"), "ada yang baru", ago(0), true);
        HttpResponse<String> changed = app.call("GET", "/api/leads", null, tenant.token, "If-None-Match", etag);
        assertEquals(200, changed.statusCode());
        assertTrue(changed.body().contains("ada yang baru"), changed.body());
    }

    @Test
    void theOverviewCountsAndChartsTheTimeToFirstResponse() throws Exception {
        String waiting = Workspaces.newPhone();
        say(waiting, Workspaces.unique("wamid.o1"), "halo", ago(90), true);
        String fast = Workspaces.newPhone();
        say(fast, Workspaces.unique("wamid.o2"), "halo", ago(30), true);
        say(fast, Workspaces.unique("wamid.o3"), "ya", ago(20), false);

        HttpResponse<String> r = app.get("/api/overview", tenant.token);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode overview = JSON.readTree(r.body());
        assertEquals(2, overview.get("statusCounts").get("new").asLong(), overview.toString());
        assertEquals(1, overview.get("waiting").asLong());
        assertEquals(1, overview.get("overdue").asLong());
        assertEquals(2, overview.get("newToday").asLong());
        assertEquals(60, overview.get("replyTargetMinutes").asInt());
        JsonNode days = overview.get("responseTimes");
        assertEquals(14, days.size());
        JsonNode today = days.get(13);
        long answeredToday = 0;
        for (JsonNode d : days) {
            answeredToday += d.get("answered").asLong();
        }
        assertEquals(1, answeredToday, days.toString());
        JsonNode answeredDay = today.get("answered").asLong() == 1 ? today : days.get(12);   // the wait began before local midnight
        assertEquals(600, answeredDay.get("medianSeconds").asDouble(), 1);
        assertTrue(days.get(0).get("medianSeconds").isNull());
    }
}
