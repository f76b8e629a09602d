package dev.leadline.catchup;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.LogCapture;
import dev.leadline.support.StubKapso;
import dev.leadline.support.Workspaces;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Catch-up does not trust Kapso's answers: a page cap per run, a repeated cursor, a size cap, a record that
 * is no message, an error that is no Exception, a stale run; each fire gives the next workspaces their turn;
 * a workspace's refused key is its own configuration problem, never a breaker's business; Kapso's words are
 * escaped, capped and stripped of the key; a manual run goes on in the background (202, then GET).
 */
class CatchUpLimitsTest {

    static final String ADMIN = LeadlineApp.ADMIN_TOKEN;
    static final int PAGE_SIZE = 3;
    static final int MAX_PAGES = 4;
    static final int MAX_PAGE_BYTES = 1024 * 1024;
    static LeadlineApp app;
    static StubKapso kapso;
    static LogCapture LOG;
    static final java.util.concurrent.atomic.AtomicReference<String> OUT_OF_MEMORY_FOR = new java.util.concurrent.atomic.AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        LOG = LogCapture.start();
        kapso = new StubKapso();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.ofEntries(
                Map.entry("admin.token", ADMIN),
                Map.entry("summaries.enabled", "false"),
                Map.entry("kapso.api-base-url", kapso.baseUrl()),
                Map.entry("catchup.page-size", String.valueOf(PAGE_SIZE)),
                Map.entry("catchup.max-pages-per-run", String.valueOf(MAX_PAGES)),
                Map.entry("catchup.max-page-bytes", String.valueOf(MAX_PAGE_BYTES)),
                Map.entry("catchup.fire-budget-seconds", "0"),
                Map.entry("catchup.on-start", "false"),
                Map.entry("catchup.scheduled", "false"),
                Map.entry("catchup.timeout-ms", "1000"),
                Map.entry("catchup.max-retries", "2"),
                Map.entry("catchup.retry-delay-ms", "50"),
                Map.entry("catchup.max-retry-delay-ms", "200"),
                Map.entry("catchup.circuit-breaker.window-size", "10"),
                Map.entry("catchup.circuit-breaker.minimum-calls", "10")));
    }

    @AfterAll
    static void stop() {
        app.close();
        kapso.close();
        LOG.close();
    }

    record Tenant(long id, String phoneNumberId, String key) {
    }

    static Tenant tenant() throws Exception {
        String phoneNumberId = String.valueOf(740_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
        HttpResponse<String> created = app.call("POST", "/api/admin/workspaces", "{\"name\": \"Limits\", \"phoneNumberId\": \""
                + phoneNumberId + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"a-secret-of-16-chars\"}", ADMIN);
        assertEquals(201, created.statusCode(), created.body());
        long id = JSON.readTree(created.body()).get("id").asLong();
        String key = "kapso-key-" + UUID.randomUUID();
        kapso.key(phoneNumberId, key);
        HttpResponse<String> set = app.call("PUT", "/api/admin/workspaces/" + id + "/kapso-key", "{\"apiKey\": \"" + key + "\"}", ADMIN);
        assertEquals(200, set.statusCode(), set.body());
        return new Tenant(id, phoneNumberId, key);
    }

    /** A manual catch-up, followed to its end: 202 and its Location polled until the run is no longer running. */
    static JsonNode catchUp(Tenant t) throws Exception {
        HttpResponse<String> started = app.call("POST", "/api/admin/workspaces/" + t.id() + "/catch-up", null, ADMIN);
        assertEquals(202, started.statusCode(), started.body());
        return follow(started);
    }

    static JsonNode follow(HttpResponse<String> started) throws Exception {
        String location = started.headers().firstValue("Location").orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode run = JSON.readTree(started.body());
        while ("running".equals(run.path("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            HttpResponse<String> polled = app.get(location, ADMIN);
            assertEquals(200, polled.statusCode(), polled.body());
            run = JSON.readTree(polled.body());
        }
        return run;
    }

    /** n messages a minute apart, ending an hour ago. */
    static void gap(Tenant t, int n) {
        gap(t, n, 1);
    }

    /** n messages the given minutes apart, ending an hour ago. */
    static void gap(Tenant t, int n, int minutesApart) {
        String phone = Workspaces.newPhone();
        Instant first = Instant.now().minus(1, ChronoUnit.HOURS).minus((long) n * minutesApart, ChronoUnit.MINUTES);
        for (int i = 0; i < n; i++) {
            kapso.add(t.phoneNumberId(), StubKapso.inbound(Workspaces.unique("wamid.lim"), phone.substring(1), "conv-" + phone,
                    "Pelanggan", "pesan " + i, first.plus((long) i * minutesApart, ChronoUnit.MINUTES).getEpochSecond()));
        }
    }

    @Test
    void aCursorKapsoGaveBeforeEndsTheRun() throws Exception {
        Tenant t = tenant();
        gap(t, 5);
        kapso.repeatCursor(t.phoneNumberId());

        JsonNode run = catchUp(t);

        assertEquals("failed", run.get("status").asText(), run.toString());
        assertTrue(run.get("error").asText().contains("cursor"), run.toString());
        assertEquals(2, run.get("pages").asInt(), "the first page, then the one whose cursor came back: " + run);
        assertEquals(2, kapso.requests(t.phoneNumberId()).size(), "the repeated cursor is never followed");
    }

    @Test
    void aRunReadsAtMostItsShareOfPagesAndTheNextGoesOn() throws Exception {
        Tenant t = tenant();
        gap(t, 14, 20); // five pages of three; 20 minutes apart, so the next run's overlap re-reads one message

        JsonNode first = catchUp(t);
        JsonNode second = catchUp(t);

        assertEquals("partial", first.get("status").asText(), first.toString());
        assertEquals(MAX_PAGES, first.get("pages").asInt(), first.toString());
        assertEquals(MAX_PAGES * PAGE_SIZE, first.get("stored").asInt(), first.toString());
        assertTrue(first.get("error").asText().contains("catchup.max-pages-per-run"), first.toString());
        assertEquals("done", second.get("status").asText(), second.toString());
        assertEquals(14 - MAX_PAGES * PAGE_SIZE, second.get("stored").asInt(), "the next run went on from the watermark: " + second);
        assertEquals(14, app.queryLong("SELECT count(*) FROM message WHERE workspace_id = ?", t.id()));
    }

    @Test
    void aPageOverTheSizeCapIsRefusedWithoutReadingIt() throws Exception {
        Tenant t = tenant();
        long huge = 64L * 1024 * 1024;
        kapso.fault(t.phoneNumberId(), StubKapso.Fault.huge(huge));

        JsonNode run = catchUp(t);

        assertEquals("failed", run.get("status").asText(), run.toString());
        assertTrue(run.get("error").asText().contains("catchup.max-page-bytes"), run.toString());
        assertNotNull(run.get("finishedAt"), run.toString());
        assertTrue(kapso.hugeBytesTaken() < huge / 4, "the client hung up instead of reading the page: took " + kapso.hugeBytesTaken());
        assertEquals(1, kapso.requests(t.phoneNumberId()).size(), "a page too large is not asked for again");
    }

    @Test
    void aRecordThatIsNoMessageBecomesADeadLetterAndThePageGoesOn() throws Exception {
        Tenant t = tenant();
        gap(t, 2);
        kapso.junk(t.phoneNumberId(), TextNode.valueOf("not a message"));
        kapso.junk(t.phoneNumberId(), IntNode.valueOf(42));

        JsonNode run = catchUp(t);
        JsonNode again = catchUp(t);

        assertEquals("done", run.get("status").asText(), run.toString());
        assertEquals(2, run.get("stored").asInt(), run.toString());
        assertEquals(2, run.get("deadLettered").asInt(), run.toString());
        assertEquals(2, app.queryLong("SELECT count(*) FROM dead_letter WHERE phone_number_id = ? AND reason LIKE ?",
                t.phoneNumberId(), "%not a JSON object%"));
        assertEquals("done", again.get("status").asText(), "the next run passes it too: " + again);
        assertEquals(2, app.queryLong("SELECT count(*) FROM dead_letter WHERE phone_number_id = ?", t.phoneNumberId()), "kept once");
    }

    @Test
    void anErrorThatIsNoExceptionStillClosesTheRunRecord() throws Exception {
        Tenant t = tenant();
        gap(t, 2);
        // Camel catches Exceptions only: an Error thrown by a step goes up the caller's stack.
        AdviceWith.adviceWith(app.context(), "ask-kapso", a -> a.weaveAddFirst().process(e -> {
            Object workspace = e.getVariable("workspace");
            if (workspace instanceof Map<?, ?> w && w.get("phoneNumberId").equals(OUT_OF_MEMORY_FOR.get())) {
                throw new OutOfMemoryError("simulated: Java heap space");
            }
        }));
        OUT_OF_MEMORY_FOR.set(t.phoneNumberId());
        JsonNode run;
        try {
            run = catchUp(t);
        } finally {
            OUT_OF_MEMORY_FOR.set(null);
        }

        assertEquals("failed", run.get("status").asText(), run.toString());
        assertTrue(run.get("error").asText().contains("OutOfMemoryError"), run.toString());
        assertEquals(0, app.queryLong("SELECT count(*) FROM catchup_run WHERE workspace_id = ? AND status = 'running'", t.id()));
    }

    @Test
    void aRunLeftRunningByADeadProcessIsClosedAsInterrupted() throws Exception {
        Tenant t = tenant();
        gap(t, 1);
        long stale = app.queryLong("INSERT INTO catchup_run (workspace_id, trigger, since, until, started_at) "
                + "VALUES (?, 'manual', now() - interval '2 hours', now() - interval '1 hour', now() - interval '1 hour') RETURNING id", t.id());

        JsonNode run = catchUp(t);

        assertEquals("done", run.get("status").asText(), run.toString());
        assertEquals("interrupted", app.queryString("SELECT status FROM catchup_run WHERE id = ?", stale));
        assertNotNull(app.queryString("SELECT finished_at FROM catchup_run WHERE id = ?", stale));
    }

    @Test
    void eachFireStartsAfterTheWorkspaceWhereTheLastOneStopped() throws Exception {
        Tenant a = tenant();
        Tenant b = tenant();
        gap(a, 1);
        gap(b, 1);
        List<Long> firstRuns = new ArrayList<>();
        for (int fire = 0; fire < 2; fire++) {
            long before = app.queryLong("SELECT coalesce(max(id), 0) FROM catchup_run");
            app.context().createProducerTemplate().send("direct:catch-up-all", e -> e.setVariable("trigger", "schedule"));
            assertEquals(1, app.queryLong("SELECT count(*) FROM catchup_run WHERE id > ?", before),
                    "a fire past its budget (0 s here) starts no workspace after its first");
            firstRuns.add(app.queryLong("SELECT workspace_id FROM catchup_run WHERE id > ?", before));
        }
        long expected = app.queryLong("SELECT coalesce((SELECT min(id) FROM workspace WHERE kapso_api_key_enc IS NOT NULL AND id > ?),"
                + " (SELECT min(id) FROM workspace WHERE kapso_api_key_enc IS NOT NULL))", firstRuns.get(0));

        assertNotEquals(firstRuns.get(0), firstRuns.get(1), "the second fire did not start where the first did");
        assertEquals(expected, firstRuns.get(1), "the second fire starts with the next workspace with a key");
    }

    @Test
    void aRefusedKeyIsItsWorkspacesConfigurationProblemAndOpensNoBreaker() throws Exception {
        Tenant refused = tenant();
        Tenant unknownNumber = tenant();
        Tenant fine = tenant();
        gap(fine, 2);
        kapso.key(refused.phoneNumberId(), "another-key-" + UUID.randomUUID());
        kapso.fault(unknownNumber.phoneNumberId(), StubKapso.Fault.answer(404, "{\"error\":{\"message\":\"Unknown phone number\"}}"));

        for (int i = 0; i < 12; i++) {
            JsonNode run = catchUp(refused);
            assertEquals("misconfigured", run.get("status").asText(), run.toString());
            assertTrue(run.get("error").asText().contains("401"), run.toString());
        }
        JsonNode notFound = catchUp(unknownNumber);
        JsonNode caughtUp = catchUp(fine);

        assertEquals("misconfigured", notFound.get("status").asText(), notFound.toString());
        assertTrue(notFound.get("error").asText().contains("404"), notFound.toString());
        assertEquals("done", caughtUp.get("status").asText(), "another workspace's refused key stops nothing here: " + caughtUp);
        assertEquals(2, caughtUp.get("stored").asInt(), caughtUp.toString());
        assertEquals(12, kapso.requests(refused.phoneNumberId()).size(), "one request per run: a configuration problem is not retried");
    }

    @Test
    void kapsosErrorBodyIsEscapedCappedAndNeverCarriesTheKey() throws Exception {
        Tenant t = tenant();
        String forged = "Catch-up run 1 of workspace 1 done: FORGED";
        kapso.fault(t.phoneNumberId(), StubKapso.Fault.answer(400, "{\"error\":{\"message\":\"bad request for key " + t.key()
                + "\"}}\n" + forged + "\n" + "x".repeat(10_000)));

        JsonNode run = catchUp(t);
        String error = run.get("error").asText();
        String stored = app.queryString("SELECT error FROM catchup_run WHERE id = ?", run.get("runId").asLong());

        assertEquals("failed", run.get("status").asText(), run.toString());
        assertTrue(error.contains("400"), error);
        assertFalse(stored.contains(t.key()), "the key is masked in the stored error: " + stored);
        assertFalse(stored.contains("\n"), "Kapso's line breaks are escaped: " + stored);
        assertTrue(stored.length() < 1_000, "capped: " + stored.length() + " characters");
        String log = LOG.toString();
        assertFalse(log.contains(t.key()), "the key never reaches the log");
        assertFalse(log.contains("\n" + forged), "no log line forged by Kapso's body");
    }

    @Test
    void aManualRunAnswers202AndASecondWhileItRunsIs409WithItsId() throws Exception {
        Tenant t = tenant();
        gap(t, 2);
        kapso.fault(t.phoneNumberId(), StubKapso.Fault.hang(1500)); // the first page times out once, then comes

        HttpResponse<String> started = app.call("POST", "/api/admin/workspaces/" + t.id() + "/catch-up", null, ADMIN);
        HttpResponse<String> second = app.call("POST", "/api/admin/workspaces/" + t.id() + "/catch-up", null, ADMIN);
        assertEquals(202, started.statusCode(), started.body());
        JsonNode run = JSON.readTree(started.body());
        JsonNode done = follow(started);

        assertEquals("running", run.get("status").asText(), run.toString());
        assertEquals("/api/admin/workspaces/" + t.id() + "/catch-up/runs/" + run.get("runId").asLong(),
                started.headers().firstValue("Location").orElse(null));
        assertEquals(409, second.statusCode(), second.body());
        assertEquals(run.get("runId").asLong(), JSON.readTree(second.body()).get("runId").asLong(), second.body());
        assertEquals("done", done.get("status").asText(), done.toString());
        assertEquals(2, done.get("stored").asInt(), done.toString());
        assertEquals(404, app.get("/api/admin/workspaces/" + t.id() + "/catch-up/runs/999999999", ADMIN).statusCode());
    }

    @Test
    void aStopDuringARunClosesItsRecordSoTheNextStartCatchesUp() throws Exception {
        java.nio.file.Path data = LeadlineApp.freshDataDir();
        Map<String, String> settings = Map.of("admin.token", ADMIN, "summaries.enabled", "false", "kapso.api-base-url", kapso.baseUrl(),
                "catchup.on-start", "false", "catchup.scheduled", "false", "catchup.timeout-ms", "10000", "catchup.max-retries", "0");
        String phoneNumberId = String.valueOf(750_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
        long runId;
        try (LeadlineApp first = LeadlineApp.start(data, settings)) {
            HttpResponse<String> created = first.call("POST", "/api/admin/workspaces", "{\"name\": \"Stop\", \"phoneNumberId\": \""
                    + phoneNumberId + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"a-secret-of-16-chars\"}", ADMIN);
            long id = JSON.readTree(created.body()).get("id").asLong();
            kapso.key(phoneNumberId, "kapso-key-stop");
            assertEquals(200, first.call("PUT", "/api/admin/workspaces/" + id + "/kapso-key", "{\"apiKey\": \"kapso-key-stop\"}", ADMIN).statusCode());
            kapso.fault(phoneNumberId, StubKapso.Fault.hang(8000));
            HttpResponse<String> started = first.call("POST", "/api/admin/workspaces/" + id + "/catch-up", null, ADMIN);
            assertEquals(202, started.statusCode(), started.body());
            runId = JSON.readTree(started.body()).get("runId").asLong();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (kapso.requests(phoneNumberId).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } // stopped while Kapso has not answered
        try (LeadlineApp second = LeadlineApp.start(data, settings)) {
            assertEquals("interrupted", second.queryString("SELECT status FROM catchup_run WHERE id = ?", runId),
                    "closed by the stop, not left running until stale");
        }
    }
}
