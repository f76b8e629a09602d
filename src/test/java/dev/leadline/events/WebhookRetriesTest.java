package dev.leadline.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The retry schedule with the shipped settings (application.properties) spans at least three days. */
class WebhookRetriesTest {

    @Test
    void theDefaultScheduleRetriesForMoreThanThreeDaysAndHonoursRetryAfter() throws Exception {
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            settings.load(in);
        }
        long first = Long.parseLong(settings.getProperty("events.retry-delay-ms").trim());
        long cap = Long.parseLong(settings.getProperty("events.max-retry-delay-ms").trim());
        long retryAfterCap = Long.parseLong(settings.getProperty("events.max-retry-after-ms").trim());
        int attempts = Integer.parseInt(settings.getProperty("events.max-attempts").trim());
        WebhookRetries retries = new WebhookRetries(first, cap, retryAfterCap);

        long nominal = 0;
        long jittered = 0;
        for (int failed = 1; failed < attempts; failed++) {
            long delay = retries.delayMillis(failed, null);
            assertTrue(delay >= retries.backoff(failed) && delay <= retries.backoff(failed) * 1.2 + 1, "jitter only adds");
            nominal += retries.backoff(failed);
            jittered += delay;
        }
        System.out.printf("%d attempts: retried for %.1f h nominal, %.1f h with this run's jitter%n", attempts,
                nominal / 3_600_000.0, jittered / 3_600_000.0);
        assertTrue(Duration.ofMillis(nominal).compareTo(Duration.ofDays(3)) >= 0, "at least three days: " + Duration.ofMillis(nominal));
        assertEquals(first, retries.backoff(1));
        assertEquals(first * 2, retries.backoff(2));
        assertEquals(cap, retries.backoff(attempts));

        assertEquals(7000, retries.delayMillis(3, "7"), "Retry-After replaces the backoff");
        assertEquals(retryAfterCap, retries.delayMillis(3, "99999999"), "capped");
        assertEquals(retries.backoff(3), retries.delayMillis(3, "Wed, 21 Oct 2026 07:28:00 GMT"), 0.2 * retries.backoff(3) + 1,
                "an HTTP date is not read: the backoff");
    }
}
