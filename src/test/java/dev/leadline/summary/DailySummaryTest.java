package dev.leadline.summary;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Daily summaries with the offline summariser (no LLM key), against a workspace of each test's own. */
class DailySummaryTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    static final LocalDate DAY = LocalDate.now(JAKARTA).minusDays(2);

    LeadlineApp app;
    Webhooks webhooks;
    SummaryRuns runs;
    String phoneNumberId;
    String token;

    @BeforeEach
    void workspace() throws Exception {
        app = LeadlineApp.shared();
        phoneNumberId = Workspaces.unique("pnid-sum-");
        token = Workspaces.unique("token-sum-");
        String secret = Workspaces.unique("secret-");
        Workspaces.create(app, phoneNumberId, secret, token);
        webhooks = new Webhooks(app, secret);
        runs = new SummaryRuns(app, token);
    }

    long epoch(LocalDate day, String localTime) {
        return day.atTime(LocalTime.parse(localTime)).atZone(JAKARTA).toEpochSecond();
    }

    void say(String phone, LocalDate day, String localTime, String text, boolean inbound) throws Exception {
        ObjectNode event = Webhooks.received(phoneNumberId, Workspaces.unique("wamid.sum"), phone, text, epoch(day, localTime));
        ((ObjectNode) event.get("conversation").get("kapso")).put("contact_name", "Budi");
        HttpResponse<String> response = webhooks.kapso(inbound ? Webhooks.RECEIVED : "whatsapp.message.sent",
                (inbound ? event : Webhooks.ours(event, "sent")).toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
    }

    long leadId(String phone) throws Exception {
        return app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
    }

    long notes(long leadId) throws Exception {
        return app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'daily_summary'", leadId);
    }

    String note(long leadId, LocalDate day) throws Exception {
        return app.queryString("SELECT content FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", leadId, day);
    }

    @Test
    void aDayIsTheWorkspacesLocalCalendarDayNotTheUtcDate() throws Exception {
        String phone = Workspaces.newPhone();
        // 23:30 and 00:30 WIB: the same UTC date (16:30 and 17:30 UTC), two different local days.
        say(phone, DAY, "23:30", "Halo, berapa harga paket bulanan?", true);
        say(phone, DAY.plusDays(1), "00:30", "Ada diskon untuk UMKM?", true);
        long lead = leadId(phone);

        JsonNode first = runs.runDay(DAY.toString());
        JsonNode second = runs.runDay(DAY.plusDays(1).toString());

        assertEquals("completed", first.get("status").asText());
        assertEquals(1, first.get("notesWritten").asInt());
        assertEquals(1, second.get("notesWritten").asInt());
        assertEquals(2, notes(lead));
        assertTrue(note(lead, DAY).contains("mengirim 1 pesan"), note(lead, DAY));
        assertTrue(note(lead, DAY).contains("berapa harga paket bulanan?"), note(lead, DAY));
        assertTrue(note(lead, DAY.plusDays(1)).contains("Ada diskon untuk UMKM?"), note(lead, DAY.plusDays(1)));
    }

    @Test
    void theOfflineSummariserWritesAUsefulNoteWithNoNetwork() throws Exception {
        String phone = Workspaces.newPhone();
        say(phone, DAY, "09:00", "Halo kak, saya mau tanya paket social media", true);
        say(phone, DAY, "09:05", "Paket bulanan mulai Rp 1.500.000", false);
        say(phone, DAY, "09:10", "Paket bulanan itu termasuk desain konten?", true);
        say(phone, DAY, "09:12", "Bisa bayar cicilan?", true);
        long lead = leadId(phone);

        runs.runDay(DAY.toString());

        String content = note(lead, DAY);
        assertEquals("Budi mengirim 3 pesan, dibalas 1 kali. Topik: paket, tanya, social, media, bulanan. "
                + "Pertanyaan terakhir: \"Bisa bayar cicilan?\"", content);
        assertEquals("offline|system-daily-summary", app.queryString(
                "SELECT generator || '|' || added_by FROM note WHERE lead_id = ? AND day = ?", lead, DAY));
        // Through the API: the same shape as an LLM's note, filled as far as the offline summariser can.
        JsonNode note = JSON.readTree(app.get("/api/leads/" + lead + "/timeline?kind=daily_summary", token).body()).at("/items/0");
        assertEquals(JSON.readTree("{\"summary\": " + JSON.writeValueAsString(content) + ", \"topics\": [\"paket\", \"tanya\", "
                + "\"social\", \"media\", \"bulanan\"], \"openQuestions\": [\"Bisa bayar cicilan?\"], \"nextStep\": null, "
                + "\"sentiment\": null, \"intent\": null}"), note.get("structured"));
        assertEquals("no_api_key", note.get("offlineReason").asText());
        assertEquals(0, note.get("costUsd").decimalValue().signum());
        assertTrue(note.get("unstructuredReason").isNull());
    }

    @Test
    void aSecondRunAndAForcedRunLeaveExactlyOneNote() throws Exception {
        String phone = Workspaces.newPhone();
        say(phone, DAY, "10:00", "Halo", true);
        long lead = leadId(phone);

        JsonNode first = runs.runDay(DAY.toString());
        JsonNode again = runs.runDay(DAY.toString());
        long noteId = app.queryLong("SELECT id FROM note WHERE lead_id = ? AND day = ?", lead, DAY);
        say(phone, DAY, "11:00", "Saya jadi pesan paket tahunan", true);
        JsonNode forced = runs.runDay(DAY.toString(), "force=true");

        assertEquals(1, first.get("notesWritten").asInt());
        assertEquals(0, again.get("leadsConsidered").asInt(), "a day with its note is not considered again");
        assertEquals(1, forced.get("notesWritten").asInt());
        assertEquals(1, notes(lead));
        assertEquals(noteId, app.queryLong("SELECT id FROM note WHERE lead_id = ? AND day = ?", lead, DAY));
        assertTrue(note(lead, DAY).contains("mengirim 2 pesan"), "the forced run replaced the note: " + note(lead, DAY));
    }

    @Test
    void twoRunsAtOnceWriteOneNotePerLeadDay() throws Exception {
        List<Long> leads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String phone = Workspaces.newPhone();
            say(phone, DAY, "14:00", "Pesan " + i, true);
            leads.add(leadId(phone));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Concurrent runs multiplied the LLM spend, so a second run of the same days while the first runs is refused with
            // 409 and the first run's id; one that starts after the first finished runs and writes nothing.
            Callable<JsonNode> run = () -> {
                HttpResponse<String> started = runs.post("date=" + DAY);
                if (started.statusCode() == 409) {
                    return runs.awaitRun(JSON.readTree(started.body()).get("runId").asLong());
                }
                assertEquals(202, started.statusCode(), started.body());
                return runs.awaitRun(JSON.readTree(started.body()).get("id").asLong());
            };
            List<Future<JsonNode>> both = pool.invokeAll(List.of(run, run));
            JsonNode a = both.get(0).get();
            JsonNode b = both.get(1).get();
            int written = a.get("notesWritten").asInt() + (a.get("id").equals(b.get("id")) ? 0 : b.get("notesWritten").asInt());
            assertTrue(written >= 20, "every lead-day got its note from one of the runs: " + written);
        } finally {
            pool.shutdown();
        }
        for (long lead : leads) {
            assertEquals(1, notes(lead));
        }
    }

    @Test
    void aManualRunForOneLeadIsSynchronousAndScopedToTheCallersWorkspace() throws Exception {
        String phone = Workspaces.newPhone();
        say(phone, DAY, "08:00", "Pagi, masih buka?", true);
        long lead = leadId(phone);

        JsonNode run = runs.runLead(DAY.toString(), lead);
        HttpResponse<String> foreign = new SummaryRuns(app, Workspaces.DEMO_TOKEN).post("date=" + DAY + "&leadId=" + lead);
        HttpResponse<String> badDate = runs.post("date=24-11-2026");
        HttpResponse<String> future = runs.post("date=" + LocalDate.now(JAKARTA).plusDays(2));
        HttpResponse<String> noToken = app.post("/api/summaries/run", null, new byte[0]);

        assertEquals("completed", run.get("status").asText());
        assertEquals(1, run.get("notesWritten").asInt());
        assertEquals(lead, run.get("leadId").asLong());
        assertEquals(1, notes(lead));
        assertEquals(404, foreign.statusCode());
        assertEquals(400, badDate.statusCode());
        assertEquals(400, future.statusCode());
        assertEquals(401, noToken.statusCode());
        assertEquals("bad_request", JSON.readTree(badDate.body()).get("error").asText());
    }

    @Test
    void aRunLeftRunningByADeadProcessIsClosedByTheNextRun() throws Exception {
        long workspace = app.queryLong("SELECT id FROM workspace WHERE phone_number_id = ?", phoneNumberId);
        // Two different day ranges: one run per workspace and range can be running. With the 30 s heartbeat, a run
        // is dead once it missed three reports (90 s), alive while it missed two.
        long dead = app.queryLong("INSERT INTO summary_run (workspace_id, trigger, first_day, last_day, started_at, heartbeat_at) "
                + "VALUES (?, 'schedule', current_date - 10, current_date - 10, now() - interval '3 hours', now() - interval '100 seconds') "
                + "RETURNING id", workspace);
        long recent = app.queryLong("INSERT INTO summary_run (workspace_id, trigger, first_day, last_day, started_at, heartbeat_at) "
                + "VALUES (?, 'schedule', current_date - 11, current_date - 11, now() - interval '3 hours', now() - interval '60 seconds') "
                + "RETURNING id", workspace);

        runs.runDay(DAY.toString());

        assertEquals("interrupted", app.queryString("SELECT status FROM summary_run WHERE id = ?", dead));
        assertEquals("running", app.queryString("SELECT status FROM summary_run WHERE id = ?", recent), "may still be alive");
    }
}
