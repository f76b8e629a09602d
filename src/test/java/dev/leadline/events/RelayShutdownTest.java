package dev.leadline.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.LogCapture;
import dev.leadline.support.Tenant;
import dev.leadline.support.WebhookReceiver;
import dev.leadline.support.WebhookReceiver.Answer;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * A service stopping while its relay sends webhooks stops gracefully: the attempts in flight finish and are
 * recorded, within the shutdown timeout, instead of the stop waiting on the relay and then forcing it.
 */
class RelayShutdownTest {

    @Test
    void aStopDuringDeliveriesFinishesTheAttemptsInFlight() throws Exception {
        LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of("summaries.enabled", "false",
                "events.allow-http", "true", "events.allow-private-targets", "true", "events.relay-interval-ms", "100",
                "events.concurrency", "4"));
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.always(Answer.hang(Duration.ofMillis(300)));
            Tenant t = Tenant.create(app);
            HttpResponse<String> created = app.call("POST", "/api/subscriptions", "{\"url\": \"" + receiver.url("/slow") + "\"}", t.token);
            assertEquals(201, created.statusCode(), created.body());
            for (int i = 0; i < 20; i++) {
                t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.stop"), Workspaces.newPhone(), "hi",
                        Instant.now().getEpochSecond()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (receiver.requests().size() < 4) {
                assertTrue(System.nanoTime() < deadline, "the relay did not start sending");
                Thread.sleep(20);
            }
            long stopping = System.nanoTime();
            String log;
            try (LogCapture capture = LogCapture.start()) {
                app.close();
                log = capture.toString();
            }
            long stopMillis = Duration.ofNanos(System.nanoTime() - stopping).toMillis();
            System.out.printf("stopped during deliveries in %d ms%n", stopMillis);
            assertFalse(log.contains("Forcing the routes to be shutdown"), log.lines()
                    .filter(l -> l.contains("ShutdownStrategy")).findFirst().orElse(""));
            assertTrue(stopMillis < 5000, "stopped within the shutdown timeout: " + stopMillis + " ms");
        } finally {
            app.close();
        }
    }
}
