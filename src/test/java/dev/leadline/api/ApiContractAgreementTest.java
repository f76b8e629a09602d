package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.summary.NoteSchema;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * The lead statuses, their workflow, the note kinds and the page limits have one home, the API contract
 * (openapi/leadline.yaml): the served document, the Java checks and the database's CHECK constraints agree with it.
 */
class ApiContractAgreementTest {

    static final Pattern QUOTED = Pattern.compile("'([^']*)'");

    @Test
    void theServedDocumentTheJavaChecksAndTheDatabaseHoldTheSameStatusesKindsAndLimits() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        JsonNode doc = JSON.readTree(app.get("/api/openapi.json", null).body());

        List<String> statuses = texts(doc.at("/components/schemas/LeadStatus/enum"));
        List<String> kinds = texts(doc.at("/components/schemas/NoteKind/enum"));
        assertEquals(List.of("new", "contacted", "qualified", "proposal", "won", "lost"), statuses);
        assertEquals(List.of("daily_summary", "manual", "status_change", "merge", "identity_change", "handover",
                "ai_agent_summary"), kinds);
        // Java reads them from the same file, in its order.
        assertEquals(statuses, List.copyOf(ApiContract.LEAD_STATUSES));
        assertEquals(statuses, List.copyOf(LeadQueries.STATUSES));
        assertEquals(kinds, List.copyOf(ApiContract.NOTE_KINDS));
        assertEquals(kinds, List.copyOf(LeadQueries.NOTE_KINDS));
        Map<String, List<String>> workflow = new LinkedHashMap<>();
        doc.at("/components/x-lead-workflow").fields().forEachRemaining(e -> workflow.put(e.getKey(), texts(e.getValue())));
        assertEquals(workflow, LeadWorkflow.NEXT);
        assertEquals(statuses, List.copyOf(LeadWorkflow.NEXT.keySet()), "every status has its way on, in order");
        assertEquals(List.of("contacted", "lost"), new LeadWorkflow().next("new"));

        // Every use of a status or a kind in the served document is the shared one, expanded.
        for (String at : List.of("/components/schemas/Lead/properties/status", "/components/schemas/LeadSummary/properties/status",
                "/components/schemas/LeadPatch/properties/status", "/components/schemas/TransitionError/properties/status",
                "/components/schemas/TransitionError/properties/allowed/items", "/components/schemas/Note/properties/statusFrom",
                "/components/schemas/Note/properties/statusTo")) {
            assertEquals(statuses, texts(doc.at(at + "/enum")), at);
        }
        assertEquals(statuses, texts(parameter(doc, "/api/leads", "status").at("/schema/enum")));
        assertEquals(kinds, texts(doc.at("/components/schemas/Note/properties/kind/enum")));
        assertEquals(kinds, texts(parameter(doc, "/api/leads/{id}/timeline", "kind").at("/schema/enum")));

        JsonNode limit = doc.at("/components/parameters/limit/schema");
        assertEquals(1, limit.get("minimum").asInt());
        assertEquals(Pages.MAX_LIMIT, limit.get("maximum").asInt());
        assertEquals(Pages.DEFAULT_LIMIT, limit.get("default").asInt());
        assertEquals(200, Pages.MAX_LIMIT);
        assertEquals(50, Pages.DEFAULT_LIMIT);
        for (String path : List.of("/api/leads", "/api/leads/{id}/messages", "/api/leads/{id}/timeline", "/api/admin/dead-letters")) {
            assertEquals(limit, parameter(doc, path, "limit").get("schema"), path);
        }

