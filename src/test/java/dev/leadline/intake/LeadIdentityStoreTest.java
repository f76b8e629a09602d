package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.LocalDate;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lead store's identity rules (WHATSAPP_IDENTITIES.md §7) end to end: signed Kapso deliveries over
 * HTTP into real PostgreSQL. A lead is found by BSUID first, then by phone; a message carrying both links
 * them; phone and BSUID of two leads merge them into the older one, losing nothing. Each test has its own
 * workspace, so every count is exactly what the test sent.
 */
class LeadIdentityStoreTest {

    /** A summarised day in the past, in the test workspaces' zone (Asia/Jakarta). */
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);
    static final ZoneId ZONE = ZoneId.of("Asia/Jakarta");

    static LeadlineApp app;
    String phoneNumberId;
    String token;
    long workspaceId;
    Webhooks webhooks;

    @BeforeAll
    static void app() throws Exception {
        app = LeadlineApp.shared();
    }

    @BeforeEach
    void workspace() throws Exception {
        phoneNumberId = Workspaces.unique("pnid-identity-");
        token = Workspaces.unique("token-identity-");
        String secret = Workspaces.unique("secret-");
        workspaceId = Workspaces.create(app, phoneNumberId, secret, token);
        webhooks = new Webhooks(app, secret);
    }

    /** A Kapso v2 received message with the given identities; a null phone or BSUID is sent as null. */
    ObjectNode message(String phone, String bsuid, String username, String text, long epochSeconds) {
        return Webhooks.receivedFrom(phoneNumberId, Workspaces.unique("wamid.identity"), phone, bsuid, null, username,
                text, epochSeconds);
    }

    JsonNode send(ObjectNode body) throws Exception {
        HttpResponse<String> response = webhooks.kapso(body);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** Every delivery on its own connection at once; each must store its one message. */
    void sendAllAtOnce(List<ObjectNode> bodies) throws Exception {
        List<Callable<JsonNode>> sends = new ArrayList<>();
        bodies.forEach(body -> sends.add(() -> send(body)));
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
        try {
            for (Future<JsonNode> done : pool.invokeAll(sends)) {
                assertEquals(1, done.get().get("stored").asInt());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    long leads() throws Exception {
        return app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", workspaceId);
    }

    long leadId() throws Exception {
        assertEquals(1, leads(), "exactly one lead in the workspace");
        return app.queryLong("SELECT id FROM lead WHERE workspace_id = ?", workspaceId);
    }

    static long at(int hour) {
        return DAY.atTime(hour, 0).atZone(ZONE).toEpochSecond();
    }

    @Test
    void bsuidOnlyCustomerBecomesALeadWithConversationSummaryAndTimeline() throws Exception {
        String bsuid = "ID." + Workspaces.unique("1748302956");
        assertEquals(1, send(message(null, bsuid, "@dewi.lestari", "Halo kak, paket foto prewedding?", at(9))).get("stored").asInt());
        assertEquals(1, send(message(null, bsuid, "@dewi.lestari", "Bisa kirim contoh outdoor?", at(10))).get("stored").asInt());
        long lead = leadId();

        JsonNode got = JSON.readTree(app.get("/api/leads/" + lead, token).body());
        assertTrue(got.get("phone").isNull(), got.toString());
        assertEquals(2, got.get("messagesIn").asInt());
        assertEquals(bsuid, app.queryString("SELECT bsuid FROM lead WHERE id = ?", lead));
        assertEquals("@dewi.lestari", app.queryString("SELECT username FROM lead WHERE id = ?", lead));
        assertEquals("Dewi Lestari", app.queryString("SELECT name FROM lead WHERE id = ?", lead));
        assertEquals(1, app.queryLong("SELECT count(*) FROM conversation WHERE lead_id = ?", lead));

        JsonNode run = new SummaryRuns(app, token).runLead(DAY.toString(), lead);
        assertEquals(1, run.get("notesWritten").asInt(), run.toString());
        JsonNode timeline = JSON.readTree(app.get("/api/leads/" + lead + "/timeline", token).body());
        JsonNode note = timeline.get("items").get(0);
        assertEquals("daily_summary", note.get("kind").asText());
        assertEquals(DAY.toString(), note.get("day").asText());
        assertEquals("system-daily-summary", note.get("addedBy").asText());
    }

    @Test
    void bsuidIsMatchedExactlyNeverByCase() throws Exception {
        String bsuid = "ID." + Workspaces.unique("Ab");
        send(message(null, bsuid, null, "one", at(9)));
        send(message(null, bsuid.toUpperCase(), null, "two", at(10)));
        assertEquals(2, leads(), "BSUIDs differing only in case are two customers");
        assertEquals(1, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ? AND bsuid = ?", workspaceId, bsuid));
    }

    @Test
    void firstMessageWithBothLinksThemAndLaterMessagesWithEitherFindTheLead() throws Exception {
        String phone = Workspaces.newPhone();
        String bsuid = "ID." + Workspaces.unique("20938475");
        send(message(phone, null, null, "phone only", at(8)));
        long lead = leadId();
        send(message(phone, bsuid, "@rizky", "both", at(9)));
        assertEquals(lead, leadId());
        assertEquals(bsuid, app.queryString("SELECT bsuid FROM lead WHERE id = ?", lead));
        send(message(null, bsuid, null, "bsuid only", at(10)));
        assertEquals(lead, leadId());
        assertEquals(phone, app.queryString("SELECT phone FROM lead WHERE id = ?", lead));
        assertEquals(3, app.queryLong("SELECT count(*) FROM message WHERE lead_id = ?", lead));
        assertEquals(0, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'merge'", lead));
    }

    @Test
    void phoneOnlyThenBsuidOnlyThenBothEndsAsOneLeadWithEverythingMoved() throws Exception {
        String phone = Workspaces.newPhone();
        String bsuid = "ID." + Workspaces.unique("55667788");
        send(message(phone, null, null, "as phone", at(8)));
        long older = app.queryLong("SELECT id FROM lead WHERE workspace_id = ?", workspaceId);
        send(message(null, bsuid, "@same.person", "as username", at(9)));
        assertEquals(2, leads(), "nothing yet says these are one customer");
        long newer = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND bsuid = ?", workspaceId, bsuid);
        // History on both sides: a manual note on the newer lead, a summary of the same day on each.
        SummaryRuns runs = new SummaryRuns(app, token);
        runs.runLead(DAY.toString(), older);
        runs.runLead(DAY.toString(), newer);
        HttpResponse<String> manual = app.call("POST", "/api/leads/" + newer + "/notes", "{\"content\":\"asked for a quote\"}", token);
        assertEquals(201, manual.statusCode(), manual.body());
        long notesBefore = app.queryLong("SELECT count(*) FROM note WHERE workspace_id = ?", workspaceId);

        send(message(phone, bsuid, "@same.person", "as both", at(10)));

        assertEquals(older, leadId(), "merged into the older lead");
        assertEquals(phone, app.queryString("SELECT phone FROM lead WHERE id = ?", older));
        assertEquals(bsuid, app.queryString("SELECT bsuid FROM lead WHERE id = ?", older));
        assertEquals("@same.person", app.queryString("SELECT username FROM lead WHERE id = ?", older));
        assertEquals(3, app.queryLong("SELECT count(*) FROM message WHERE lead_id = ?", older));
        assertEquals(2, app.queryLong("SELECT count(*) FROM conversation WHERE lead_id = ?", older));
        // Every note kept (the newer lead's summary of the same day as a merge note), plus the merge itself.
        assertEquals(notesBefore + 1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ?", older));
        assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'daily_summary'", older));
        assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'manual'", older));
        assertEquals(2, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'merge'", older));
        String mergeNote = app.queryString("SELECT content FROM note WHERE lead_id = ? AND kind = 'merge' "
                + "AND added_by = 'system-identity'", older);
        assertTrue(mergeNote.contains("#" + newer), mergeNote);
        assertEquals(older, app.queryLong("SELECT into_lead_id FROM lead_merge WHERE absorbed_lead_id = ?", newer));

        // The merged day's summary now misses the moved message: the next run rewrites it, in place.
        JsonNode rerun = runs.runLead(DAY.toString(), older);
        assertEquals(1, rerun.get("notesRewritten").asInt(), rerun.toString());
        assertEquals(3, app.queryLong("SELECT covered_messages FROM note WHERE lead_id = ? AND kind = 'daily_summary'", older));
    }

    @Test
    void fiftyParallelFirstMessagesFromOneBsuidGiveOneLead() throws Exception {
        String bsuid = "ID." + Workspaces.unique("90000");
        List<ObjectNode> bodies = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            bodies.add(message(null, bsuid, "@racer", "message " + i, at(9) + i));
        }
        sendAllAtOnce(bodies);
        long lead = leadId();
        assertEquals(50, app.queryLong("SELECT count(*) FROM message WHERE lead_id = ?", lead));
    }

    @Test
    void parallelMessagesJoiningTwoLeadsMergeThemOnce() throws Exception {
        String phone = Workspaces.newPhone();
        String bsuid = "ID." + Workspaces.unique("31415");
        send(message(phone, null, null, "phone lead", at(8)));
        send(message(null, bsuid, null, "bsuid lead", at(9)));
        List<ObjectNode> bodies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            bodies.add(message(phone, bsuid, null, "both " + i, at(10) + i));
        }
        sendAllAtOnce(bodies);
        long lead = leadId();
        assertEquals(22, app.queryLong("SELECT count(*) FROM message WHERE lead_id = ?", lead));
        assertEquals(1, app.queryLong("SELECT count(*) FROM lead_merge WHERE into_lead_id = ?", lead));
        assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'merge'", lead));
    }

    @Test
    void aKnownPhoneWithANewBsuidKeepsTheLeadsBsuidAndAliasesTheNewOne() throws Exception {
        String phone = Workspaces.newPhone();
        String first = "ID." + Workspaces.unique("1000");
        String second = "ID." + Workspaces.unique("2000");
        send(message(phone, first, null, "portfolio one", at(8)));
        send(message(phone, second, null, "portfolio two", at(9)));
        long lead = leadId();
        assertEquals(first, app.queryString("SELECT bsuid FROM lead WHERE id = ?", lead));
        assertEquals(lead, app.queryLong("SELECT lead_id FROM lead_alias WHERE workspace_id = ? AND kind = 'bsuid' AND value = ?",
                workspaceId, second));
        send(message(null, second, null, "the alias finds it", at(10)));
        assertEquals(lead, leadId());
    }

    @Test
    void theSameBsuidInTwoWorkspacesIsTwoLeadsAndNeverMerges() throws Exception {
        String bsuid = "ID." + Workspaces.unique("424242");
        String phone = Workspaces.newPhone();
        send(message(phone, bsuid, null, "here", at(8)));
        long here = leadId();
        long otherWorkspace = workspaceId;
        workspace();
        send(message(null, bsuid, null, "there", at(9)));
        long there = leadId();
        assertNotEquals(here, there);
        assertEquals(1, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", otherWorkspace));
        assertNull(app.queryString("SELECT phone FROM lead WHERE id = ?", there));
        assertEquals(phone, app.queryString("SELECT phone FROM lead WHERE id = ?", here));
    }
}
