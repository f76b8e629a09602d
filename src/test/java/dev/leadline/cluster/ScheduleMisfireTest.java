package dev.leadline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.UUID;

import dev.leadline.support.LeadlineApp;
import org.junit.jupiter.api.Test;

/**
 * The schedule's trigger lives in the database: when every instance was down over several fire times,
 * the first instance back fires once (Quartz's misfire policy "fire once now"), not once per missed fire.
 */
class ScheduleMisfireTest {

    @Test
    void aScheduleMissedThreeTimesWhileEveryInstanceWasDownFiresOnceWhenOneIsBack() throws Exception {
        Path dataDir = LeadlineApp.freshDataDir();
        // Daily, twelve hours away from now: no regular fire during the test.
        int hour = (ZonedDateTime.now(ZoneOffset.UTC).getHour() + 12) % 24;
        Map<String, String> schedule = Map.of(
                "summaries.enabled", "true",
                "summaries.cron", "0 5 " + hour + " * * ?",
                // one name for the three services below, whatever else this JVM runs
                "quartz.scheduler-name", "misfire-" + UUID.randomUUID());
        try (LeadlineApp first = LeadlineApp.start(dataDir, schedule)) {
            assertEquals(1, first.queryLong("SELECT count(*) FROM qrtz_cron_triggers WHERE trigger_name = 'daily-summaries'"), "the trigger is stored");
            assertEquals(1, first.queryLong("SELECT misfire_instr FROM qrtz_triggers WHERE trigger_name = 'daily-summaries'"), "misfire: fire once now");
        }
        // All instances down for three days: the stored trigger's next fire is three days back. (Changed
        // through a service with the schedule off, whose scheduler does not run.)
        try (LeadlineApp off = LeadlineApp.start(dataDir, LeadlineApp.settings(schedule, Map.of("summaries.enabled", "false")))) {
            long threeDaysAgo = System.currentTimeMillis() - Duration.ofDays(3).toMillis();
            assertEquals(1, off.queryLong("WITH u AS (UPDATE qrtz_triggers SET next_fire_time = ? WHERE trigger_name = 'daily-summaries' RETURNING 1) SELECT count(*) FROM u",
                    threeDaysAgo));
            assertEquals(0, off.queryLong("SELECT count(*) FROM summary_run WHERE trigger = 'schedule'"));
        }
        try (LeadlineApp back = LeadlineApp.start(dataDir, schedule)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (back.queryLong("SELECT count(*) FROM summary_run WHERE trigger = 'schedule' AND status <> 'running'") == 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // No sleep for "any further fire": Quartz moves next_fire_time when it fires, so a policy that fired
            // each missed time would leave it in the past here (asserted below), and its further fires would
            // already be recorded: the first run has finished.
            assertEquals(1, back.queryLong("SELECT count(*) FROM summary_run WHERE trigger = 'schedule'"),
                    "one fire for the three missed ones");
            long next = back.queryLong("SELECT next_fire_time FROM qrtz_triggers WHERE trigger_name = 'daily-summaries'");
            assertTrue(next > System.currentTimeMillis(), "then on schedule again: next fire " + next);
        }
    }
}
