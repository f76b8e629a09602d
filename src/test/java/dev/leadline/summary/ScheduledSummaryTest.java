package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

/** The Quartz schedule itself: it finds yesterday's active lead and writes its note, once. */
class ScheduledSummaryTest {

    @Test
    void theScheduleSummarisesTheCompleteDaysOfTheLookBackOnce() throws Exception {
        ZoneId jakarta = ZoneId.of("Asia/Jakarta");
        LocalDate yesterday = LocalDate.now(jakarta).minusDays(1);
        try (LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "summaries.enabled", "true",
                "summaries.cron", "0/1 * * * * ?"))) {
            String phone = Workspaces.newPhone();
            long at = yesterday.atTime(LocalTime.of(20, 0)).atZone(jakarta).toEpochSecond();
            new Webhooks(app, Workspaces.DEMO_SECRET).kapso(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID,
                    Workspaces.unique("wamid.cron"), phone, "Kapan bisa kirim penawaran?", at));
            long today = LocalDate.now(jakarta).atTime(LocalTime.of(0, 1)).atZone(jakarta).toEpochSecond();
            new Webhooks(app, Workspaces.DEMO_SECRET).kapso(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID,
                    Workspaces.unique("wamid.cron"), phone, "Hari ini belum selesai", Math.min(today, Instant.now().getEpochSecond())));
            long lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);

            // Three fires done from now on: the second and third began after the messages were stored (the
            // schedule is stateful, one fire at a time), so they saw the lead-day, and at least one had the
            // note there already. Only the fires count, not the split's copies (one per workspace), which
            // carry their fire's id as correlation id.
            NotifyBuilder fires = new NotifyBuilder(app.context()).fromRoute("daily-summaries-schedule")
                    .filter(exchange -> exchange.getProperty(Exchange.CORRELATION_ID) == null).whenDone(3).create();
            assertTrue(fires.matches(20, TimeUnit.SECONDS), "three schedule fires within 20 s");

            assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ?", lead), "one note, whatever fires");
            assertEquals(yesterday.toString(), app.queryString("SELECT day::text FROM note WHERE lead_id = ?", lead));
            assertTrue(app.queryLong("SELECT count(*) FROM summary_run WHERE trigger = 'schedule' AND status = 'completed'") >= 2);
            assertEquals(yesterday.minusDays(2).toString() + " " + yesterday,
                    app.queryString("SELECT first_day || ' ' || last_day FROM summary_run WHERE trigger = 'schedule' LIMIT 1"));
        }
    }
}
