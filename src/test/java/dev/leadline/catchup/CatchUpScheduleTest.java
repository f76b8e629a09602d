package dev.leadline.catchup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubKapso;
import dev.leadline.support.Tenant;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * The catch-up's Quartz schedule (catchup.cron): it catches up every workspace with a Kapso key, stores the
 * missed messages once however often it fires, and skips a workspace without a key. (That one instance of
 * several runs each fire is TwoInstanceTest's.)
 */
class CatchUpScheduleTest {

    @Test
    void theScheduleStoresTheMissedMessagesOnceAndSkipsAWorkspaceWithoutAKey() throws Exception {
        try (StubKapso kapso = new StubKapso();
             LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                     "admin.token", LeadlineApp.ADMIN_TOKEN,
                     "summaries.enabled", "false",
                     "kapso.api-base-url", kapso.baseUrl(),
                     "catchup.on-start", "false",
                     "catchup.cron", "0/1 * * * * ?",
                     "catchup.page-size", "2"))) {
            Tenant keyed = Tenant.create(app);
            Tenant keyless = Tenant.create(app);
            String key = "kapso-key-schedule-" + UUID.randomUUID();
            kapso.key(keyed.phoneNumberId, key);
            String phone = Workspaces.newPhone();
            Instant first = Instant.now().minus(2, ChronoUnit.HOURS);
            for (int i = 0; i < 5; i++) {
                kapso.add(keyed.phoneNumberId, StubKapso.inbound(Workspaces.unique("wamid.sched"), phone.substring(1), "conv-" + phone,
                        "Rina", "terlewat " + i, first.plusSeconds(60L * i).getEpochSecond()));
            }
            HttpResponse<String> set = app.call("PUT", "/api/admin/workspaces/" + keyed.workspaceId + "/kapso-key",
                    "{\"apiKey\": \"" + key + "\"}", LeadlineApp.ADMIN_TOKEN);
            assertEquals(200, set.statusCode(), set.body());

            // The first scheduled run, then two more fires over the same window (the overlap).
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (app.queryLong("SELECT count(*) FROM catchup_run WHERE workspace_id = ? AND trigger = 'schedule' AND status = 'done'",
                    keyed.workspaceId) < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }

            assertEquals("schedule|done|3|5|5|0", app.queryString("SELECT trigger || '|' || status || '|' || pages || '|' || seen || '|' || stored"
                    + " || '|' || duplicates FROM catchup_run WHERE workspace_id = ? ORDER BY id LIMIT 1", keyed.workspaceId),
                    "the first scheduled run stored the five missed messages, two a page");
            assertTrue(app.queryLong("SELECT count(*) FROM catchup_run WHERE workspace_id = ? AND trigger = 'schedule' AND status = 'done'",
                    keyed.workspaceId) >= 3, "the schedule fires again");
            assertEquals(0, app.queryLong("SELECT coalesce(sum(stored), 0) FROM catchup_run WHERE workspace_id = ? AND id > "
                    + "(SELECT min(id) FROM catchup_run WHERE workspace_id = ?)", keyed.workspaceId, keyed.workspaceId),
                    "later fires find them stored");
            assertEquals(5, app.queryLong("SELECT count(*) FROM message WHERE workspace_id = ? AND source = 'catch-up'", keyed.workspaceId));
            assertEquals(1, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", keyed.workspaceId));
            assertTrue(app.queryLong("SELECT count(*) FROM workspace WHERE id = ? AND catchup_watermark > now() - interval '1 minute'",
                    keyed.workspaceId) == 1, "a complete scheduled pass moves the watermark to its end");
            assertEquals(0, app.queryLong("SELECT count(*) FROM catchup_run WHERE workspace_id = ?", keyless.workspaceId),
                    "a workspace without a key is skipped");
            assertTrue(kapso.requests(keyless.phoneNumberId).isEmpty(), "and Kapso is never asked for it");
        }
    }
}
