package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Working a lead: the status workflow with optimistic concurrency, and manual notes. */
class LeadWorkTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");

    LeadlineApp app;
    String token;
    long lead;

    @BeforeEach
    void lead() throws Exception {
        app = LeadlineApp.shared();
        String phoneNumberId = Workspaces.unique("pnid-work-");
        token = Workspaces.unique("token-work-");
        String secret = Workspaces.unique("secret-");
        Workspaces.create(app, phoneNumberId, secret, token);
        String phone = Workspaces.newPhone();
        // Two hours ago, but never before today's start in the workspace's time zone: the summaries below run today.
        Instant startOfToday = LocalDate.now(JAKARTA).atStartOfDay(JAKARTA).toInstant();
        Instant sentAt = Instant.now().minusSeconds(7200);
        new Webhooks(app, secret).kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.work"), phone, "Halo",
                (sentAt.isBefore(startOfToday) ? startOfToday : sentAt).getEpochSecond()));
        lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
    }

    HttpResponse<String> patch(String body, String ifMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri("/api/leads/" + lead))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return app.send(request);
    }

    HttpResponse<String> postNote(String body, String bearer) throws Exception {
        return app.send(HttpRequest.newBuilder(app.uri("/api/leads/" + lead + "/notes"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json"));
    }

    HttpResponse<String> deleteNote(long noteId, String bearer) throws Exception {
        return app.send(HttpRequest.newBuilder(app.uri("/api/leads/" + lead + "/notes/" + noteId)).DELETE()
                .header("Authorization", "Bearer " + bearer));
    }

    String etag() throws Exception {
        return app.get("/api/leads/" + lead, token).headers().firstValue("ETag").orElseThrow();
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void theWorkflowMovesOneStepAtATimeAndRecordsEachChange() throws Exception {
        HttpResponse<String> contacted = patch("{\"status\": \"contacted\", \"author\": \"ana@sales\"}", etag());
        HttpResponse<String> skipAhead = patch("{\"status\": \"won\"}", etag());
        HttpResponse<String> unknown = patch("{\"status\": \"pending\"}", etag());

        assertEquals(200, contacted.statusCode(), contacted.body());
        assertEquals("contacted", json(contacted).get("status").asText());
        assertEquals("\"1\"", contacted.headers().firstValue("ETag").orElseThrow());
        assertEquals(422, skipAhead.statusCode());
        assertEquals("transition_not_allowed", json(skipAhead).get("error").asText());
        assertEquals(List.of("qualified", "lost"), List.of(json(skipAhead).get("allowed").get(0).asText(),
                json(skipAhead).get("allowed").get(1).asText()));
        assertEquals(422, unknown.statusCode());

        JsonNode change = JSON.readTree(app.get("/api/leads/" + lead + "/timeline?kind=status_change", token).body()).get("items").get(0);
        assertEquals("new → contacted", change.get("content").asText());
        assertEquals("new", change.get("statusFrom").asText());
        assertEquals("contacted", change.get("statusTo").asText());
        assertEquals("ana@sales", change.get("addedBy").asText());
        assertTrue(Instant.parse(json(contacted).get("lastActivityAt").asText().replace("+00:00", "Z"))
                .isAfter(Instant.now().minusSeconds(60)), "a status change is activity");
    }

    @Test
    void lostFromAnyOpenStatusAndAClosedLeadReopensToContacted() throws Exception {
        for (String status : List.of("contacted", "qualified", "proposal", "won")) {
            assertEquals(200, patch("{\"status\": \"" + status + "\"}", etag()).statusCode(), status);
        }
        assertEquals(422, patch("{\"status\": \"lost\"}", etag()).statusCode(), "won is closed: only reopening");
        assertEquals(200, patch("{\"status\": \"contacted\"}", etag()).statusCode(), "reopen");
        assertEquals(200, patch("{\"status\": \"lost\"}", etag()).statusCode(), "lost from an open status");
        assertEquals(200, patch("{\"status\": \"contacted\"}", etag()).statusCode(), "reopen from lost");
        assertEquals(7, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'status_change'", lead));
    }

    @Test
    void theSameStatusIsANoOpAndANameChangeBumpsTheVersionWithoutATimelineEntry() throws Exception {
        HttpResponse<String> same = patch("{\"status\": \"new\"}", etag());
        HttpResponse<String> renamed = patch("{\"name\": \"Budi Santoso\", \"version\": 0}", null);

        assertEquals(200, same.statusCode());
        assertEquals("\"0\"", same.headers().firstValue("ETag").orElseThrow());
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("Budi Santoso", json(renamed).get("name").asText());
        assertEquals(1, json(renamed).get("version").asInt());
        assertEquals(0, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ?", lead));
    }

    @Test
    void withoutAVersionIs428AndAStaleVersionIs409() throws Exception {
        HttpResponse<String> none = patch("{\"status\": \"contacted\"}", null);
        String stale = etag();
        assertEquals(200, patch("{\"status\": \"contacted\"}", stale).statusCode());
        HttpResponse<String> conflict = patch("{\"status\": \"lost\"}", stale);

        assertEquals(428, none.statusCode());
        assertEquals("precondition_required", json(none).get("error").asText());
        assertEquals(409, conflict.statusCode());
        assertEquals(1, json(conflict).get("currentVersion").asInt());
        assertEquals("contacted", app.queryString("SELECT status FROM lead WHERE id = ?", lead));
    }

    @Test
    void twoDashboardsChangingTheLeadAtOnceLoseNoChange() throws Exception {
        String version = etag();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Callable<Integer>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String body = i % 2 == 0 ? "{\"status\": \"contacted\"}" : "{\"status\": \"lost\"}";
                racers.add(() -> patch(body, version).statusCode());
            }
            for (Future<Integer> f : pool.invokeAll(racers)) {
                statuses.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        assertEquals(1, app.queryLong("SELECT version FROM lead WHERE id = ?", lead));
        assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'status_change'", lead));
    }

    @Test
    void badPatchBodiesAre4xx() throws Exception {
        assertEquals(400, patch("{\"status\": ", etag()).statusCode());
        assertEquals(400, patch("{\"stauts\": \"won\"}", etag()).statusCode());
        assertEquals(400, patch("{\"name\": \"" + "x".repeat(201) + "\"}", etag()).statusCode());
        assertEquals(400, patch("[1, 2]", etag()).statusCode());
        assertEquals(400, patch("{\"status\": \"contacted\"}", "\"three\"").statusCode());
        HttpResponse<String> plain = app.send(HttpRequest.newBuilder(app.uri("/api/leads/" + lead))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("status=won"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-www-form-urlencoded")
                .header("If-Match", etag()));
        assertEquals(415, plain.statusCode());
        assertEquals("unsupported_media_type", json(plain).get("error").asText());
    }

    /**
     * A write compares entity tags strongly (RFC 9110): a weak tag never matches, even of the current
     * version, and is answered as any other tag that does not match (409 with the current version); a
     * version in another script's digits is no version (400). Nothing changes; the strong tag still works.
     */
    @Test
    void aWeakIfMatchOrANonAsciiVersionChangesNothing() throws Exception {
        String current = etag();
        HttpResponse<String> weak = patch("{\"status\": \"contacted\"}", "W/" + current);
        assertEquals(409, weak.statusCode(), weak.body());
        assertEquals("conflict", json(weak).get("error").asText());
        assertTrue(json(weak).get("detail").asText().contains("weak"), weak.body());
        assertEquals(Long.parseLong(current.replace("\"", "")), json(weak).get("currentVersion").asLong(), weak.body());
        // (a header's bytes are read as ISO-8859-1, which has no other digits: the body is where they can come)
        HttpResponse<String> bodyDigits = patch("{\"status\": \"contacted\", \"version\": \"\\u0660\"}", null);
        assertEquals(400, bodyDigits.statusCode(), bodyDigits.body());
        assertEquals("new", app.queryString("SELECT status FROM lead WHERE id = ?", lead));
        assertEquals(200, patch("{\"status\": \"contacted\"}", current).statusCode());
    }

    @Test
    void manualNotesAreAddedAndDeletedButSystemNotesStay() throws Exception {
        HttpResponse<String> added = postNote("{\"content\": \"  Telepon balik Senin  \", \"author\": \"ana\"}", token);
        long noteId = json(added).get("id").asLong();
        HttpResponse<String> empty = postNote("{\"content\": \"   \"}", token);
        HttpResponse<String> overlong = postNote("{\"content\": \"" + "x".repeat(4001) + "\"}", token);
        HttpResponse<String> unknownField = postNote("{\"content\": \"x\", \"pinned\": true}", token);
        new SummaryRuns(app, token).runLead(LocalDate.now(ZoneId.of("Asia/Jakarta")).toString(), lead);
        long summaryId = app.queryLong("SELECT id FROM note WHERE lead_id = ? AND kind = 'daily_summary'", lead);

        assertEquals(201, added.statusCode(), added.body());
        assertEquals("Telepon balik Senin", json(added).get("content").asText());
        assertEquals("manual", json(added).get("kind").asText());
        assertEquals("ana", json(added).get("addedBy").asText());
        assertEquals(400, empty.statusCode());
        assertEquals(400, overlong.statusCode());
        assertEquals(400, unknownField.statusCode());

        HttpResponse<String> systemNote = deleteNote(summaryId, token);
        assertEquals(403, systemNote.statusCode());
        assertEquals("forbidden", json(systemNote).get("error").asText());
        assertEquals(404, deleteNote(noteId, Workspaces.DEMO_TOKEN).statusCode(), "another workspace's note");
        assertEquals(204, deleteNote(noteId, token).statusCode());
        assertEquals(404, deleteNote(noteId, token).statusCode());
        assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ?", lead));
    }

    @Test
    void theDailySummaryCountsTheDaysStatusChanges() throws Exception {
        patch("{\"status\": \"contacted\"}", etag());
        String today = LocalDate.now(ZoneId.of("Asia/Jakarta")).toString();
        new SummaryRuns(app, token).runLead(today, lead);

        String note = app.queryString("SELECT content FROM note WHERE lead_id = ? AND kind = 'daily_summary'", lead);
        assertTrue(note.contains("Status: new → contacted"), note);
    }

    @Test
    void anotherWorkspaceCanNeitherChangeNorAnnotateTheLead() throws Exception {
        HttpResponse<String> foreignPatch = app.send(HttpRequest.newBuilder(app.uri("/api/leads/" + lead))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\": \"lost\"}"))
                .header("Authorization", "Bearer " + Workspaces.DEMO_TOKEN).header("Content-Type", "application/json")
                .header("If-Match", "\"0\""));
        HttpResponse<String> foreignNote = postNote("{\"content\": \"x\"}", Workspaces.DEMO_TOKEN);

        assertEquals(404, foreignPatch.statusCode());
        assertEquals(404, foreignNote.statusCode());
        assertEquals("new", app.queryString("SELECT status FROM lead WHERE id = ?", lead));
        assertEquals(0, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ?", lead));
    }
}
