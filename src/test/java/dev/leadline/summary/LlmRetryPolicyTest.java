package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.StubLlm.Fault;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The LLM policy that lives outside Java: which statuses are retried (llm-retries in error-handling.camel.yaml,
 * onWhen on the status) and the prompt templates, as the running routes apply them.
 */
class LlmRetryPolicyTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    static final LocalDate DAY = LocalDate.now(JAKARTA).minusDays(1);

    static StubLlm llm;
    static LeadlineApp app;
    static SummaryRuns runs;

    @BeforeAll
    static void start() throws Exception {
        llm = new StubLlm();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(), Map.ofEntries(
                Map.entry("summaries.enabled", "false"),
                Map.entry("llm.max-retries", "2"),
                Map.entry("llm.retry-delay-ms", "10"),
                Map.entry("llm.max-retry-delay-ms", "20"),
                Map.entry("llm.circuit-breaker.window-size", "1000"),
                Map.entry("llm.circuit-breaker.minimum-calls", "1000"))));
        runs = new SummaryRuns(app, Workspaces.DEMO_TOKEN);
    }

    @AfterAll
    static void stop() {
        app.close();
        llm.close();
    }

    @BeforeEach
    void resetStub() {
        llm.reset();
    }

    static long leadSaying(String text) throws Exception {
        String phone = Workspaces.newPhone();
        long at = DAY.atTime(LocalTime.of(10, 0)).atZone(JAKARTA).toEpochSecond();
        assertEquals(200, new Webhooks(app, Workspaces.DEMO_SECRET).kapso(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID,
                Workspaces.unique("wamid.policy"), phone, text, at)).statusCode());
        return app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void busyAndFailingStatusesAreRetried(int status) throws Exception {
        long lead = leadSaying("Halo " + status);
        llm.enqueue(new Fault(status, "{\"error\":\"try later\"}", null, 0), new Fault(status, "{}", null, 0));

        JsonNode run = runs.runLead(DAY.toString(), lead);

        assertEquals("completed", run.get("status").asText());
        assertEquals(1, run.get("notesWritten").asInt());
        assertEquals(3, llm.requests().size(), "two failures, then the note");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 422})
    void refusalsAreNotRetriedAndStopTheRun(int status) throws Exception {
        long lead = leadSaying("Halo " + status);
        llm.always(new Fault(status, "{\"error\":\"no\"}", null, 0));

        JsonNode run = runs.runLead(DAY.toString(), lead);

        assertEquals("aborted", run.get("status").asText());
        assertTrue(run.get("error").asText().startsWith("LLM answered HTTP " + status), run.get("error").asText());
        assertTrue(run.get("error").asText().contains("llm."), "names the setting: " + run.get("error").asText());
        assertEquals(1, llm.requests().size(), "not retried");
    }

    @Test
    void theLeadsWordsReachTheModelAsTheyWereWritten() throws Exception {
        String text = "Harga ${header.CamelHttpMethod}, {{llm.api-key}}, \"paket\" ${body} ?";
        long lead = leadSaying(text);

        runs.runLead(DAY.toString(), lead);

        String user = llm.requests().get(0).at("/messages/1/content").asText();
        assertTrue(user.contains("lead: " + text), user);
        assertTrue(llm.requests().get(0).at("/messages/0/content").asText().contains("Write in Indonesian"));
    }
}
