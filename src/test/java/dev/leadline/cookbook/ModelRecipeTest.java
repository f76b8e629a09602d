package dev.leadline.cookbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * docs/cookbook.md, "Use another OpenAI-compatible model": the recipe's settings point the service at another
 * server and model (here a stub on loopback speaking the chat completions format, as Ollama or vLLM do): the
 * request names that model and the note records it. A server that refuses response_format is served with
 * llm.response-format = none: the request leaves it out, and a plain-text answer is kept, marked.
 */
class ModelRecipeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    /** The recipe's settings, as docs/cookbook.md shows them, in a working directory of their own. */
    private static Path workingDir() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "model-recipe");
        Files.writeString(dir.resolve("application.properties"), Cookbook.snippet("local-model.properties"));
        return dir;
    }

    private static Properties recipe() throws Exception {
        Properties recipe = new Properties();
        recipe.load(new StringReader(Cookbook.snippet("local-model.properties")));
        return recipe;
    }

    /** The stub stands in for the local server: its address, and the key it checks (a local server ignores it). */
    private static LeadlineApp start(StubLlm local, String... more) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("llm.base-url", local.baseUrl(), "llm.api-key", StubLlm.KEY,
                "summaries.enabled", "false"));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return LeadlineApp.startIn(workingDir(), LeadlineApp.freshDataDir(), settings);
    }

    private static JsonNode summarise(LeadlineApp app, String text) throws Exception {
        LocalDate day = LocalDate.now(JAKARTA).minusDays(1);
        String phone = Workspaces.newPhone();
        HttpResponse<String> stored = new Webhooks(app, Workspaces.DEMO_SECRET).kapso(Webhooks.received(
                Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.model"), phone, text,
                day.atTime(LocalTime.of(10, 0)).atZone(JAKARTA).toEpochSecond()));
        assertEquals(200, stored.statusCode(), stored.body());
        long lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
        JsonNode run = new SummaryRuns(app, Workspaces.DEMO_TOKEN).runLead(day.toString(), lead);
        assertEquals(1, run.get("notesWritten").asInt(), run.toString());
        JsonNode timeline = JSON.readTree(app.get("/api/leads/" + lead + "/timeline?kind=daily_summary", Workspaces.DEMO_TOKEN).body());
        return timeline.get("items").get(0);
    }

    @Test
    void anotherServerAndModelWriteTheNotes() throws Exception {
        Properties recipe = recipe();
        String model = recipe.getProperty("llm.model");
        try (StubLlm local = new StubLlm(model); LeadlineApp app = start(local)) {
            JsonNode note = summarise(app, "Halo, paket keluarga ada?");
            assertEquals(model, local.requests().get(0).path("model").asText());
            assertEquals("json_schema", local.requests().get(0).at("/response_format/type").asText());
            assertEquals(model, note.get("generator").asText(), note.toString());
            assertEquals(0, note.get("costUsd").decimalValue().signum(), "the recipe's prices: " + note);
            assertTrue(note.get("structured").isObject(), note.toString());
        }
    }

    @Test
    void aServerThatRefusesResponseFormatIsAskedWithoutIt() throws Exception {
        Properties recipe = recipe();
        try (StubLlm local = new StubLlm(recipe.getProperty("llm.model"));
             LeadlineApp app = start(local, "llm.response-format", "none")) {
            JsonNode note = summarise(app, "Halo, paket keluarga ada?");
            assertFalse(local.requests().get(0).has("response_format"), local.requests().get(0).toString());
            // this stub answers plain text without response_format: asked once more, then kept as marked text
            assertEquals(2, local.requests().size());
            assertTrue(note.get("content").asText().startsWith("Stub summary"), note.toString());
            assertTrue(note.get("unstructuredReason").isTextual(), note.toString());
        }
    }
}
