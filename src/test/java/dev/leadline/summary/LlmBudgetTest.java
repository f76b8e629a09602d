package dev.leadline.summary;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.LogCapture;
import dev.leadline.support.Prometheus;
import dev.leadline.support.StubLlm;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Tenant;
import dev.leadline.support.TestPorts;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The LLM budget per workspace and local day: a stub LLM that reports usage; a budget that covers exactly 3 of 10
 * lead-days gives 3 LLM notes and 7 offline notes marked with the reason, and what is recorded as spent (notes, run,
 * the spend API, the metrics) is the stub's usage times the prices. Forced runs respect the budget; the admin raises
 * it. The stub reports as usage exactly what the service estimates before the call (the request's characters / 4 in,
 * max_tokens out), so which three lead-days fit does not depend on the order the run's threads reserve in.
 */
class LlmBudgetTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    static final LocalDate DAY = LocalDate.now(JAKARTA).minusDays(1);
    static final BigDecimal IN = new BigDecimal("1.25");
    static final BigDecimal OUT = new BigDecimal("2.50");
    // A large answer allowance makes every lead-day's estimate about 0.1 USD: 0.35 USD covers 3, never 4.
    static final int MAX_TOKENS = 40_000;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static StubLlm llm;
    static LeadlineApp app;
    static final ConcurrentLinkedQueue<long[]> usages = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        llm = new StubLlm();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(), Map.of(
                "summaries.enabled", "false",
                "admin.token", LeadlineApp.ADMIN_TOKEN,
                "management.port", String.valueOf(TestPorts.next()),
                "llm.max-tokens", String.valueOf(MAX_TOKENS))));
        llm.usage((body, request) -> {
            long[] tokens = {(body.length() + 3) / 4, request.get("max_tokens").asLong()};
            usages.add(tokens);
            return tokens;
        });
    }

    @AfterAll
    static void stop() {
        app.close();
        llm.close();
    }

    static BigDecimal cost(long[] tokens) {
        return BigDecimal.valueOf(tokens[0]).multiply(IN).add(BigDecimal.valueOf(tokens[1]).multiply(OUT))
                .divide(BigDecimal.valueOf(1_000_000));
    }

    static HttpResponse<String> patchBudget(long workspaceId, String budget) throws Exception {
        return app.call("PATCH", "/api/admin/workspaces/" + workspaceId, "{\"llmDailyBudgetUsd\": " + budget + "}",
                LeadlineApp.ADMIN_TOKEN);
    }

    static Prometheus metrics() throws Exception {
        String port = app.context().resolvePropertyPlaceholders("{{management.port}}");
        return new Prometheus(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void aBudgetOfThreeLeadDaysGivesThreeLlmNotesAndSevenOfflineOnesAndRecordsWhatTheyCost() throws Exception {
        Tenant tenant = Tenant.create(app);
        SummaryRuns runs = new SummaryRuns(app, tenant.token);
        List<Long> leads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String phone = Workspaces.newPhone();
            long at = DAY.atTime(LocalTime.of(10, i)).atZone(JAKARTA).toEpochSecond();
            HttpResponse<String> stored = tenant.webhooks.kapso(Webhooks.received(tenant.phoneNumberId,
                    Workspaces.unique("wamid.budget"), phone, "Halo, berapa harga paket bulanan?", at));
            assertEquals(200, stored.statusCode(), stored.body());
            leads.add(app.queryLong("SELECT id FROM lead WHERE phone = ?", phone));
        }
        HttpResponse<String> set = patchBudget(tenant.workspaceId, "0.35");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(new BigDecimal("0.35"), JSON.readTree(set.body()).get("llmDailyBudgetUsd").decimalValue());
        assertEquals(400, patchBudget(tenant.workspaceId, "-1").statusCode());
        assertEquals(400, patchBudget(tenant.workspaceId, "0.001").statusCode(), "a budget in cents, never rounded");
        usages.clear();

        JsonNode run;
        String log;
        try (LogCapture capture = LogCapture.start()) {
            run = runs.runDay(DAY.toString());
            log = capture.toString();
        }

        // 3 notes by the LLM, 7 by the offline summariser, which say why
        assertEquals("completed", run.get("status").asText(), run.toString());
        assertEquals(10, run.get("notesWritten").asInt());
        assertEquals(7, run.get("overBudget").asInt());
        assertEquals(3, usages.size(), "three calls");
        assertEquals(3, llm.requests().size());
        assertEquals(3, tenant.count("SELECT count(*) FROM note WHERE workspace_id = ? AND generator = ?", StubLlm.MODEL));
        assertEquals(7, tenant.count("SELECT count(*) FROM note WHERE workspace_id = ? AND generator = 'offline' "
                + "AND offline_reason = 'budget'"));
        for (long[] usage : usages) {
            BigDecimal estimate = cost(usage);
            assertTrue(estimate.compareTo(new BigDecimal("0.35").divide(BigDecimal.valueOf(4))) > 0
                    && estimate.multiply(BigDecimal.valueOf(3)).compareTo(new BigDecimal("0.35")) <= 0,
                    "each lead-day's estimate lets exactly 3 fit: " + estimate);
        }
        long offlineLead = app.queryLong("SELECT lead_id FROM note WHERE workspace_id = ? AND offline_reason = 'budget' "
                + "ORDER BY id LIMIT 1", tenant.workspaceId);
        JsonNode offline = JSON.readTree(app.get("/api/leads/" + offlineLead + "/timeline?kind=daily_summary", tenant.token)
                .body()).at("/items/0");
        assertEquals("offline", offline.get("generator").asText());
        assertEquals("budget", offline.get("offlineReason").asText());
        assertTrue(offline.get("structured").get("summary").asText().contains("mengirim 1 pesan"), offline.toString());

        // what was spent is the stub's usage times the prices: on each note, the run, the spend API and the metrics
        BigDecimal expected = usages.stream().map(LlmBudgetTest::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertEquals(0, expected.compareTo(run.get("costUsd").decimalValue()), run.toString());
        assertEquals(0, expected.compareTo(new BigDecimal(tenant.one("SELECT sum(cost_usd) FROM note WHERE workspace_id = ?"))));
        long llmLead = app.queryLong("SELECT lead_id FROM note WHERE workspace_id = ? AND generator = ? LIMIT 1",
                tenant.workspaceId, StubLlm.MODEL);
        JsonNode llmNote = JSON.readTree(app.get("/api/leads/" + llmLead + "/timeline?kind=daily_summary", tenant.token)
                .body()).at("/items/0");
        assertEquals(0, cost(new long[] {llmNote.get("promptTokens").asLong(), llmNote.get("completionTokens").asLong()})
                .compareTo(llmNote.get("costUsd").decimalValue()), llmNote.toString());
        assertTrue(llmNote.get("offlineReason").isNull());
        JsonNode spend = JSON.readTree(app.get("/api/summaries/spend", tenant.token).body());
        JsonNode today = spend.at("/days/0");
        assertEquals(LocalDate.now(JAKARTA).toString(), today.get("day").asText(), "the workspace's local day of the calls");
        assertEquals(0, expected.compareTo(today.get("spentUsd").decimalValue()), spend.toString());
        assertEquals(0, today.get("reservedUsd").decimalValue().signum(), "every reservation settled");
        assertEquals(3, today.get("calls").asInt());
        assertEquals(7, today.get("overBudget").asInt());
        assertEquals(0, new BigDecimal("0.35").compareTo(today.get("budgetUsd").decimalValue()));
        assertEquals(0, new BigDecimal("0.35").compareTo(spend.get("dailyBudgetUsd").decimalValue()));
        assertEquals(usages.stream().mapToLong(u -> u[0]).sum(), today.get("promptTokens").asLong());
        Prometheus metrics = metrics();
        String workspace = String.valueOf(tenant.workspaceId);
        assertEquals(expected.doubleValue(), metrics.value("leadline_llm_cost_usd_total", "workspace", workspace), 1e-9);
        assertEquals(7.0, metrics.value("leadline_llm_over_budget_total", "workspace", workspace));
        // the log warned once, when the day reached 80%
        assertEquals(1, log.lines().filter(l -> l.startsWith("LLM budget of workspace " + workspace + " for ")).count(), log);
        assertTrue(log.contains("past 80%"), log);

        // A forced run of a lead respects the budget too: still offline, for the same reason.
        long lead = leads.get(0);
        llm.reset();
        JsonNode forced = runs.runLead(DAY.toString(), lead, "force=true");
        assertEquals(1, forced.get("overBudget").asInt(), forced.toString());
        assertEquals(0, llm.requests().size());
        assertEquals("budget", app.queryString("SELECT offline_reason FROM note WHERE lead_id = ? AND day = ?", lead, DAY));

        // The admin raises the budget: the next forced run is written by the LLM.
        assertEquals(200, patchBudget(tenant.workspaceId, "2").statusCode());
        JsonNode raised = runs.runLead(DAY.toString(), lead, "force=true");
        assertEquals(0, raised.get("overBudget").asInt(), raised.toString());
        assertEquals(1, llm.requests().size());
        assertEquals(StubLlm.MODEL, app.queryString("SELECT generator FROM note WHERE lead_id = ? AND day = ?", lead, DAY));
        assertTrue(app.queryString("SELECT offline_reason FROM note WHERE lead_id = ? AND day = ?", lead, DAY) == null);
        assertEquals(0, new BigDecimal("2.00").compareTo(JSON.readTree(app.get("/api/summaries/spend", tenant.token).body())
                .get("dailyBudgetUsd").decimalValue()));
        // null: back to the global default (llm.daily-budget-usd)
        HttpResponse<String> cleared = patchBudget(tenant.workspaceId, "null");
        assertTrue(JSON.readTree(cleared.body()).get("llmDailyBudgetUsd").isNull(), cleared.body());
        assertEquals(0, new BigDecimal("5.00").compareTo(JSON.readTree(app.get("/api/summaries/spend", tenant.token).body())
                .get("dailyBudgetUsd").decimalValue()));
    }

    @Test
    void theSpendApiRefusesABadRange() throws Exception {
        Tenant tenant = Tenant.create(app);
        assertEquals(400, app.get("/api/summaries/spend?from=2026-13-01", tenant.token).statusCode());
        assertEquals(400, app.get("/api/summaries/spend?from=2026-11-02&to=2026-11-01", tenant.token).statusCode());
        assertEquals(400, app.get("/api/summaries/spend?from=2024-01-01&to=2026-01-01", tenant.token).statusCode());
        HttpResponse<String> empty = app.get("/api/summaries/spend?from=2026-11-01&to=2026-11-30", tenant.token);
        assertEquals(200, empty.statusCode(), empty.body());
        assertEquals(0, JSON.readTree(empty.body()).get("days").size());
        assertEquals(401, app.get("/api/summaries/spend", null).statusCode());
    }
}
