package dev.leadline.cookbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
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
 * docs/cookbook.md, "Change the summary prompt": a summary/system-prompt.txt beside the service is the one the
 * LLM gets, with no rebuild; the user prompt, not copied there, still comes from the packaged file.
 */
class PromptRecipeTest {

    private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");

    @Test
    void aPromptFileInTheWorkingDirectoryWinsOverThePackagedOne() throws Exception {
        Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "prompt-recipe");
        Path summary = Files.createDirectories(workingDir.resolve("summary"));
        // The recipe: copy the packaged prompt, change its words.
        String packaged = Files.readString(Path.of("src/main/resources/summary/system-prompt.txt"));
        String addition = Cookbook.snippet("system-prompt-addition.txt");
        Files.writeString(summary.resolve("system-prompt.txt"), packaged + "\n" + addition);

        try (StubLlm llm = new StubLlm();
             LeadlineApp app = LeadlineApp.startIn(workingDir, LeadlineApp.freshDataDir(), LeadlineApp.settings(
                     llm.serviceProperties(), Map.of("summaries.enabled", "false")))) {
            LocalDate day = LocalDate.now(JAKARTA).minusDays(1);
            String phone = Workspaces.newPhone();
            HttpResponse<String> stored = new Webhooks(app, Workspaces.DEMO_SECRET).kapso(Webhooks.received(
                    Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.prompt"), phone, "Halo, kirim ke Bandung bisa?",
                    day.atTime(LocalTime.of(10, 0)).atZone(JAKARTA).toEpochSecond()));
            assertEquals(200, stored.statusCode(), stored.body());
            long lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);

            JsonNode run = new SummaryRuns(app, Workspaces.DEMO_TOKEN).runLead(day.toString(), lead);
            assertEquals(1, run.get("notesWritten").asInt(), run.toString());

            JsonNode request = llm.requests().get(0);
            String system = request.at("/messages/0/content").asText();
            assertTrue(system.contains(addition.strip()), "the working directory's prompt: " + system);
            String user = request.at("/messages/1/content").asText();
            assertTrue(user.contains("Halo, kirim ke Bandung bisa?"), "the packaged user prompt, filled: " + user);
        }
    }
}
