package dev.leadline.catchup;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.LogCapture;
import dev.leadline.support.StubKapso;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Catch-up reads back from Kapso's message history (a stub on loopback) what the webhooks
 * missed, and stores it once, through the webhook's own statement. Every log line of the class is
 * captured, to prove that no Kapso key ever reaches it.
 */
class KapsoCatchUpTest {

    static final String ADMIN = LeadlineApp.ADMIN_TOKEN;
    static final String SECRET = "a-secret-of-16-chars";
    static final int PAGE_SIZE = 3;
    static LeadlineApp app;
    static StubKapso kapso;
    static LogCapture LOG;
    static final java.util.Set<String> KEYS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        LOG = LogCapture.start();
        kapso = new StubKapso();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "admin.token", ADMIN,
                "summaries.enabled", "false",
                "kapso.api-base-url", kapso.baseUrl(),
                "catchup.page-size", String.valueOf(PAGE_SIZE),
                "catchup.on-start", "false",
                "catchup.scheduled", "false", // the runs below are the only ones
                "catchup.timeout-ms", "1000",
                "catchup.max-retries", "3",
                "catchup.retry-delay-ms", "50",
                "catchup.max-retry-delay-ms", "200"));
    }

    @AfterAll
    static void stop() {
        app.close();
        kapso.close();
        LOG.close();
        String captured = LOG.toString();
        assertTrue(captured.contains("Catch-up run"), "the log was captured");
        for (String key : KEYS) {
            assertFalse(captured.contains(key), "a Kapso key reached the log");
        }
    }

    /** A workspace made through the admin API, with its Kapso key set (or none when key is null). */
    record Tenant(long id, String phoneNumberId, String key, Webhooks webhooks, String token) {
    }

    static Tenant tenant(boolean withKey) throws Exception {
        String phoneNumberId = String.valueOf(720_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
        HttpResponse<String> created = app.call("POST", "/api/admin/workspaces", "{\"name\": \"Catch\", \"phoneNumberId\": \""
                + phoneNumberId + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"" + SECRET + "\"}", ADMIN);
        assertEquals(201, created.statusCode(), created.body());
        long id = JSON.readTree(created.body()).get("id").asLong();
        String key = null;
        if (withKey) {
            key = "kapso-key-" + UUID.randomUUID();
            KEYS.add(key);
            kapso.key(phoneNumberId, key);
            HttpResponse<String> set = app.call("PUT", "/api/admin/workspaces/" + id + "/kapso-key", "{\"apiKey\": \"" + key + "\"}", ADMIN);
            assertEquals(200, set.statusCode(), set.body());
            assertFalse(set.body().contains(key));
        }
        return new Tenant(id, phoneNumberId, key, new Webhooks(app, SECRET), JSON.readTree(created.body()).get("apiToken").asText());
    }

    /** A manual catch-up: 202 with the run as started, then its Location followed until it ends. */
    static JsonNode catchUp(Tenant t, String query) throws Exception {
        HttpResponse<String> started = app.call("POST", "/api/admin/workspaces/" + t.id() + "/catch-up" + query, null, ADMIN);
        assertEquals(202, started.statusCode(), started.body());
        String location = started.headers().firstValue("Location").orElseThrow();
        JsonNode run = JSON.readTree(started.body());
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while ("running".equals(run.path("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            HttpResponse<String> polled = app.get(location, ADMIN);
            assertEquals(200, polled.statusCode(), polled.body());
            if (t.key() != null) {
                assertFalse(polled.body().contains(t.key()), "the key is never answered");
            }
            run = JSON.readTree(polled.body());
        }
        return run;
    }

    static long epoch(Instant at) {
        return at.getEpochSecond();
    }

    /** n gap messages a minute apart, ending an hour ago, alternating between two customers. */
    static List<String> gap(Tenant t, int n) {
        String[] phones = {Workspaces.newPhone(), Workspaces.newPhone()};
        Instant first = Instant.now().minus(1, ChronoUnit.HOURS).minus(n, ChronoUnit.MINUTES);
        List<String> wamids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String wamid = Workspaces.unique("wamid.gap");
            String phone = phones[i % 2];
            kapso.add(t.phoneNumberId(), StubKapso.inbound(wamid, phone.substring(1), "conv-" + phone, "Pelanggan " + (i % 2),
                    "pesan " + i, epoch(first.plus(i, ChronoUnit.MINUTES))));
            wamids.add(wamid);
        }
        return wamids;
    }

    long count(String sql, Object... params) throws Exception {
        return app.queryLong(sql, params);
    }

    @Test
    void gapMessagesAreStoredOnceIncludingOneTheWebhookAlsoDelivers() throws Exception {
        Tenant t = tenant(true);
        String phone = Workspaces.newPhone();
        Instant at = Instant.now().minus(30, ChronoUnit.MINUTES);
        String early = Workspaces.unique("wamid.early");
        String late = Workspaces.unique("wamid.late");
        String onlyApi = Workspaces.unique("wamid.api");
        kapso.add(t.phoneNumberId(), StubKapso.inbound(early, phone.substring(1), "conv-" + phone, "Siti", "halo", epoch(at)));
        kapso.add(t.phoneNumberId(), StubKapso.inbound(onlyApi, phone.substring(1), "conv-" + phone, "Siti", "ada promo?", epoch(at) + 60));
        kapso.add(t.phoneNumberId(), StubKapso.inbound(late, phone.substring(1), "conv-" + phone, "Siti", "jam buka?", epoch(at) + 120));
        // delivered by webhook before the catch-up ran
        assertEquals(200, t.webhooks().kapso(Webhooks.received(t.phoneNumberId(), early, phone, "halo", epoch(at))).statusCode());

        JsonNode run = catchUp(t, "");
        // Kapso's late webhook of a message the catch-up already stored
        HttpResponse<String> lateWebhook = t.webhooks().kapso(Webhooks.received(t.phoneNumberId(), late, phone, "jam buka?", epoch(at) + 120));

        assertEquals("done", run.get("status").asText(), run.toString());
        assertEquals("manual", run.get("trigger").asText());
        assertEquals(3, run.get("seen").asInt(), run.toString());
        assertEquals(2, run.get("stored").asInt(), run.toString());
        assertEquals(1, run.get("duplicates").asInt(), run.toString());
        assertEquals(1, run.get("pages").asInt(), run.toString());
        assertEquals(1, JSON.readTree(lateWebhook.body()).get("duplicates").asInt(), lateWebhook.body());
        assertEquals(3, count("SELECT count(*) FROM message WHERE workspace_id = ?", t.id()));
        assertEquals(3, count("SELECT count(DISTINCT wamid) FROM message WHERE workspace_id = ?", t.id()));
        assertEquals(1, count("SELECT count(*) FROM lead WHERE workspace_id = ?", t.id()));
        assertEquals(1, count("SELECT count(*) FROM conversation WHERE workspace_id = ?", t.id()));
        assertEquals(2, count("SELECT count(*) FROM message WHERE workspace_id = ? AND source = 'catch-up'", t.id()));
        assertEquals("webhook", app.queryString("SELECT source FROM message WHERE workspace_id = ? AND wamid = ?", t.id(), early));
        assertEquals("ada promo?", app.queryString("SELECT text FROM message WHERE workspace_id = ? AND wamid = ?", t.id(), onlyApi));
        assertNotNull(app.queryString("SELECT catchup_watermark FROM workspace WHERE id = ?", t.id()), "a complete pass moves the watermark");
        StubKapso.Request request = kapso.requests(t.phoneNumberId()).get(0);
        assertEquals(t.key(), request.apiKey());
        assertTrue(request.query().get("fields").startsWith("kapso(direction"), request.query().toString());
        assertEquals(String.valueOf(PAGE_SIZE), request.query().get("limit"));

        JsonNode again = catchUp(t, "");
        assertEquals(0, again.get("stored").asInt(), again.toString());
        assertEquals(3, count("SELECT count(*) FROM message WHERE workspace_id = ?", t.id()));
    }

    @Test
    void pagesAreWalkedWithTheirCursorAndTheSameFilters() throws Exception {
        Tenant t = tenant(true);
        List<String> wamids = gap(t, 10);

        JsonNode run = catchUp(t, "");

        assertEquals(4, run.get("pages").asInt(), run.toString());
        assertEquals(10, run.get("seen").asInt());
        assertEquals(10, run.get("stored").asInt());
        assertEquals(10, count("SELECT count(*) FROM message WHERE workspace_id = ? AND wamid = ANY(?)", t.id(),
                wamids.toArray(new String[0])));
        assertEquals(2, count("SELECT count(*) FROM lead WHERE workspace_id = ?", t.id()));
        List<StubKapso.Request> requests = kapso.requests(t.phoneNumberId());
        assertEquals(4, requests.size());
        assertNull(requests.get(0).query().get("after"));
        for (StubKapso.Request r : requests.subList(1, 4)) {
            assertNotNull(r.query().get("after"), "later pages carry the cursor");
            assertEquals(requests.get(0).query().get("since"), r.query().get("since"), "the same query on every page");
            assertEquals(requests.get(0).query().get("until"), r.query().get("until"));
        }
    }

    @Test
    void aFailureBetweenPagesThenARerunStoresTheRestWithoutDuplicates() throws Exception {
        Tenant t = tenant(true);
        gap(t, 7);
        kapso.fault(t.phoneNumberId(), StubKapso.Fault.onPage(1, 400));

        JsonNode failed = catchUp(t, "");
        String watermarkAfterFailure = app.queryString("SELECT catchup_watermark FROM workspace WHERE id = ?", t.id());
        JsonNode rerun = catchUp(t, "");

        assertEquals("failed", failed.get("status").asText(), failed.toString());
        assertTrue(failed.get("error").asText().contains("400"), failed.toString());
        assertEquals(1, failed.get("pages").asInt());
        assertEquals(PAGE_SIZE, failed.get("stored").asInt());
        assertNotNull(watermarkAfterFailure, "the committed page moved the watermark (the listing is oldest first)");
        assertEquals("done", rerun.get("status").asText(), rerun.toString());
        assertEquals(7 - PAGE_SIZE, rerun.get("stored").asInt(), rerun.toString());
        assertEquals(7, count("SELECT count(*) FROM message WHERE workspace_id = ?", t.id()));
        assertEquals(7, count("SELECT count(DISTINCT wamid) FROM message WHERE workspace_id = ?", t.id()));
    }

    @Test
    void rateLimitsServerErrorsAndTimeoutsAreRetried() throws Exception {
        Tenant t = tenant(true);
        gap(t, 2);
        kapso.fault(t.phoneNumberId(), StubKapso.Fault.tooManyRequests("1"));
        kapso.fault(t.phoneNumberId(), StubKapso.Fault.status(500));
        kapso.fault(t.phoneNumberId(), StubKapso.Fault.hang(2500));

        JsonNode run = catchUp(t, "");

        assertEquals("done", run.get("status").asText(), run.toString());
        assertEquals(2, run.get("stored").asInt());
        List<StubKapso.Request> requests = kapso.requests(t.phoneNumberId());
        assertEquals(4, requests.size(), "429, 500, a timeout, then the page");
        assertTrue(requests.get(1).atMillis() - requests.get(0).atMillis() >= 900,
                "Retry-After: 1 was honoured: " + (requests.get(1).atMillis() - requests.get(0).atMillis()) + " ms");
    }

    @Test
    void aRefusedKeyStopsItsWorkspaceAndTheOthersGoOn() throws Exception {
        Tenant refused = tenant(true);
        Tenant fine = tenant(true);
        Tenant keyless = tenant(false);
        gap(refused, 2);
        gap(fine, 2);
        gap(keyless, 2);
        kapso.key(refused.phoneNumberId(), "another-key-" + UUID.randomUUID());
        MeterRegistry meters = app.context().getRegistry().findSingleByType(MeterRegistry.class);

        for (int i = 0; i < 2; i++) {
            app.context().createProducerTemplate().send("direct:catch-up-all", e -> e.setVariable("trigger", "schedule"));
        }

        assertEquals("misconfigured", app.queryString("SELECT status FROM catchup_run WHERE workspace_id = ? ORDER BY id LIMIT 1", refused.id()));
        assertEquals(0, count("SELECT count(*) FROM message WHERE workspace_id = ?", refused.id()));
        assertEquals("done", app.queryString("SELECT status FROM catchup_run WHERE workspace_id = ? ORDER BY id LIMIT 1", fine.id()));
        assertEquals(2, count("SELECT count(*) FROM message WHERE workspace_id = ?", fine.id()));
        assertEquals(0, count("SELECT count(*) FROM catchup_run WHERE workspace_id = ?", keyless.id()));
        assertTrue(kapso.requests(keyless.phoneNumberId()).isEmpty(), "a workspace without a key is never asked for");
        assertEquals(1, kapso.requests(refused.phoneNumberId()).size() / 2, "one request per run: a 401 is not retried");
        String log = LOG.toString();
        assertTrue(log.contains("Catch-up of workspace " + refused.id() + " stopped: Kapso answered HTTP 401"), log);
        assertEquals(1, log.split("Catch-up skips workspace " + keyless.id() + ":", -1).length - 1, "the skip is said once");
        Counter misconfigured = meters.find("leadline.catchup.misconfigured").tag("workspace", String.valueOf(refused.id())).counter();
        assertNotNull(misconfigured);
        assertEquals(2.0, misconfigured.count());
    }

    @Test
    void theAdminTriggerValidatesItsRequest() throws Exception {
        Tenant keyless = tenant(false);
        Tenant t = tenant(true);
        gap(t, 2);
        Instant since = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Instant until = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        JsonNode windowed = catchUp(t, "?since=" + since + "&until=" + until);

        assertEquals(since, Instant.parse(windowed.get("since").asText()));
        assertEquals(until, Instant.parse(windowed.get("until").asText()));
        assertEquals(2, windowed.get("stored").asInt());
        assertNull(app.queryString("SELECT catchup_watermark FROM workspace WHERE id = ?", t.id()), "a window by hand leaves the watermark");
        assertEquals(409, app.call("POST", "/api/admin/workspaces/" + keyless.id() + "/catch-up", null, ADMIN).statusCode());
        assertEquals(400, app.get("/api/admin/workspaces/" + t.id() + "/catch-up/runs/abc", ADMIN).statusCode());
        assertEquals(404, app.get("/api/admin/workspaces/" + keyless.id() + "/catch-up/runs/" + windowed.get("runId").asLong(), ADMIN).statusCode(),
                "a run is shown only under its own workspace");
        assertEquals(401, app.get("/api/admin/workspaces/" + t.id() + "/catch-up/runs/" + windowed.get("runId").asLong(), "wrong").statusCode());
        assertEquals(404, app.call("POST", "/api/admin/workspaces/999999999/catch-up", null, ADMIN).statusCode());
        assertEquals(400, app.call("POST", "/api/admin/workspaces/" + t.id() + "/catch-up?since=yesterday", null, ADMIN).statusCode());
        assertEquals(400, app.call("POST", "/api/admin/workspaces/" + t.id() + "/catch-up?since=" + until + "&until=" + since, null, ADMIN).statusCode());
        assertEquals(401, app.call("POST", "/api/admin/workspaces/" + t.id() + "/catch-up", null, "wrong").statusCode());
    }

    @Test
    void aLateMessageRefreshesTheWrittenDailySummaryOnce() throws Exception {
        Tenant t = tenant(true);
        java.time.ZoneId zone = java.time.ZoneId.of("Asia/Jakarta");
        java.time.LocalDate day = java.time.LocalDate.now(zone).minusDays(1);
        Instant ten = day.atTime(10, 0).atZone(zone).toInstant();
        String phone = Workspaces.newPhone();
        String delivered = Workspaces.unique("wamid.day");
        String missed = Workspaces.unique("wamid.missed");
        assertEquals(200, t.webhooks().kapso(Webhooks.received(t.phoneNumberId(), delivered, phone, "Halo, ada paket bulanan?", epoch(ten))).statusCode());
        kapso.add(t.phoneNumberId(), StubKapso.inbound(delivered, phone.substring(1), "conv-" + phone, "Siti", "Halo, ada paket bulanan?", epoch(ten)));
        kapso.add(t.phoneNumberId(), StubKapso.inbound(missed, phone.substring(1), "conv-" + phone, "Siti", "Berapa harganya?", epoch(ten) + 3600));
        dev.leadline.support.SummaryRuns runs = new dev.leadline.support.SummaryRuns(app, t.token());
        long lead = count("SELECT id FROM lead WHERE workspace_id = ?", t.id());

        JsonNode first = runs.runDay(day.toString());
        String noteId = app.queryString("SELECT id FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", lead, day);
        JsonNode caughtUp = catchUp(t, "?since=" + ten.minus(1, ChronoUnit.HOURS) + "&until=" + ten.plus(3, ChronoUnit.HOURS));
        JsonNode refreshed = runs.runDay(day.toString());
        JsonNode idle = runs.runDay(day.toString());

        assertEquals(1, first.get("notesWritten").asInt(), first.toString());
        assertEquals(1, caughtUp.get("stored").asInt(), caughtUp.toString());
        assertEquals(1, refreshed.get("notesRewritten").asInt(), refreshed.toString());
        assertEquals(0, idle.get("notesWritten").asInt(), idle.toString());
        assertEquals(noteId, app.queryString("SELECT id FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", lead, day),
                "rewritten in place");
        assertEquals("2", app.queryString("SELECT CAST(covered_messages AS text) FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", lead, day));
        assertEquals(1, count("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", lead, day),
                "never a second note for the lead-day");
    }
}
