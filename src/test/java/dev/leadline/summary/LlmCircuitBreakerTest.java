package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.StubLlm.Fault;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.junit.jupiter.api.Test;

/** A provider that is down is not hammered: the breaker opens, and the leads wait for the next run. */
class LlmCircuitBreakerTest {

    @Test
    void theBreakerOpensOnADeadProviderAndTheNextRunCatchesUp() throws Exception {
        ZoneId jakarta = ZoneId.of("Asia/Jakarta");
        LocalDate day = LocalDate.now(jakarta).minusDays(1);
        int leads = 12;
        int maxRetries = 2;
        try (StubLlm llm = new StubLlm();
             LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(), Map.ofEntries(
                     Map.entry("summaries.enabled", "false"),
                     Map.entry("llm.max-retries", String.valueOf(maxRetries)),
                     Map.entry("llm.retry-delay-ms", "20"),
                     Map.entry("llm.max-retry-delay-ms", "50"),
                     Map.entry("llm.circuit-breaker.window-size", "6"),
                     Map.entry("llm.circuit-breaker.minimum-calls", "6"),
                     Map.entry("llm.circuit-breaker.open-seconds", "2"),
                     Map.entry("summaries.concurrency", "2"))))) {
            new Webhooks(app, Workspaces.DEMO_SECRET).newLeadsWithAMessage(leads, day, jakarta);
            SummaryRuns runs = new SummaryRuns(app, Workspaces.DEMO_TOKEN);
            CircuitBreaker breaker = app.context().getProcessor("llm-circuit-breaker", ResilienceProcessor.class).getCircuitBreaker();
            AtomicLong openedAt = new AtomicLong();
            breaker.getEventPublisher().onStateTransition(event -> {
                if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    openedAt.set(System.nanoTime()); // the last time: trial calls during a long outage reopen it
                }
            });
            llm.always(Fault.serverError());

            JsonNode outage = runs.runDay(day.toString());
            int callsDuringOutage = llm.requests().size();
            llm.always(null);
            // No blind sleep: the breaker lets trial calls through once its open time has passed since it last opened.
            assertTrue(openedAt.get() != 0, "the breaker opened during the outage");
            long trialsFrom = openedAt.get() + breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1) * 1_000_000L;
            Thread.sleep(Math.max(0, (trialsFrom - System.nanoTime()) / 1_000_000L + 50));
            JsonNode recovered = runs.runDay(day.toString());

            assertEquals(leads, outage.get("failed").asInt());
            assertTrue(callsDuringOutage < leads * (1 + maxRetries) / 2,
                    "the open breaker spared the provider: " + callsDuringOutage + " calls for " + leads + " lead-days");
            assertEquals(leads, recovered.get("notesWritten").asInt());
            assertEquals(leads, app.queryLong("SELECT count(*) FROM note n JOIN lead l ON l.id = n.lead_id "
                    + "WHERE n.day = ? AND n.generator = ?", day, StubLlm.MODEL));
        }
    }
}
