package dev.leadline.events;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transactional outbox: every change of a lead, its messages and notes writes its event in the same
 * transaction, numbered per lead, carrying the resource as the REST API shows it.
 */
class OutboxTest {

    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
    }

    @Test
    void aLeadsChangesAreItsEventsInOrder() throws Exception {
        Tenant t = Tenant.create(app);
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.outbox");
        long now = Instant.now().getEpochSecond();
        assertEquals(1, JSON.readTree(t.webhooks.kapso(Webhooks.received(t.phoneNumberId, wamid, phone, "Halo", now)).body())
                .get("stored").asInt());
        t.webhooks.kapso(Webhooks.received(t.phoneNumberId, wamid, phone, "Halo", now)); // a duplicate: no event
        long lead = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        HttpResponse<String> patched = app.call("PATCH", "/api/leads/" + lead, "{\"status\": \"contacted\", \"version\": 0}", t.token);
        assertEquals(200, patched.statusCode(), patched.body());

        List<String> types = List.of(t.one("SELECT string_agg(type, ',' ORDER BY seq) FROM event WHERE workspace_id = ?").split(","));
        assertEquals(List.of("lead.created", "message.received", "lead.updated", "note.created"), types);
        assertEquals("1,2,3,4", t.one("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM event WHERE workspace_id = ?"));
        JsonNode updated = JSON.readTree(t.one("SELECT detail::text FROM event WHERE workspace_id = ? AND type = 'lead.updated'"));
        assertEquals("new", updated.at("/changes/status/from").asText());
        assertEquals("contacted", updated.at("/changes/status/to").asText());
        JsonNode message = JSON.readTree(t.one("SELECT data::text FROM event WHERE workspace_id = ? AND type = 'message.received'"));
        assertEquals("Halo", message.get("text").asText());
        assertEquals(wamid, message.get("wamid").asText());
        JsonNode leadNow = JSON.readTree(t.one("SELECT data::text FROM event WHERE workspace_id = ? AND type = 'lead.updated'"));
        assertEquals("contacted", leadNow.get("status").asText());
        assertTrue(leadNow.has("messagesIn"), leadNow.toString());
    }
}
