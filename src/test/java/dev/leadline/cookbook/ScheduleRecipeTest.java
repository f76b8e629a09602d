package dev.leadline.cookbook;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * docs/cookbook.md, recipe 1: the schedules' settings in an application.properties beside the service reach
 * the Quartz triggers kept in the database, on a database whose triggers were made with the defaults.
 */
class ScheduleRecipeTest {

    private static final String TRIGGER = "SELECT cron_expression || ' ' || coalesce(time_zone_id, '') FROM qrtz_cron_triggers WHERE trigger_name = ?";

    @Test
    void theRecipesScheduleReplacesTheStoredTriggersAndManualRunsStillWork() throws Exception {
        Path dataDir = LeadlineApp.freshDataDir();
        // Not an instance's first start: the triggers exist, made from the packaged settings.
        try (LeadlineApp before = LeadlineApp.start(dataDir, Map.of())) {
            assertEquals("0 5 * * * ? UTC", before.queryString(TRIGGER, "daily-summaries"));
            assertTrue(before.queryString(TRIGGER, "kapso-catch-up").startsWith("0 0/10 * * * ? "));
        }

        Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cookbook-schedule");
        Files.writeString(workingDir.resolve("application.properties"), Cookbook.snippet("schedules.properties"));
        try (LeadlineApp app = LeadlineApp.startIn(workingDir, dataDir, Map.of())) {
            assertEquals("0 0 9 * * ? Asia/Jakarta", app.queryString(TRIGGER, "daily-summaries"));
            // The catch-up's cron has no zone of its own: the JVM's.
            assertEquals("0 0/30 * * * ? " + TimeZone.getDefault().getID(), app.queryString(TRIGGER, "kapso-catch-up"));
            assertEquals(List.of("daily-summaries", "kapso-catch-up"), List.of(
                    app.queryString("SELECT trigger_name FROM qrtz_cron_triggers ORDER BY trigger_name LIMIT 1"),
                    app.queryString("SELECT trigger_name FROM qrtz_cron_triggers ORDER BY trigger_name OFFSET 1")),
                    "rescheduled, not a second trigger");

            // A day by hand, whatever the schedule: started, then followed to its end.
            String day = LocalDate.now().minusDays(2).toString();
            HttpResponse<String> started = app.call("POST", "/api/summaries/run?date=" + day, null, Workspaces.DEMO_TOKEN);
            assertEquals(202, started.statusCode(), started.body());
            long run = JSON.readTree(started.body()).get("id").asLong();
            JsonNode record = JSON.readTree(app.get("/api/summaries/runs/" + run, Workspaces.DEMO_TOKEN).body());
            for (int i = 0; i < 600 && "running".equals(record.get("status").asText()); i++) {
                Thread.sleep(100);
                record = JSON.readTree(app.get("/api/summaries/runs/" + run, Workspaces.DEMO_TOKEN).body());
            }
            assertEquals("completed", record.get("status").asText(), record.toString());
            assertEquals(run, record.get("id").asLong());
        }
    }
}
