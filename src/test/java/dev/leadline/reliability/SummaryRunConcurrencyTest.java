package dev.leadline.reliability;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent forced runs multiplied the LLM spend and starved the scheduler. One run
 * per workspace and day range at a time (409 with its id), and manual runs never take the streaming
 * connection the scheduled run needs. The real service with the stub LLM and the schedule firing every
 * second (its window, the last three complete days, has no messages here, so it calls no LLM).
 */
class SummaryRunConcurrencyTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");

    static StubLlm llm;
    static LeadlineApp app;
    static Webhooks webhooks;
    static SummaryRuns runs;
    static String phoneNumberId;

    @BeforeAll
    static void start() throws Exception {
        llm = new StubLlm();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(), Map.of(
                "summaries.enabled", "true",
                "summaries.cron", "0/1 * * * * ?",
                "db.streaming-pool-size", "4")));
        phoneNumberId = Workspaces.unique("pnid-conc-");
        String secret = Workspaces.unique("secret-");
        String token = Workspaces.unique("token-conc-");
        Workspaces.create(app, phoneNumberId, secret, token);
        webhooks = new Webhooks(app, secret);
        runs = new SummaryRuns(app, token);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        llm.close();
    }

    static void activeLeads(LocalDate day, int n) throws Exception {
        long at = day.atTime(LocalTime.of(11, 0)).atZone(JAKARTA).toEpochSecond();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = webhooks.kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.conc"),
                    Workspaces.newPhone(), "Halo, ada promo?", at));
            assertEquals(200, response.statusCode(), response.body());
        }
    }

    /** The requests, all released at once; their answers in order. */
    static List<HttpResponse<String>> atOnce(List<String> queries) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(queries.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (String query : queries) {
                futures.add(pool.submit((Callable<HttpResponse<String>>) () -> {
                    go.await();
                    return runs.post(query);
                }));
            }
            go.countDown();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void tenConcurrentForcedRunsOfOneDayMakeOneRunAndNineConflicts() throws Exception {
        LocalDate day = LocalDate.now(JAKARTA).minusDays(6);
        int leadDays = 10;
        activeLeads(day, leadDays);
        runs.runDay(day.toString()); // the notes exist; the forced runs below would each rewrite them all
        llm.reset();
        llm.latency(500); // the run lasts past the ten requests

        List<HttpResponse<String>> answers = atOnce(java.util.Collections.nCopies(10, "date=" + day + "&force=true"));

        List<Long> started = new ArrayList<>();
        List<Long> conflicts = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            JsonNode body = JSON.readTree(answer.body());
            if (answer.statusCode() == 202) {
                started.add(body.get("id").asLong());
            } else {
                assertEquals(409, answer.statusCode(), answer.body());
                assertEquals("conflict", body.get("error").asText());
                conflicts.add(body.get("runId").asLong());
            }
        }
        assertEquals(1, started.size(), "exactly one run: " + answers.stream().map(HttpResponse::body).toList());
        assertEquals(java.util.Collections.nCopies(9, started.get(0)), conflicts, "every 409 names the running run");
        JsonNode run = runs.awaitRun(started.get(0));
        assertEquals("completed", run.get("status").asText(), run.toString());
        assertEquals(leadDays, run.get("notesRewritten").asInt());
        assertEquals(leadDays, llm.requests().size(), "one LLM request per lead-day, not one per request");
        llm.latency(0);
        // With the run finished, the same days can run again.
        assertEquals("completed", runs.runDay(day.toString(), "force=true").get("status").asText());
    }

    @Test
    void manualRunsNeverTakeTheScheduledRunsConnection() throws Exception {
        // Five long manual runs of five different days at once, with a streaming pool of 4: three run, two
        // are refused at once (503 busy), and meanwhile the scheduled run, every second, still completes.
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LocalDate day = LocalDate.now(JAKARTA).minusDays(10 + i);
            activeLeads(day, 2);
            queries.add("date=" + day);
        }
        llm.reset();
        llm.latency(2500);
        Instant before = Instant.now();

        List<HttpResponse<String>> answers = atOnce(queries);

        Duration answeredIn = Duration.between(before, Instant.now());
        List<Long> started = new ArrayList<>();
        int busy = 0;
        for (HttpResponse<String> answer : answers) {
            if (answer.statusCode() == 202) {
                started.add(JSON.readTree(answer.body()).get("id").asLong());
            } else {
                assertEquals(503, answer.statusCode(), answer.body());
                assertEquals("busy", JSON.readTree(answer.body()).get("error").asText());
                busy++;
            }
        }
        assertEquals(3, started.size(), "db.streaming-pool-size - 1 manual runs: " + answers.stream().map(HttpResponse::body).toList());
        assertEquals(2, busy);
        assertTrue(answeredIn.toMillis() < 2000, "refused at once, not after a pool timeout: " + answeredIn);
        List<JsonNode> finished = new ArrayList<>();
        for (long id : started) {
            finished.add(runs.awaitRun(id));
        }
        llm.latency(0);
        for (JsonNode run : finished) {
            assertEquals("completed", run.get("status").asText(), run.toString());
            assertEquals(2, run.get("notesWritten").asInt(), run.toString());
        }
        long scheduledMeanwhile = app.queryLong("SELECT count(*) FROM summary_run WHERE trigger = 'schedule' AND status = 'completed' "
                + "AND started_at > ? AND finished_at < (SELECT max(finished_at) FROM summary_run WHERE id = ANY (CAST(? AS bigint[])))",
                java.sql.Timestamp.from(before), started.toString().replace('[', '{').replace(']', '}'));
        long scheduledFailed = app.queryLong("SELECT count(*) FROM summary_run WHERE trigger = 'schedule' AND status <> 'completed' "
                + "AND status <> 'running'");
        assertTrue(scheduledMeanwhile >= 1, "the scheduled run completed while the manual runs held their connections");
        assertEquals(0, scheduledFailed, "no scheduled run aborted for want of a connection");
        assertEquals(0, app.queryLong("SELECT count(*) FROM summary_run WHERE trigger = 'manual' AND status = 'aborted'"));

        // The slots are free again: a manual run starts.
        assertEquals("completed", runs.runDay(LocalDate.now(JAKARTA).minusDays(10).toString()).get("status").asText());
    }
}
