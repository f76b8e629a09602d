package dev.leadline.admin;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /api/admin/dead-letters/replay: every not-yet-replayed dead letter of one reason, each through the
 * single replay's route and on its own, in the background: 202 with the run, whose record (GET its Location)
 * says what became of them. A bulk replay matches letters of every workspace, so each test uses a reason no
 * other test of this class (its own service) uses.
 *
 * <p>The letters are inserted the way the intake kept them before it knew BSUIDs: IntakeTriage gave every message
 * without a phone (or with a phone it could not use) such a reason even when it carried a BSUID, and kept
 * the event's JSON whole with the workspace whose secret verified the delivery. Today the same deliveries
 * become leads at once, so only SQL can still make such letters; they are what a deployment upgraded to
 * this version has in its dead_letter table.
 */
class BulkReplayTest {

    static final String ADMIN = LeadlineApp.ADMIN_TOKEN;
    /** Today's reason for a message with neither phone nor BSUID (IntakeTriage.NO_IDENTITY). */
    static final String NO_IDENTITY = "no customer phone number or BSUID";
    static LeadlineApp app;

    record Workspace(long id, String phoneNumberId, String token) {
    }

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.startWithAdmin();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Workspace workspace() throws Exception {
        String phoneNumberId = Workspaces.unique("pnid-bulk-");
        String token = Workspaces.unique("token-bulk-");
        return new Workspace(Workspaces.create(app, phoneNumberId, Workspaces.unique("secret-"), token), phoneNumberId, token);
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    /** A letter as the old intake kept it, verified by the given workspace's secret. */
    static long keep(String source, String event, String reason, String payload, String dedupKey, String eventPhoneNumberId,
                     Workspace verifiedBy) throws Exception {
        return app.queryLong("INSERT INTO dead_letter (source, event, reason, phone_number_id, dedup_key, payload, verified_by, "
                + "verified_workspace_id, verified_phone_number_id) VALUES (?, ?, ?, ?, ?, ?, 'workspace', ?, ?) RETURNING id",
                source, event, reason, eventPhoneNumberId, dedupKey, payload, verifiedBy.id(), verifiedBy.phoneNumberId());
    }

    /** A Kapso received message kept for reason, naming the given business number, verified by its workspace. */
    static long keepKapso(String reason, Workspace verifiedBy, String eventPhoneNumberId, String phone, String bsuid,
                          String username) throws Exception {
        String wamid = Workspaces.unique("wamid.bulk");
        ObjectNode event = Webhooks.receivedFrom(eventPhoneNumberId, wamid, phone, bsuid, null, username, "Kak, masih ada slot?", now());
        return keep("kapso", Webhooks.RECEIVED, reason, event.toString(), "kapso:" + wamid, eventPhoneNumberId, verifiedBy);
    }

    /** Meta's BSUID-only sample, as its single-message delivery, kept for reason. */
    static long keepMeta(String reason, Workspace verifiedBy, String bsuid) throws Exception {
        String wamid = Workspaces.unique("wamid.bulk.meta");
        ObjectNode delivery = Webhooks.sampleJson("meta-message-bsuid-only.json");
        ObjectNode value = (ObjectNode) delivery.at("/entry/0/changes/0/value");
        ((ObjectNode) value.get("metadata")).put("phone_number_id", verifiedBy.phoneNumberId());
        ((ObjectNode) value.at("/contacts/0")).put("user_id", bsuid);
        ObjectNode message = (ObjectNode) value.at("/messages/0");
        message.put("id", wamid);
        message.put("from_user_id", bsuid);
        message.put("timestamp", String.valueOf(now()));
        return keep("meta", "meta.messages", reason, delivery.toString(), "meta:" + wamid, verifiedBy.phoneNumberId(), verifiedBy);
    }

    static HttpResponse<String> bulk(String body) throws Exception {
        return app.call("POST", "/api/admin/dead-letters/replay", body, ADMIN);
    }

    /** The run a bulk replay started (202, Location), followed to its end: its record, completed. */
    static JsonNode bulkRun(String body) throws Exception {
        HttpResponse<String> started = bulk(body);
        assertEquals(202, started.statusCode(), started.body());
        JsonNode run = JSON.readTree(started.body());
        String location = started.headers().firstValue("Location").orElseThrow();
        assertEquals("/api/admin/dead-letters/replay-runs/" + run.get("id").asLong(), location);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (run.get("status").asText().equals("running")) {
            assertTrue(System.nanoTime() < deadline, "the run ends: " + run);
            Thread.sleep(50);
            HttpResponse<String> polled = app.call("GET", location, null, ADMIN);
            assertEquals(200, polled.statusCode(), polled.body());
            run = JSON.readTree(polled.body());
        }
        assertEquals("completed", run.get("status").asText(), run.toString());
        assertNotNull(run.get("finishedAt").textValue(), run.toString());
        return run;
    }

    static JsonNode bulkOk(String reason) throws Exception {
        JsonNode counts = bulkRun(JSON.createObjectNode().put("reason", reason).toString());
        assertEquals(reason, counts.get("reason").asText());
        assertEquals(counts.get("matched").asInt(), counts.get("replayed").asInt() + counts.get("stillDeadLettered").asInt()
                + counts.get("refused").asInt() + counts.get("failed").asInt(), "every matched letter is counted once: " + counts);
        return counts;
    }

    static String replayedAt(long deadLetterId) throws Exception {
        return app.queryString("SELECT replayed_at FROM dead_letter WHERE id = ?", deadLetterId);
    }

    static String reason(long deadLetterId) throws Exception {
        return app.queryString("SELECT reason FROM dead_letter WHERE id = ?", deadLetterId);
    }

    @Test
    void lettersKeptForNoPhoneThatCarryABsuidBecomeLeadsAndASecondRunMatchesNothing() throws Exception {
        String reason = "no customer phone number";
        Workspace w = workspace();
        String x = "ID." + Workspaces.unique("7001");
        String y = "ID." + Workspaces.unique("7002");
        String z = "ID." + Workspaces.unique("7003");
        long x1 = keepKapso(reason, w, w.phoneNumberId(), null, x, "@rina.kusuma");
        long x2 = keepKapso(reason, w, w.phoneNumberId(), null, x, "@rina.kusuma");
        long y1 = keepMeta(reason, w, y);
        long neither = keepKapso(reason, w, w.phoneNumberId(), null, null, null);
        long done = keepKapso(reason, w, w.phoneNumberId(), null, z, null);
        app.queryLong("UPDATE dead_letter SET replayed_at = now() WHERE id = ? RETURNING id", done);
        long otherReason = keepKapso("message without an id", w, w.phoneNumberId(), null, "ID." + Workspaces.unique("7004"), null);
        long lettersBefore = app.queryLong("SELECT count(*) FROM dead_letter");

        JsonNode first = bulkOk(reason);

        assertEquals(4, first.get("matched").asInt(), first.toString());
        assertEquals(3, first.get("replayed").asInt(), first.toString());
        assertEquals(1, first.get("stillDeadLettered").asInt(), first.toString());
        assertEquals(0, first.get("refused").asInt(), first.toString());
        assertEquals(0, first.get("failed").asInt(), first.toString());
        assertFalse(first.get("limitReached").asBoolean());
        assertEquals(3, first.at("/intake/stored").asInt(), first.toString());
        assertEquals(1, first.at("/intake/deadLettered").asInt(), first.toString());
        assertEquals(0, first.get("problems").size());
        // The BSUID-only letters are leads now, with their messages, as the API shows them.
        JsonNode leads = JSON.readTree(app.get("/api/leads", w.token()).body()).get("items");
        assertEquals(2, leads.size(), leads.toString());
        for (JsonNode lead : leads) {
            assertTrue(lead.get("phone").isNull(), lead.toString());
            JsonNode one = JSON.readTree(app.get("/api/leads/" + lead.get("id").asLong(), w.token()).body());
            if (x.equals(lead.get("bsuid").asText())) {
                assertEquals("@rina.kusuma", lead.get("username").asText());
                assertEquals(2, one.get("messagesIn").asInt(), one.toString());
            } else {
                assertEquals(y, lead.get("bsuid").asText());
                assertEquals("@dewi.lestari", lead.get("username").asText(), "from Meta's contact profile");
                assertEquals(1, one.get("messagesIn").asInt(), one.toString());
            }
        }
        for (long replayed : List.of(x1, x2, y1)) {
            assertNotNull(replayedAt(replayed), "letter " + replayed + " is replayed");
        }
        // The letter with neither identity is still dead: unreplayed, and its reason says why today.
        assertNull(replayedAt(neither));
        assertEquals(NO_IDENTITY, reason(neither));
        assertEquals("message without an id", reason(otherReason));
        assertNull(replayedAt(otherReason), "another reason is not touched");
        assertEquals(0, app.queryLong("SELECT count(*) FROM lead WHERE bsuid = ?", z), "an already replayed letter is not matched");
        assertEquals(lettersBefore, app.queryLong("SELECT count(*) FROM dead_letter"), "kept again under its own dedup key, not twice");

        JsonNode second = bulkOk(reason);
        assertEquals(0, second.get("matched").asInt(), second.toString());
        assertEquals(0, second.get("replayed").asInt(), second.toString());
        assertEquals(2, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", w.id()));
        assertEquals(3, app.queryLong("SELECT count(*) FROM message WHERE workspace_id = ?", w.id()));

        // The still-dead letter is found under its new reason, and stays what it is.
        JsonNode byNewReason = bulkOk(NO_IDENTITY);
        assertEquals(1, byNewReason.get("matched").asInt(), byNewReason.toString());
        assertEquals(1, byNewReason.get("stillDeadLettered").asInt(), byNewReason.toString());
        HttpResponse<String> single = app.call("POST", "/api/admin/dead-letters/" + neither + "/replay", null, ADMIN);
        assertEquals(200, single.statusCode(), single.body());
        assertEquals(1, JSON.readTree(single.body()).get("deadLettered").asInt());
        assertNull(replayedAt(neither), "a single replay that keeps it again leaves it unreplayed too");
    }

    @Test
    void aRefusedOrUnreadableLetterIsCountedAndListedAndTheOthersAreStillReplayed() throws Exception {
        String reason = "invalid customer phone number";
        Workspace a = workspace();
        Workspace b = workspace();
        long first = keepKapso(reason, a, a.phoneNumberId(), "+62123", "ID." + Workspaces.unique("8001"), null);
        // The old intake checked the workspace before the phone, so it kept a cross-tenant event under the
        // mismatch reason; this row stands for any letter whose verifying secret is another workspace's
        // than the one its event names: the bulk replay refuses it exactly as the single replay does.
        String forgedBsuid = "ID." + Workspaces.unique("8002");
        long refused = keepKapso(reason, a, b.phoneNumberId(), "+62123", forgedBsuid, null);
        // A payload that no longer parses (the single replay answers 400 for it).
        long unreadable = keep("kapso", Webhooks.RECEIVED, reason, "{\"message\": ", "kapso:" + Workspaces.unique("wamid.broken"),
                a.phoneNumberId(), a);
        long last = keepKapso(reason, a, a.phoneNumberId(), "+62123", "ID." + Workspaces.unique("8003"), null);

        JsonNode counts = bulkOk(reason);

        assertEquals(4, counts.get("matched").asInt(), counts.toString());
        assertEquals(2, counts.get("replayed").asInt(), counts.toString());
        assertEquals(1, counts.get("refused").asInt(), counts.toString());
        assertEquals(1, counts.get("failed").asInt(), counts.toString());
        assertEquals(0, counts.get("stillDeadLettered").asInt(), counts.toString());
        JsonNode problems = counts.get("problems");
        assertEquals(2, problems.size(), problems.toString());
        assertEquals(refused, problems.get(0).get("deadLetterId").asLong());
        assertEquals(409, problems.get(0).get("status").asInt());
        assertEquals("conflict", problems.get(0).get("error").asText());
        assertTrue(problems.get(0).get("detail").asText().contains("writes only into the workspace whose secret verified"),
                problems.toString());
        assertEquals(unreadable, problems.get(1).get("deadLetterId").asLong());
        assertEquals(400, problems.get(1).get("status").asInt());
        // The letters before and after them became leads (the unusable phone left out, the BSUID kept).
        assertNotNull(replayedAt(first));
        assertNotNull(replayedAt(last));
        assertEquals(2, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ? AND phone IS NULL", a.id()));
        // Nothing of the refused letter anywhere; it and the unreadable one stay unreplayed, with their reason.
        assertEquals(0, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", b.id()));
        assertEquals(0, app.queryLong("SELECT count(*) FROM lead WHERE bsuid = ?", forgedBsuid));
        for (long kept : List.of(refused, unreadable)) {
            assertNull(replayedAt(kept));
            assertEquals(reason, reason(kept));
        }

        // They are matched, and refused or failed, again: still dead letters, never marked otherwise.
        JsonNode again = bulkOk(reason);
        assertEquals(2, again.get("matched").asInt(), again.toString());
        assertEquals(1, again.get("refused").asInt(), again.toString());
        assertEquals(1, again.get("failed").asInt(), again.toString());
        assertEquals(0, again.get("replayed").asInt(), again.toString());
    }

    @Test
    void aLimitReplaysAtMostThatManyOldestFirstAcrossPages() throws Exception {
        String reason = "customer phone number contains letters";
        Workspace w = workspace();
        List<Long> letters = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            letters.add(keepKapso(reason, w, w.phoneNumberId(), "+62812345670O1", "ID." + Workspaces.unique("9"), null));
        }

        JsonNode counts = bulkRun("{\"reason\": \"" + reason + "\", \"limit\": 102}");
        assertEquals(102, counts.get("limit").asInt(), counts.toString());
        assertEquals(102, counts.get("matched").asInt(), counts.toString());
        assertEquals(102, counts.get("replayed").asInt(), counts.toString());
        assertTrue(counts.get("limitReached").asBoolean());
        for (int i = 0; i < letters.size(); i++) {
            assertEquals(i < 102, replayedAt(letters.get(i)) != null, "letter " + i + " of 105, oldest first");
        }

        JsonNode rest = bulkOk(reason);
        assertEquals(3, rest.get("matched").asInt(), rest.toString());
        assertEquals(3, rest.get("replayed").asInt(), rest.toString());
        assertFalse(rest.get("limitReached").asBoolean());
        assertEquals(105, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", w.id()));
        assertEquals(0, bulkOk(reason).get("matched").asInt());
    }

    @Test
    void aBulkReplayAnswersAtOnceAndItsRecordFollowsItsProgressToTheEnd() throws Exception {
        String reason = "customer phone number too short";
        Workspace w = workspace();
        int letters = 400;
        for (int i = 0; i < letters; i++) {
            keepKapso(reason, w, w.phoneNumberId(), "+6281", "ID." + Workspaces.unique("5"), null);
        }

        long before = System.nanoTime();
        HttpResponse<String> started = bulk("{\"reason\": \"" + reason + "\"}");
        long answeredMillis = (System.nanoTime() - before) / 1_000_000;

        // The answer comes before the letters are replayed, not after: the run goes on in the background.
        assertEquals(202, started.statusCode(), started.body());
        JsonNode run = JSON.readTree(started.body());
        assertEquals("running", run.get("status").asText(), run.toString());
        assertEquals(reason, run.get("reason").asText());
        assertTrue(run.get("matched").asInt() < letters, run.toString());
        assertTrue(run.get("finishedAt").isNull(), run.toString());
        String location = started.headers().firstValue("Location").orElseThrow();
        // Its progress is in the record, page by page, and never goes back.
        int seen = run.get("matched").asInt();
        boolean sawProgress = false;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (run.get("status").asText().equals("running")) {
            assertTrue(System.nanoTime() < deadline, "the run ends: " + run);
            Thread.sleep(20);
            run = JSON.readTree(app.call("GET", location, null, ADMIN).body());
            int matched = run.get("matched").asInt();
            assertTrue(matched >= seen, matched + " after " + seen);
            sawProgress |= run.get("status").asText().equals("running") && matched > 0 && matched < letters;
            seen = matched;
        }
        assertEquals("completed", run.get("status").asText(), run.toString());
        assertEquals(letters, run.get("matched").asInt(), run.toString());
        assertEquals(letters, run.get("replayed").asInt(), run.toString());
        assertTrue(sawProgress, "a poll saw the run part way: " + run);
        assertEquals(letters, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", w.id()));
        System.out.printf("bulk replay of %d letters: answered in %d ms%n", letters, answeredMillis);
    }

    @Test
    void oneRunPerReasonAtATimeA409NamesTheRunningOneAndADeadOneIsClosed() throws Exception {
        String reason = "unknown phone_number_id " + Workspaces.unique("");
        Workspace w = workspace();
        long letter = keepKapso(reason, w, w.phoneNumberId(), null, "ID." + Workspaces.unique("4001"), null);
        // A run of the reason that another instance is running.
        long running = app.queryLong("INSERT INTO dead_letter_replay_run (reason) VALUES (?) RETURNING id", reason);

        HttpResponse<String> refused = bulk("{\"reason\": \"" + reason + "\"}");

        assertEquals(409, refused.statusCode(), refused.body());
        JsonNode conflict = JSON.readTree(refused.body());
        assertEquals("conflict", conflict.get("error").asText());
        assertEquals(running, conflict.get("runId").asLong(), refused.body());
        assertTrue(conflict.get("detail").asText().contains("/api/admin/dead-letters/replay-runs/" + running), refused.body());
        assertNull(replayedAt(letter), "nothing was replayed");
        assertEquals(1, app.queryLong("SELECT count(*) FROM dead_letter_replay_run WHERE reason = ?", reason));
        // Another reason is not held up by it.
        assertEquals(0, bulkOk(reason + " (another)").get("matched").asInt());

        // That instance died: no progress for longer than admin.replay-stale-run-seconds. The next request closes
        // its run as interrupted and starts its own.
        app.queryLong("UPDATE dead_letter_replay_run SET heartbeat_at = now() - interval '1 hour' WHERE id = ? RETURNING id", running);
        JsonNode run = bulkOk(reason);
        assertEquals(1, run.get("replayed").asInt(), run.toString());
        assertEquals("interrupted", app.queryString("SELECT status FROM dead_letter_replay_run WHERE id = ?", running));
        JsonNode dead = JSON.readTree(app.call("GET", "/api/admin/dead-letters/replay-runs/" + running, null, ADMIN).body());
        assertEquals("interrupted", dead.get("status").asText(), dead.toString());
        assertFalse(dead.get("error").asText().isBlank(), dead.toString());
        assertFalse(dead.get("finishedAt").isNull(), dead.toString());

        // A poll of a run whose process died ends too, without another request of its reason.
        long orphan = app.queryLong("INSERT INTO dead_letter_replay_run (reason, heartbeat_at) VALUES (?, now() - interval '1 hour') "
                + "RETURNING id", reason + " (orphan)");
        JsonNode polled = JSON.readTree(app.call("GET", "/api/admin/dead-letters/replay-runs/" + orphan, null, ADMIN).body());
        assertEquals("interrupted", polled.get("status").asText(), polled.toString());
        // One still reporting progress is left running.
        long alive = app.queryLong("INSERT INTO dead_letter_replay_run (reason) VALUES (?) RETURNING id", reason + " (alive)");
        JsonNode running2 = JSON.readTree(app.call("GET", "/api/admin/dead-letters/replay-runs/" + alive, null, ADMIN).body());
        assertEquals("running", running2.get("status").asText(), running2.toString());
        app.queryLong("UPDATE dead_letter_replay_run SET status = 'failed' WHERE id = ? RETURNING id", alive);
    }

    @Test
    void aStopDuringARunClosesItsRecordAsInterrupted() throws Exception {
        // A database that outlives the service, to read the record after the stop.
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().setDataDirectory(LeadlineApp.freshDataDir())
                .setCleanDataDirectory(true).start()) {
            LeadlineApp stopping = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of("admin.token", ADMIN,
                    "db.url", database.getJdbcUrl("postgres", "postgres"), "db.user", "postgres", "db.password", "",
                    "catchup.key-encryption-key", LeadlineApp.TEST_KEY_ENCRYPTION_KEY, "summaries.enabled", "false",
                    "catchup.scheduled", "false", "catchup.on-start", "false", "demo.enabled", "true"));
            long runId;
            try {
                LeadlineApp before = app;
                app = stopping;
                try {
                    String reason = "customer phone number cut short";
                    Workspace w = workspace();
                    // More letters than the stop's grace (camel.main.shutdown-timeout, 5 s in tests) can replay.
                    for (int i = 0; i < 3000; i++) {
                        keepKapso(reason, w, w.phoneNumberId(), "+6281", "ID." + Workspaces.unique("3"), null);
                    }
                    HttpResponse<String> started = bulk("{\"reason\": \"" + reason + "\"}");
                    assertEquals(202, started.statusCode(), started.body());
                    runId = JSON.readTree(started.body()).get("id").asLong();
                    while (app.queryLong("SELECT matched FROM dead_letter_replay_run WHERE id = ?", runId) == 0) {
                        Thread.sleep(20);
                    }
                } finally {
                    app = before;
                }
            } finally {
                stopping.close();
            }
            try (Connection c = database.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, error, finished_at IS NOT NULL, matched FROM dead_letter_replay_run "
                         + "WHERE id = " + runId)) {
                assertTrue(rs.next());
                assertEquals("interrupted", rs.getString(1), "matched " + rs.getInt(4) + " of 3000");
                assertEquals("the service stopped during the run", rs.getString(2));
                assertTrue(rs.getBoolean(3));
                assertTrue(rs.getInt(4) < 3000, "cut off part way: " + rs.getInt(4));
            }
        }
    }

    @Test
    void aRunThatIsNotThereIs404AndABadIdIs400() throws Exception {
        HttpResponse<String> missing = app.call("GET", "/api/admin/dead-letters/replay-runs/999999999", null, ADMIN);
        assertEquals(404, missing.statusCode(), missing.body());
        assertEquals("not_found", JSON.readTree(missing.body()).get("error").asText());
        HttpResponse<String> bad = app.call("GET", "/api/admin/dead-letters/replay-runs/x", null, ADMIN);
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals(401, app.call("GET", "/api/admin/dead-letters/replay-runs/1", null, "wrong").statusCode());
    }

    @Test
    void theOpenApiDocumentDeclaresTheBulkReplayAndItsCounts() throws Exception {
        JsonNode doc = JSON.readTree(app.get("/api/openapi.json", null).body());
        JsonNode operation = doc.at("/paths/~1api~1admin~1dead-letters~1replay/post");
        assertTrue(operation.at("/responses/202/content/application~1json/schema/$ref").asText().endsWith("BulkReplayRun"),
                operation.toString());
        assertTrue(operation.at("/responses/202/headers").has("Location"), operation.toString());
        assertTrue(operation.at("/responses/409/content/application~1json/schema/$ref").asText().endsWith("RunConflictError"),
                operation.toString());
        assertTrue(operation.path("responses").has("400"), operation.toString());
        JsonNode poll = doc.at("/paths/~1api~1admin~1dead-letters~1replay-runs~1{id}/get");
        assertTrue(poll.at("/responses/200/content/application~1json/schema/$ref").asText().endsWith("BulkReplayRun"), poll.toString());
        JsonNode run = doc.at("/components/schemas/BulkReplayRun/properties");
        for (String field : List.of("id", "status", "error", "limit", "startedAt", "heartbeatAt", "finishedAt")) {
            assertTrue(run.has(field), field + " in " + run);
        }
        assertTrue(doc.at("/components/schemas/BulkReplayRun/allOf").toString().contains("BulkReplayCounts"), run.toString());
        JsonNode counts = doc.at("/components/schemas/BulkReplayCounts/properties");
        for (String field : List.of("reason", "matched", "replayed", "stillDeadLettered", "refused", "failed", "limitReached",
                "intake", "problems")) {
            assertTrue(counts.has(field), field + " in " + counts);
        }
        assertTrue(doc.at("/components/schemas/BulkReplayRequest/required").toString().contains("reason"), doc.at("/components/schemas/BulkReplayRequest").toString());
    }

    @Test
    void aMissingOrBadRequestIsAJson400AndReplaysNothing() throws Exception {
        String reason = "unknown phone_number_id " + Workspaces.unique("");
        Workspace w = workspace();
        long letter = keepKapso(reason, w, w.phoneNumberId(), null, "ID." + Workspaces.unique("6001"), null);

        List<String> bad = List.of("", "{}", "{\"reason\": null}", "{\"reason\": \"\"}", "{\"reason\": \"   \"}",
                "{\"reason\": 7}", "{\"reasons\": \"" + reason + "\"}", "{\"reason\": \"" + reason + "\", \"limit\": 0}",
                "{\"reason\": \"" + reason + "\", \"limit\": \"5\"}", "{\"reason\": \"" + reason + "\", \"limit\": 1.5}",
                "{\"reason\": \"" + reason + "\"", "[\"" + reason + "\"]");
        for (String body : bad) {
            HttpResponse<String> response = body.isEmpty() ? app.call("POST", "/api/admin/dead-letters/replay", null, ADMIN)
                    : bulk(body);
            assertEquals(400, response.statusCode(), body + " -> " + response.body());
            JsonNode error = JSON.readTree(response.body());
            assertEquals("bad_request", error.get("error").asText(), response.body());
            assertFalse(error.get("detail").asText().isBlank(), response.body());
        }
        assertTrue(JSON.readTree(bulk("{}").body()).get("detail").asText().contains("reason"));
        HttpResponse<String> form = app.post("/api/admin/dead-letters/replay", "application/x-www-form-urlencoded",
                ("reason=" + reason).getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + ADMIN);
        assertEquals(415, form.statusCode(), form.body());
        for (String token : new String[] {null, w.token(), ADMIN + "x"}) {
            HttpResponse<String> response = app.call("POST", "/api/admin/dead-letters/replay", "{\"reason\": \"" + reason + "\"}", token);
            assertEquals(401, response.statusCode(), response.body());
            assertEquals("unauthorized", JSON.readTree(response.body()).get("error").asText());
        }
        assertNull(replayedAt(letter), "nothing was replayed");
        assertEquals(0, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", w.id()));
    }
}