        // The database: one domain for every column that holds a lead status, and the note kinds' CHECK.
        try (Connection c = app.dataSource().getConnection()) {
            assertEquals(statuses, quoted(one(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    + "WHERE contypid = 'lead_status'::regtype AND conname = 'lead_status_check'")));
            assertEquals(kinds, quoted(one(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    + "WHERE conrelid = 'note'::regclass AND conname = 'note_kind_check'")));
            // The event types: the contract's EventType enum is what the outbox writes and subscriptions take.
            List<String> eventTypes = texts(doc.at("/components/schemas/EventType/enum"));
            assertEquals(eventTypes, List.copyOf(ApiContract.EVENT_TYPES));
            assertEquals(eventTypes, texts(doc.at("/components/schemas/Event/properties/type/enum")));
            assertEquals(eventTypes, quoted(one(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    + "WHERE conrelid = 'event'::regclass AND conname = 'event_type_check'")));
            assertEquals("lead.status lead_status, note.status_from lead_status, note.status_to lead_status", one(c,
                    "SELECT string_agg(table_name || '.' || column_name || ' ' || domain_name, ', ' ORDER BY table_name, column_name) "
                    + "FROM information_schema.columns WHERE table_schema = current_schema() AND domain_name = 'lead_status'"));
        }
    }

    @Test
    void theServiceAnswersByTheContractsValues() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        for (String status : ApiContract.LEAD_STATUSES) {
            assertEquals(200, app.get("/api/leads?limit=1&status=" + status, Workspaces.DEMO_TOKEN).statusCode(), status);
        }
        HttpResponse<String> unknown = app.get("/api/leads?status=archived", Workspaces.DEMO_TOKEN);
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("[new, contacted, qualified, proposal, won, lost]"), unknown.body());
        for (String kind : ApiContract.NOTE_KINDS) {
            assertEquals(404, app.get("/api/leads/999999999/timeline?kind=" + kind, Workspaces.DEMO_TOKEN).statusCode(), kind);
        }
        assertEquals(400, app.get("/api/leads/999999999/timeline?kind=call", Workspaces.DEMO_TOKEN).statusCode());
        assertEquals(200, app.get("/api/leads?limit=" + ApiContract.MAX_PAGE_SIZE, Workspaces.DEMO_TOKEN).statusCode());
        HttpResponse<String> over = app.get("/api/leads?limit=" + (ApiContract.MAX_PAGE_SIZE + 1), Workspaces.DEMO_TOKEN);
        assertEquals(400, over.statusCode(), over.body());
        assertTrue(over.body().contains("from 1 to 200"), over.body());
        assertEquals(400, app.get("/api/leads?limit=" + (ApiContract.MIN_PAGE_SIZE - 1), Workspaces.DEMO_TOKEN).statusCode());

        // The database refuses a status the contract does not know (the domain every status column has, see above).
        try (Connection c = app.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String status : ApiContract.LEAD_STATUSES) {
                assertEquals(status, one(c, "SELECT CAST('" + status + "' AS lead_status)"));
            }
            SQLException refused = assertThrows(SQLException.class, () -> s.executeQuery("SELECT CAST('archived' AS lead_status)"));
            assertEquals("23514", refused.getSQLState(), refused.getMessage());
        }
    }

    /**
     * A daily summary's fields have one home, StructuredNote: the JSON schema the LLM is asked to answer in
     * (summary/NoteSchema, sent as response_format) has exactly its fields, each required, and the same intent and
     * sentiment values, which are what the Java checks and the lead list's intent filter take.
     */
    @Test
    void theSchemaTheLlmAnswersInIsTheContractsStructuredNote() throws Exception {
        JsonNode doc = JSON.readTree(LeadlineApp.shared().get("/api/openapi.json", null).body());
        JsonNode contract = doc.at("/components/schemas/StructuredNote");
        JsonNode llm = new NoteSchema().responseFormat().at("/json_schema/schema");

        List<String> fields = new ArrayList<>();
        contract.path("properties").fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("summary", "topics", "openQuestions", "nextStep", "sentiment", "intent"), fields);
        List<String> llmFields = new ArrayList<>();
        llm.path("properties").fieldNames().forEachRemaining(llmFields::add);
        assertEquals(fields, llmFields);
        assertEquals(fields, texts(llm.path("required")), "every field required of the LLM");
        assertEquals(fields, texts(contract.path("required")));
        assertEquals(false, llm.path("additionalProperties").asBoolean(true));

        List<String> intents = texts(doc.at("/components/schemas/NoteIntent/enum"));
        List<String> sentiments = texts(doc.at("/components/schemas/NoteSentiment/enum"));
        assertEquals(List.of("buying", "asking", "complaining", "other"), intents);
        assertEquals(List.of("positive", "neutral", "negative"), sentiments);
        assertEquals(intents, texts(contract.at("/properties/intent/allOf/0/enum")));
        assertEquals(sentiments, texts(contract.at("/properties/sentiment/allOf/0/enum")));
        assertEquals(intents, texts(llm.at("/properties/intent/enum")));
        assertEquals(sentiments, texts(llm.at("/properties/sentiment/enum")));
        assertEquals(intents, List.copyOf(ApiContract.NOTE_INTENTS));
        assertEquals(sentiments, List.copyOf(ApiContract.NOTE_SENTIMENTS));
        assertEquals(intents, texts(parameter(doc, "/api/leads", "intent").at("/schema/enum")));
        for (String field : fields) {
            String type = contract.at("/properties/" + field + "/type").asText(contract.at("/properties/" + field + "/allOf/0/type").asText());
            assertEquals(type, llm.at("/properties/" + field + "/type").asText(), field);
        }
        assertEquals(texts(doc.at("/components/schemas/OfflineReason/enum")), List.copyOf(ApiContract.OFFLINE_REASONS));
        assertEquals(List.of("no_api_key", "budget"), List.copyOf(ApiContract.OFFLINE_REASONS));
    }

    @Test
    void aContractThatContradictsItselfStopsTheStart() {
        String statuses = "components:\n  schemas:\n    LeadStatus: {type: string, enum: [new, won, lost]}\n";
        Map<String, Object> ok = ApiContract.parse(yaml(statuses
                + "  x-lead-workflow: {new: [won, lost], won: [new], lost: [new]}\n"));
        assertEquals(List.of("new", "won", "lost"), List.copyOf(ApiContract.enumOf(ok, "LeadStatus")));
        assertEquals(List.of("won", "lost"), ApiContract.workflow(ok, ApiContract.enumOf(ok, "LeadStatus")).get("new"));

        for (String workflow : List.of(
                "  x-lead-workflow: {new: [won, lost], won: [new]}\n",                       // lost has no way on
                "  x-lead-workflow: {new: [won, archived], won: [new], lost: [new]}\n",      // a status LeadStatus lacks
                "  x-lead-workflow: {new: [won], won: [new], lost: [new], archived: [new]}\n",
                "  x-lead-workflow: {new: won, won: [new], lost: [new]}\n",                     // not a list
                "")) {
            Map<String, Object> doc = ApiContract.parse(yaml(statuses + workflow));
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> ApiContract.workflow(doc, ApiContract.enumOf(doc, "LeadStatus")), workflow);
            assertTrue(refused.getMessage().contains("x-lead-workflow"), refused.getMessage());
        }
        IllegalStateException noKinds = assertThrows(IllegalStateException.class,
                () -> ApiContract.enumOf(ApiContract.parse(yaml(statuses)), "NoteKind"));
        assertTrue(noKinds.getMessage().contains("components.schemas.NoteKind"), noKinds.getMessage());
        IllegalStateException textLimit = assertThrows(IllegalStateException.class, () -> ApiContract.pageSize(
                ApiContract.parse(yaml("components:\n  parameters:\n    limit:\n      schema: {maximum: '200'}\n")), "maximum"));
        assertTrue(textLimit.getMessage().contains("limit.schema.maximum is not a whole number"), textLimit.getMessage());
        assertThrows(RuntimeException.class, () -> ApiContract.parse(yaml(statuses + "  schemas: {}\n")), "a duplicate key");
    }

    private static InputStream yaml(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode parameter(JsonNode doc, String path, String name) {
        for (JsonNode operation : doc.path("paths").path(path)) {
            for (JsonNode parameter : operation.path("parameters")) {
                if (parameter.path("name").asText().equals(name)) {
                    return parameter;
                }
            }
        }
        throw new AssertionError(path + " has no parameter " + name);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> quoted(String definition) {
        List<String> values = new ArrayList<>();
        Matcher m = QUOTED.matcher(definition);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
