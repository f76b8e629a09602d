package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * The provider's rate limit is kept exactly, in every window, retries included: a run of more lead-days than the
 * limit lets through in a window, at a concurrency above it, with no latency, and occasional 429s that are retried.
 * The stub counts its own sliding window as a provider does, and answers 429 past the limit; it never has to.
 * The window is shortened (llm.rate-limit-window-ms) so that the run spans several windows in seconds.
 */
class RateLimitTest {

    @Test
    void noWindowOfTheProvidersSeesMoreCallsThanTheLimitRetriesIncluded() throws Exception {
        ZoneId jakarta = ZoneId.of("Asia/Jakarta");
        LocalDate day = LocalDate.now(jakarta).minusDays(1);
        int leads = 16;
        int limit = 4;
        long windowMillis = 2_000;
        try (StubLlm llm = new StubLlm();
             LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(), Map.ofEntries(
                     Map.entry("summaries.enabled", "false"),
                     Map.entry("summaries.concurrency", "8"),
                     Map.entry("llm.max-requests-per-minute", String.valueOf(limit)),
                     // the stub's window and the default's margin for the trip to it: a second (a cold JVM's first
                     // calls took some 400 ms from their permit to the stub, where 250 ms of margin let the stub refuse)
                     Map.entry("llm.rate-limit-window-ms", String.valueOf(windowMillis + 1_000)),
                     Map.entry("llm.retry-delay-ms", "20"),
                     Map.entry("llm.max-retry-delay-ms", "50"))))) {
            new Webhooks(app, Workspaces.DEMO_SECRET).newLeadsWithAMessage(leads, day, jakarta);
            llm.rateLimit(limit, windowMillis);
            llm.tooManyRequests(0.2, "0", 7);

            JsonNode run = new SummaryRuns(app, Workspaces.DEMO_TOKEN).runDay(day.toString());

            assertEquals(leads, run.get("notesWritten").asInt(), "every lead-day got its note: " + run);
            assertTrue(llm.tooManyAnswered() > 0, "some calls were answered 429 and retried");
            assertEquals(leads + llm.tooManyAnswered(), llm.requestTimes().size(), "one call per note, and one per 429");
            assertEquals(0, llm.rateLimited(), "the provider never had to refuse a call for its rate limit");
            assertEquals(limit, llm.maxInAnyWindow(windowMillis),
                    "the most calls in any window of the provider's is the limit, not more (and the throttle lets it all)");
        }
    }
}
