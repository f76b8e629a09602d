package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The check of an LLM answer against the note schema (derived from the contract's StructuredNote: the agreement
 * is ApiContractAgreementTest's), the note made of it, and the offline summariser's note in the same shape.
 */
class NoteSchemaTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String VALID = "{\"summary\": \"Budi asked   about\\nprices.\", \"topics\": [\"price\"], \"openQuestions\": [],"
            + " \"nextStep\": \"Send the price list.\", \"sentiment\": \"positive\", \"intent\": \"buying\"}";

    final NoteSchema schema = new NoteSchema();
    final StructuredNotes notes = new StructuredNotes(schema);

    static Map<String, Object> answer(String content) {
        return Map.of("content", content, "generator", "m", "promptTokens", 100, "completionTokens", 20);
    }

    @Test
    void aMatchingAnswerIsTheNotesFieldsAndItsSummaryItsText() throws Exception {
        assertNull(schema.problem(JSON.readTree(VALID)));
        Map<String, Object> note = notes.read(answer(VALID));
        assertNull(note.get("schemaProblem"));
        assertEquals("Budi asked about prices.", note.get("content"));
        JsonNode fields = JSON.readTree((String) note.get("structured"));
        assertEquals("Budi asked about prices.", fields.get("summary").asText());
        assertEquals("buying", fields.get("intent").asText());
        // a model that wraps its JSON in a markdown fence is still read
        assertNull(notes.read(answer("```json\n" + VALID + "\n```")).get("schemaProblem"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "[]",
        "{\"summary\": \"s\", \"topics\": [], \"openQuestions\": [], \"nextStep\": \"n\", \"sentiment\": \"neutral\"}",
        "{\"summary\": \"s\", \"topics\": [], \"openQuestions\": [], \"nextStep\": \"n\", \"sentiment\": \"neutral\", \"intent\": \"shopping\"}",
        "{\"summary\": \"s\", \"topics\": [], \"openQuestions\": [], \"nextStep\": \"n\", \"sentiment\": \"meh\", \"intent\": \"other\"}",
        "{\"summary\": \"s\", \"topics\": \"price\", \"openQuestions\": [], \"nextStep\": \"n\", \"sentiment\": \"neutral\", \"intent\": \"other\"}",
        "{\"summary\": \"s\", \"topics\": [1], \"openQuestions\": [], \"nextStep\": \"n\", \"sentiment\": \"neutral\", \"intent\": \"other\"}",
        "{\"summary\": \"s\", \"topics\": [], \"openQuestions\": [], \"nextStep\": null, \"sentiment\": \"neutral\", \"intent\": \"other\"}",
        "{\"summary\": \"s\", \"topics\": [], \"openQuestions\": [], \"nextStep\": \"n\", \"sentiment\": \"neutral\", \"intent\": \"other\", \"mood\": \"x\"}"})
    void anAnswerOutOfTheSchemaIsMarkedWithWhatIsWrong(String content) {
        Map<String, Object> note = notes.read(answer(content));
        assertTrue(note.get("schemaProblem") instanceof String, content);
        assertNull(note.get("structured"));
        assertEquals(content.replaceAll("\\s+", " "), note.get("content"));
    }

    @Test
    void askedAgainTheSecondAnswerCountsWithBothAnswersTokens() {
        Map<String, Object> first = notes.read(answer("no json"));
        Map<String, Object> fixed = notes.again(first, answer(VALID));
        assertNull(fixed.get("schemaProblem"));
        assertNull(fixed.get("unstructuredReason"));
        assertEquals(200, fixed.get("promptTokens"));
        assertEquals(40, fixed.get("completionTokens"));

        Map<String, Object> twice = notes.again(first, answer("still no json"));
        assertEquals("still no json", twice.get("content"));
        assertNull(twice.get("structured"));
        assertTrue(((String) twice.get("unstructuredReason")).startsWith("the LLM's answer did not match the note schema twice"));

        Map<String, Object> noBudget = notes.again(first, null);
        assertEquals("no json", noBudget.get("content"));
        assertTrue(((String) noBudget.get("unstructuredReason")).endsWith("not asked again: the LLM budget of the day is spent"));
    }

    @Test
    void theOfflineNoteHasTheSameShapeWithWhatItCannotTellNull() throws Exception {
        DayDigest day = new DayDigest(7, "Budi", "2025-11-24", "Asia/Jakarta", 2, 1, List.of("harga", "paket"),
                DayDigest.Language.INDONESIAN, "berapa harganya?", List.of(), List.of("09:00 lead: berapa harganya?"),
                false, 3, 99L, 0, 0);
        Map<String, Object> note = new OfflineSummariser().summarise(day, "budget");
        JsonNode fields = JSON.readTree((String) note.get("structured"));

        assertEquals("budget", note.get("offlineReason"));
        assertEquals(note.get("content"), fields.get("summary").asText());
        assertEquals(JSON.readTree("[\"harga\", \"paket\"]"), fields.get("topics"));
        assertEquals(JSON.readTree("[\"berapa harganya?\"]"), fields.get("openQuestions"));
        assertTrue(fields.get("nextStep").isNull() && fields.get("sentiment").isNull() && fields.get("intent").isNull());
        List<String> names = new java.util.ArrayList<>();
        fields.fieldNames().forEachRemaining(names::add);
        List<String> schemaNames = new java.util.ArrayList<>();
        schema.schema().get("properties").fieldNames().forEachRemaining(schemaNames::add);
        assertEquals(schemaNames, names, "every field of the schema, no other");
    }
}
