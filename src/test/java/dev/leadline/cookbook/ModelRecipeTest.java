package dev.leadline.cookbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

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
    private static final String LOCAL_MODEL = "llama3.1:8b";

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
        try (StubLlm local = new StubLlm(LOCAL_MODEL);
             // the recipe's settings: LLM_BASE_URL, LLM_MODEL, and a key (a local server ignores it, but without
             // one leadline uses its offline summariser)
             LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                     "llm.base-url", local.baseUrl(), "llm.model", LOCAL_MODEL, "llm.api-key", StubLlm.KEY,
                     "summaries.enabled", "false"))) {
            JsonNode note = summarise(app, "Halo, paket keluarga ada?");
            assertEquals(LOCAL_MODEL, local.requests().get(0).path("model").asText());
            assertEquals("json_schema", local.requests().get(0).at("/response_format/type").asText());
            assertEquals(LOCAL_MODEL, note.get("generator").asText(), note.toString());
            assertTrue(note.get("structured").isObject(), note.toString());
        }
    }

    @Test
    void aServerThatRefusesResponseFormatIsAskedWithoutIt() throws Exception {
        try (StubLlm local = new StubLlm(LOCAL_MODEL);
             LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                     "llm.base-url", local.baseUrl(), "llm.model", LOCAL_MODEL, "llm.api-key", StubLlm.KEY,
                     "llm.response-format", "none", "summaries.enabled", "false"))) {
            JsonNode note = summarise(app, "Halo, paket keluarga ada?");
            assertFalse(local.requests().get(0).has("response_format"), local.requests().get(0).toString());
            // this stub answers plain text without response_format: asked once more, then kept as marked text
            assertEquals(2, local.requests().size());
            assertTrue(note.get("content").asText().startsWith("Stub summary"), note.toString());
            assertTrue(note.get("unstructuredReason").isTextual(), note.toString());
        }
    }
}
