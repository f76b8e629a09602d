package dev.leadline.reliability;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daily summaries' faults found by attacking the service (RELIABILITY.md, "Hostile pass"; each section
 * below is headed by its row there): a note that misses messages of its day is rewritten in place, manual
 * run dates are bounded, and the timeline keeps a rewritten note's place and filters summaries by their
 * day. Offline summariser, a workspace of each test's own.
 */
class SummaryHardeningTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    static final LocalDate DAY = LocalDate.now(JAKARTA).minusDays(2);

    LeadlineApp app;
    Webhooks webhooks;
    SummaryRuns runs;
    String token;
    String phoneNumberId;

    @BeforeEach
    void workspace() throws Exception {
        app = LeadlineApp.shared();
        phoneNumberId = Workspaces.unique("pnid-sh-");
        token = Workspaces.unique("token-sh-");
        String secret = Workspaces.unique("secret-");
        Workspaces.create(app, phoneNumberId, secret, token);
        webhooks = new Webhooks(app, secret);
        runs = new SummaryRuns(app, token);
    }

    void say(String phone, long epochSecond, String text) throws Exception {
        ObjectNode event = Webhooks.received(phoneNumberId, Workspaces.unique("wamid.sh"), phone, text, epochSecond);
        HttpResponse<String> response = webhooks.kapso(Webhooks.RECEIVED, event.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
    }

    void say(String phone, LocalDate day, String localTime, String text) throws Exception {
        say(phone, day.atTime(LocalTime.parse(localTime)).atZone(JAKARTA).toEpochSecond(), text);
    }

    long leadId(String phone) throws Exception {
        return app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
    }

    String noteField(long lead, LocalDate day, String expression) throws Exception {
        return app.queryString("SELECT CAST((" + expression + ") AS text) FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", lead, day);
    }

    JsonNode timeline(long lead, String query) throws Exception {
        HttpResponse<String> response = app.get("/api/leads/" + lead + "/timeline" + query, token);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    // --- Medium 4: a lead-day's note can miss that day's later messages ---------------------------------

    @Test
    void aLaterAndALateArrivingMessageGetTheNoteRewrittenInPlaceOncePerRun() throws Exception {
        String phone = Workspaces.newPhone();
        say(phone, DAY, "09:00", "Halo, ada paket bulanan?");
        say(phone, DAY.minusDays(1), "10:00", "Kemarin saya tanya harga");
        long lead = leadId(phone);
        JsonNode first = runs.runDay(DAY.toString());
        runs.runDay(DAY.minusDays(1).toString());
        String noteId = noteField(lead, DAY, "id");
        String addedAt = noteField(lead, DAY, "added_at");
        String otherDay = noteField(lead, DAY.minusDays(1), "updated_at");
        assertEquals(1, first.get("notesWritten").asInt());
        assertEquals("1|false", noteField(lead, DAY, "covered_messages || '|' || partial"));

        // Two later messages of the day, then one run: the note is rewritten once, covering both.
        say(phone, DAY, "18:00", "Jadi ambil paket tahunan, bisa kirim invoice?");
        say(phone, DAY, "19:00", "Terima kasih");
        JsonNode second = runs.runDay(DAY.toString());

        assertEquals(1, second.get("leadsConsidered").asInt());
        assertEquals(1, second.get("notesWritten").asInt());
        assertEquals(1, second.get("notesRewritten").asInt());
        assertEquals(noteId, noteField(lead, DAY, "id"), "rewritten in place, the same row");
        assertEquals(addedAt, noteField(lead, DAY, "added_at"), "addedAt stays: the timeline cursor key does not move");
        assertEquals("true", noteField(lead, DAY, "updated_at > added_at"));
        assertEquals("3", noteField(lead, DAY, "covered_messages"));
        assertTrue(noteField(lead, DAY, "content").contains("mengirim 3 pesan"), noteField(lead, DAY, "content"));
        assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", lead, DAY));

        // Nothing new: a run rewrites nothing and does not even consider the lead-day.
        String updatedAt = noteField(lead, DAY, "updated_at");
        JsonNode idle = runs.runDay(DAY.toString());
        assertEquals(0, idle.get("leadsConsidered").asInt());
        assertEquals(0, idle.get("notesWritten").asInt());
        assertEquals(updatedAt, noteField(lead, DAY, "updated_at"));

        // A late-arriving message of that past day (a retry, a replay), older than everything the note
        // covered: its sent_at is 06:00, but it was stored after the note. The next run covers it.
        say(phone, DAY, "06:00", "Pagi, ini pesan yang tertunda: berapa ongkir?");
        JsonNode late = runs.runDay(DAY.toString());
        assertEquals(1, late.get("notesRewritten").asInt());
        assertEquals(noteId, noteField(lead, DAY, "id"));
        assertEquals("4", noteField(lead, DAY, "covered_messages"));
        assertTrue(noteField(lead, DAY, "content").contains("mengirim 4 pesan"), noteField(lead, DAY, "content"));
        assertEquals(otherDay, noteField(lead, DAY.minusDays(1), "updated_at"), "the lead's other day is untouched");

        // The timeline shows the note once, at its first place, with updatedAt.
        JsonNode item = timeline(lead, "?kind=daily_summary&from=" + DAY + "&to=" + DAY).get("items").get(0);
        assertEquals(Long.parseLong(noteId), item.get("id").asLong());
        assertNotEquals(item.get("addedAt").asText(), item.get("updatedAt").asText());
        assertFalse(item.get("partial").asBoolean());
    }

    @Test
    void aManualRunOfTodayIsPartialAndARunAfterTheDayRewritesIt() throws Exception {
        String phone = Workspaces.newPhone();
        say(phone, Instant.now().getEpochSecond() - 1, "Halo, hari ini masih buka?");
        long lead = leadId(phone);
        LocalDate today = LocalDate.now(JAKARTA);

        JsonNode run = runs.runLead(today.toString(), lead);

        assertEquals(1, run.get("notesWritten").asInt());
        assertEquals("true", noteField(lead, today, "partial"));
        JsonNode item = timeline(lead, "?kind=daily_summary").get("items").get(0);
        assertTrue(item.get("partial").asBoolean(), item.toString());
        // The same day again with nothing new: the day is not over, so there is nothing to rewrite.
        assertEquals(0, runs.runLead(today.toString(), lead).get("notesWritten").asInt());
        // A later message today: rewritten, still partial.
        say(phone, Instant.now().getEpochSecond(), "Saya mampir jam 5");
        JsonNode later = runs.runLead(today.toString(), lead);
        assertEquals(1, later.get("notesRewritten").asInt());
        assertEquals("2|true", noteField(lead, today, "covered_messages || '|' || partial"));
    }

    @Test
    void aPartialNoteOfACompleteDayIsRewrittenAndNoLongerPartial() throws Exception {
        // A note written while its day was still going on (as a manual run of "today" does), seen after
        // the day ended: the next run rewrites it, with no new message, and clears partial.
        String phone = Workspaces.newPhone();
        say(phone, DAY, "09:00", "Halo");
        long lead = leadId(phone);
        runs.runDay(DAY.toString());
        String noteId = noteField(lead, DAY, "id");
        app.queryString("UPDATE note SET partial = true WHERE id = ? RETURNING id", Long.parseLong(noteId));

        JsonNode run = runs.runDay(DAY.toString());

        assertEquals(1, run.get("notesRewritten").asInt());
        assertEquals(noteId, noteField(lead, DAY, "id"));
        assertEquals("false", noteField(lead, DAY, "partial"));
        assertEquals(0, runs.runDay(DAY.toString()).get("leadsConsidered").asInt());
    }

    // --- Low 9: manual run dates ------------------------------------------------------------------------

    @Test
    void manualRunDatesAreBoundedTo2000ThroughToday() throws Exception {
        for (String date : List.of("-4713-01-01", "0000-01-01", "1999-12-31", "+999999999-12-31",
                "+300000-01-01", LocalDate.now(JAKARTA).plusDays(1).toString())) {
            HttpResponse<String> response = runs.post("date=" + date);
            assertEquals(400, response.statusCode(), date + ": " + response.body());
            assertEquals("bad_request", JSON.readTree(response.body()).get("error").asText(), date);
        }
        assertEquals(0, app.queryLong("SELECT count(*) FROM summary_run r JOIN workspace w ON w.id = r.workspace_id "
                + "WHERE w.phone_number_id = ?", phoneNumberId), "no run was opened");
        JsonNode earliest = runs.runDay("2000-01-01");
        assertEquals("2000-01-01", earliest.get("firstDay").asText());
        assertEquals("completed", earliest.get("status").asText());
    }

    // --- Low 11: timeline edge cases --------------------------------------------------------------------

    @Test
    void aRewriteDuringACursorWalkNeitherSkipsNorRepeatsANote() throws Exception {
        String phone = Workspaces.newPhone();
        List<LocalDate> days = List.of(DAY.minusDays(3), DAY.minusDays(2), DAY.minusDays(1), DAY);
        for (LocalDate day : days) {
            say(phone, day, "10:00", "Pesan hari " + day);
        }
        long lead = leadId(phone);
        for (LocalDate day : days) {
            runs.runDay(day.toString());
        }

        // The walk reads the newest note, then the oldest is forced again, then the walk goes on.
        JsonNode page = timeline(lead, "?kind=daily_summary&limit=1");
        List<String> seen = new ArrayList<>();
        page.get("items").forEach(n -> seen.add(n.get("day").asText()));
        runs.runDay(days.get(0).toString(), "force=true");
        say(phone, days.get(1), "11:00", "Pesan susulan");
        runs.runDay(days.get(1).toString());
        while (!page.get("nextCursor").isNull()) {
            page = timeline(lead, "?kind=daily_summary&limit=1&cursor=" + page.get("nextCursor").asText());
            page.get("items").forEach(n -> seen.add(n.get("day").asText()));
        }

        assertEquals(List.of(DAY.toString(), DAY.minusDays(1).toString(), DAY.minusDays(2).toString(), DAY.minusDays(3).toString()), seen);
    }

    @Test
    void fromAndToSelectADailySummaryByItsDay() throws Exception {
        // The note for DAY is written today, days after DAY: filtering by addedAt would miss it.
        String phone = Workspaces.newPhone();
        say(phone, DAY, "10:00", "Halo, ada promo?");
        say(phone, DAY.minusDays(1), "10:00", "Halo lagi");
        long lead = leadId(phone);
        runs.runDay(DAY.toString());
        runs.runDay(DAY.minusDays(1).toString());
        app.call("POST", "/api/leads/" + lead + "/notes", "{\"content\": \"telepon besok\", \"author\": \"sales@example.com\"}", token);

        JsonNode onDay = timeline(lead, "?from=" + DAY + "&to=" + DAY);
        JsonNode today = timeline(lead, "?from=" + LocalDate.now(JAKARTA) + "&to=" + LocalDate.now(JAKARTA));

        assertEquals(1, onDay.get("items").size(), onDay.toString());
        assertEquals(DAY.toString(), onDay.get("items").get(0).get("day").asText());
        assertEquals(1, today.get("items").size(), "only the manual note was added today: " + today);
        assertEquals("manual", today.get("items").get(0).get("kind").asText());
    }

    @Test
    void theRunAndTimelineQueriesHaveIndexesThatMatch() throws Exception {
        // With sequential scans priced out, a plan that still scans note or message has no index to use.
        String timeline = sql("/sql/api/list-lead-timeline.sql");
        String leadDays = sql("/sql/summaries/active-lead-days.sql");
        List<String> plans = List.of(
                explain(timeline.replace(":#leadId", "1").replace(":#workspaceId", "1").replace(":#kind", "NULL")
                        .replace(":#fromAt", "NULL").replace(":#toAt", "NULL").replace(":#fromDay", "NULL")
                        .replace(":#toDay", "NULL").replace(":#cursorAt", "NULL").replace(":#cursorId", "NULL")
                        .replace(":#fetch", "51")),
                explain(timeline.replace(":#leadId", "1").replace(":#workspaceId", "1").replace(":#kind", "NULL")
                        .replace(":#fromAt", "'2025-11-20T17:00:00Z'").replace(":#toAt", "'2025-11-21T17:00:00Z'")
                        .replace(":#fromDay", "'2025-11-21'").replace(":#toDay", "'2025-11-21'")
                        .replace(":#cursorAt", "'2025-12-01T00:00:00Z'").replace(":#cursorId", "99").replace(":#fetch", "51")),
                explain(leadDays.replace(":?timeZone", "'Asia/Jakarta'").replace(":?workspaceId", "1")
                        .replace(":?windowStart", "'2025-11-20T17:00:00Z'").replace(":?windowEnd", "'2025-11-23T17:00:00Z'")
                        .replace(":?leadId", "0").replace(":?force", "false")));
        for (String plan : plans) {
            assertFalse(plan.contains("Seq Scan on note") || plan.contains("Seq Scan on message"), plan);
        }
        // Both branches of the timeline (other kinds by addedAt, summaries by day) read an index of the lead.
        assertTrue(plans.get(1).split("Index Scan using note_").length - 1 >= 2, plans.get(1));
        assertTrue(plans.get(2).contains("Index Only Scan using message_day_coverage"), plans.get(2));
    }

    static String sql(String resource) throws Exception {
        try (var in = SummaryHardeningTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String explain(String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (Connection c = app.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("SET LOCAL enable_seqscan = off");
                try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        return plan.toString();
    }
}
