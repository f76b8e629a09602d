package dev.leadline.events;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An event carries its resource as the REST API shows it: one representation. For a lead, a message and a
 * note, the event's data has exactly the fields the API answers, with the same values, written the same way
 * (times too: event_time writes them as the API does).
 */
class EventContractTest {

    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
    }

    @Test
    void eachEventsResourceIsWhatTheRestApiShows() throws Exception {
        Tenant t = Tenant.create(app);
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.contract");
        ObjectNode received = Webhooks.received(t.phoneNumberId, wamid, phone, "Berapa harga paket?", Instant.now().getEpochSecond());
        assertEquals(200, t.webhooks.kapso(received).statusCode());
        long lead = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        assertEquals(201, app.call("POST", "/api/leads/" + lead + "/notes", "{\"content\": \"Telepon Senin\", \"author\": \"ana\"}",
                t.token).statusCode());

        // The newest event of each resource is the resource now.
        same(event(t, "message.received"), api(t, "/api/leads/" + lead + "/messages").get("items").get(0));
        same(event(t, "note.created"), api(t, "/api/leads/" + lead + "/timeline").get("items").get(0));
        // The lead's message counts moved after its lead.created: compare a fresh lead event with the lead now.
        assertEquals(200, app.call("PATCH", "/api/leads/" + lead, "{\"name\": \"Bu Sari\", \"version\": 0}", t.token).statusCode());
        same(event(t, "lead.updated"), api(t, "/api/leads/" + lead));
    }

    /**
     * lead.erased, the erasure's word to the connected systems: the contract's ErasedLead (the lead's id, nothing
     * personal) as data, the erasure's ids beside it, and the envelope the Event schema describes.
     */
    @Test
    void anErasureEventCarriesTheContractsErasedLeadAndIdsOnly() throws Exception {
        Tenant t = Tenant.create(app);
        String phone = Workspaces.newPhone();
        assertEquals(200, t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.erased"), phone,
                "Hapus data saya", Instant.now().getEpochSecond())).statusCode());
        long lead = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        var erased = app.call("POST", "/api/leads/" + lead + "/erase", "{\"confirm\": \"erase\"}", t.token);
        assertEquals(200, erased.statusCode(), erased.body());

        JsonNode contract = JSON.readTree(app.get("/api/openapi.json", null).body()).at("/components/schemas");
        assertTrue(contract.at("/EventType/enum").toString().contains("\"lead.erased\""));
        JsonNode envelope = JSON.readTree(t.one("SELECT event_envelope(e)::text FROM event e WHERE workspace_id = ? AND type = 'lead.erased'"));
        TreeSet<String> dataFields = new TreeSet<>();
        envelope.get("data").fieldNames().forEachRemaining(dataFields::add);
        TreeSet<String> erasedLead = new TreeSet<>();
        contract.at("/ErasedLead/properties").fieldNames().forEachRemaining(erasedLead::add);
        assertEquals(erasedLead, dataFields);
        assertEquals(lead, envelope.at("/data/id").asLong());
        envelope.fieldNames().forEachRemaining(field -> assertTrue(contract.at("/Event/properties").has(field), field));
        assertEquals(JSON.readTree(erased.body()).get("id").asLong(), envelope.at("/erasure/erasureId").asLong());
        assertTrue(!envelope.toString().contains(phone) && !envelope.toString().contains(phone.substring(1)), envelope.toString());
    }

    /** The data of the workspace's newest event of the type. */
    static JsonNode event(Tenant t, String type) throws Exception {
        return JSON.readTree(t.one("SELECT data::text FROM event WHERE workspace_id = ? AND type = ? ORDER BY position DESC LIMIT 1", type));
    }

    static JsonNode api(Tenant t, String path) throws Exception {
        var response = app.get(path, t.token);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** The same fields with the same values, as text (a count is an int in one, a long in the other). */
    static void same(JsonNode event, JsonNode api) {
        TreeSet<String> apiFields = new TreeSet<>();
        api.fieldNames().forEachRemaining(apiFields::add);
        TreeSet<String> eventFields = new TreeSet<>();
        event.fieldNames().forEachRemaining(eventFields::add);
        assertEquals(apiFields, eventFields, "event " + event + "\napi " + api);
        for (Iterator<Map.Entry<String, JsonNode>> fields = api.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            assertEquals(field.getValue().asText(), event.get(field.getKey()).asText(), field.getKey());
        }
        assertTrue(apiFields.size() > 10, apiFields.toString());
    }
}
