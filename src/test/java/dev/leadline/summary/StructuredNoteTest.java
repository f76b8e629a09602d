package dev.leadline.summary;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.StubLlm.Fault;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Daily summaries as structured notes, through HTTP: the request asks for the note schema (response_format), the
 * stub answers in the real wire format (JSON content in choices[0].message.content, usage), and the fields show in
 * the API; an answer out of the schema is asked for once more, and kept as marked text after a second; the lead
 * list filters by the latest note's intent.
 */
class StructuredNoteTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    static final LocalDate DAY = LocalDate.now(JAKARTA).minusDays(1);

    static StubLlm llm;
    static LeadlineApp app;
    static Tenant tenant;
    static SummaryRuns runs;

    @BeforeAll
    static void start() throws Exception {
        llm = new StubLlm();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(), Map.of(
                "summaries.enabled", "false",
                "llm.retry-delay-ms", "20",
                "llm.max-retry-delay-ms", "50")));
        tenant = Tenant.create(app);
        runs = new SummaryRuns(app, tenant.token);
    }

    @AfterAll
    static void stop() {
        app.close();
        llm.close();
    }

    @BeforeEach
    void resetStub() {
        llm.reset();
    }

    static long leadSaying(LocalDate day, String text) throws Exception {
        String phone = Workspaces.newPhone();
        long at = day.atTime(LocalTime.of(10, 0)).atZone(JAKARTA).toEpochSecond();
        HttpResponse<String> stored = tenant.webhooks.kapso(Webhooks.received(tenant.phoneNumberId,
                Workspaces.unique("wamid.structured"), phone, text, at));
        assertEquals(200, stored.statusCode(), stored.body());
        return app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
    }

    static void say(long lead, LocalDate day, String text) throws Exception {
        String phone = app.queryString("SELECT phone FROM lead WHERE id = ?", lead);
        long at = day.atTime(LocalTime.of(11, 0)).atZone(JAKARTA).toEpochSecond();
        assertEquals(200, tenant.webhooks.kapso(Webhooks.received(tenant.phoneNumberId, Workspaces.unique("wamid.structured"),
                phone, text, at)).statusCode());
    }

    static JsonNode summary(long lead) throws Exception {
        HttpResponse<String> timeline = app.get("/api/leads/" + lead + "/timeline?kind=daily_summary&limit=1", tenant.token);
        assertEquals(200, timeline.statusCode(), timeline.body());
        return JSON.readTree(timeline.body()).at("/items/0");
    }

    @Test
    void aValidAnswerGivesTheFieldsInTheApi() throws Exception {
        long lead = leadSaying(DAY, "Halo, saya mau beli paket tahunan, bisa transfer?");
        llm.intent("buying");

        JsonNode run = runs.runLead(DAY.toString(), lead);

        assertEquals(1, run.get("notesWritten").asInt());
        JsonNode request = llm.requests().get(0);
        assertEquals("json_schema", request.at("/response_format/type").asText());
        assertEquals(new NoteSchema().schema(), request.at("/response_format/json_schema/schema"));
        assertEquals(500, request.get("max_tokens").asInt());
        JsonNode note = summary(lead);
        JsonNode fields = note.get("structured");
        assertEquals(note.get("content").asText(), fields.get("summary").asText());
        assertTrue(fields.get("summary").asText().startsWith("Stub summary of a day"), fields.toString());
        assertEquals(JSON.readTree("[\"stub topic\"]"), fields.get("topics"));
        assertEquals(JSON.readTree("[\"Is the stub open?\"]"), fields.get("openQuestions"));
        assertEquals("Call the stub back.", fields.get("nextStep").asText());
        assertEquals("neutral", fields.get("sentiment").asText());
        assertEquals("buying", fields.get("intent").asText());
        assertTrue(note.get("unstructuredReason").isNull());
        assertTrue(note.get("offlineReason").isNull());
        BigDecimal cost = BigDecimal.valueOf(note.get("promptTokens").asLong()).multiply(new BigDecimal("1.25"))
                .add(BigDecimal.valueOf(note.get("completionTokens").asLong()).multiply(new BigDecimal("2.50")))
                .divide(BigDecimal.valueOf(1_000_000));
        assertEquals(0, cost.compareTo(note.get("costUsd").decimalValue()), note.toString());
    }

    @Test
    void anAnswerOutOfTheSchemaIsAskedAgainAndTheSecondKept() throws Exception {
        long lead = leadSaying(DAY, "Paketnya ada yang bulanan?");
        llm.enqueue(Fault.content("{\"summary\": \"Asked about monthly plans.\", \"topics\": [], \"openQuestions\": [], "
                + "\"nextStep\": \"Reply.\", \"sentiment\": \"neutral\", \"intent\": \"shopping\"}"));

        runs.runLead(DAY.toString(), lead);

        assertEquals(2, llm.requests().size(), "asked once more");
        assertEquals(llm.requests().get(0), llm.requests().get(1), "the same request");
        JsonNode note = summary(lead);
        assertEquals("asking", note.at("/structured/intent").asText());
        assertTrue(note.get("unstructuredReason").isNull());
        int secondPrompt = 100 + llm.requests().get(1).at("/messages/1/content").asText().length() / 4;
        assertEquals(100 + secondPrompt, note.get("promptTokens").asInt(), "both answers' tokens");
        assertEquals(12 + 12, note.get("completionTokens").asInt(), "both answers' tokens");
    }

    @Test
    void twoAnswersOutOfTheSchemaKeepTheTextWithTheMarker() throws Exception {
        long lead = leadSaying(DAY, "Kirim katalog dong");
        llm.enqueue(Fault.content("{\"summary\": \"Only a summary.\"}"),
                Fault.content("The customer asked for the catalogue; send it today."));

        JsonNode run = runs.runLead(DAY.toString(), lead);

        assertEquals(1, run.get("notesWritten").asInt());
        assertEquals(2, llm.requests().size(), "asked once more, not a third time");
        JsonNode note = summary(lead);
        assertEquals("The customer asked for the catalogue; send it today.", note.get("content").asText());
        assertTrue(note.get("structured").isNull());
        assertTrue(note.get("unstructuredReason").asText().startsWith("the LLM's answer did not match the note schema twice: "),
                note.toString());
        assertEquals(StubLlm.MODEL, note.get("generator").asText());
    }

    @Test
    void theLeadListFiltersByTheLatestNotesIntent() throws Exception {
        LocalDate before = DAY.minusDays(1);
        long buyer = leadSaying(before, "Ada keluhan soal tagihan");
        say(buyer, DAY, "Oke, saya jadi beli paket tahunan");
        long complainer = leadSaying(DAY, "Pesanan saya belum datang!");
        llm.intent("complaining");
        runs.runLead(before.toString(), buyer);
        runs.runLead(DAY.toString(), complainer);
        llm.intent("buying");
        runs.runLead(DAY.toString(), buyer);

        List<Long> buying = ids(app.get("/api/leads?intent=buying&limit=200", tenant.token));
        List<Long> complaining = ids(app.get("/api/leads?intent=complaining&limit=200", tenant.token));
        List<Long> waitingBuying = ids(app.get("/api/leads?awaitingReply=true&intent=buying&limit=200", tenant.token));

        assertTrue(buying.contains(buyer), "the latest note (by its day) says buying: " + buying);
        assertFalse(buying.contains(complainer), buying.toString());
        assertTrue(complaining.contains(complainer), complaining.toString());
        assertFalse(complaining.contains(buyer), "an older note's intent does not count: " + complaining);
        assertTrue(waitingBuying.contains(buyer), waitingBuying.toString());
        assertFalse(waitingBuying.contains(complainer), waitingBuying.toString());
        HttpResponse<String> unknown = app.get("/api/leads?intent=shopping", tenant.token);
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("[buying, asking, complaining, other]"), unknown.body());
    }

    static List<Long> ids(HttpResponse<String> page) throws Exception {
        assertEquals(200, page.statusCode(), page.body());
        List<Long> ids = new ArrayList<>();
        JSON.readTree(page.body()).get("items").forEach(item -> ids.add(item.get("id").asLong()));
        return ids;
    }
}
