package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API side of customer identities: a lead's phone (nullable), BSUID, parent BSUID and username in the lead JSON;
 * q on usernames, BSUIDs and a lead's earlier phones and BSUIDs; a merged lead's 404; the merge and
 * identity_change note kinds. Leads are made the real way, by signed Kapso deliveries (merges too: a
 * message carrying the phone of one lead and the BSUID of another). Each test has its own workspace.
 */
class LeadIdentityApiTest {

    static LeadlineApp app;
    String phoneNumberId;
    String token;
    long workspaceId;
    Webhooks webhooks;
    long clock = Instant.now().getEpochSecond() - 3600;

    @BeforeAll
    static void app() throws Exception {
        app = LeadlineApp.shared();
    }

    @BeforeEach
    void workspace() throws Exception {
        phoneNumberId = Workspaces.unique("pnid-identity-api-");
        token = Workspaces.unique("token-identity-api-");
        String secret = Workspaces.unique("secret-");
        workspaceId = Workspaces.create(app, phoneNumberId, secret, token);
        webhooks = new Webhooks(app, secret);
    }

    /** One inbound message; each message a minute after the one before, so leads are made in order. */
    void send(String phone, String bsuid, String parentBsuid, String username) throws Exception {
        clock += 60;
        ObjectNode body = Webhooks.receivedFrom(phoneNumberId, Workspaces.unique("wamid.identity-api"), phone, bsuid, parentBsuid,
                username, "Halo kak", clock);
        ((ObjectNode) body.get("conversation").get("kapso")).put("contact_name", "Pelanggan Baru");
        HttpResponse<String> response = webhooks.kapso(body);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, JSON.readTree(response.body()).get("stored").asInt(), response.body());
    }

    long leadWith(String column, String value) throws Exception {
        return app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND " + column + " = ?", workspaceId, value);
    }

    JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> response = app.get(path, token);
        assertEquals(status, response.statusCode(), path + " -> " + response.body());
        return JSON.readTree(response.body());
    }

    /** The ids q finds, in list order. */
    List<Long> search(String q) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (JsonNode lead : get("/api/leads?limit=200&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), 200).get("items")) {
            ids.add(lead.get("id").asLong());
        }
        return ids;
    }

    static String bsuid(String prefix) {
        return "ID." + Workspaces.unique(prefix);
    }

    @Test
    void leadsCarryPhoneBsuidParentBsuidAndUsernameOnTheListAndOneLead() throws Exception {
        String bsuid = bsuid("7391");
        String parent = "ID.ENT." + Workspaces.unique("5820");
        String username = "@" + Workspaces.unique("sari.wulan");
        String phone = Workspaces.newPhone();
        send(null, bsuid, parent, username);
        send(phone, null, null, null);
        long bsuidLead = leadWith("bsuid", bsuid);
        long phoneLead = leadWith("phone", phone);

        Map<Long, JsonNode> listed = new LinkedHashMap<>();
        get("/api/leads", 200).get("items").forEach(lead -> listed.put(lead.get("id").asLong(), lead));
        assertEquals(List.of(phoneLead, bsuidLead), List.copyOf(listed.keySet()), "newest activity first");
        for (JsonNode lead : List.of(listed.get(bsuidLead), get("/api/leads/" + bsuidLead, 200))) {
            assertTrue(lead.has("phone") && lead.get("phone").isNull(), "a withheld phone is null: " + lead);
            assertEquals(bsuid, lead.get("bsuid").asText(), lead.toString());
            assertEquals(parent, lead.get("parentBsuid").asText(), lead.toString());
            assertEquals(username, lead.get("username").asText(), lead.toString());
            assertEquals("Pelanggan Baru", lead.get("name").asText(), lead.toString());
        }
        for (JsonNode lead : List.of(listed.get(phoneLead), get("/api/leads/" + phoneLead, 200))) {
            assertEquals(phone, lead.get("phone").asText(), lead.toString());
            for (String absent : List.of("bsuid", "parentBsuid", "username")) {
                assertTrue(lead.has(absent) && lead.get(absent).isNull(), absent + " is there, null: " + lead);
            }
        }
        assertEquals(1, get("/api/leads/" + bsuidLead, 200).get("messagesIn").asInt());

        // PATCH answers the same lead shape.
        HttpResponse<String> patched = app.call("PATCH", "/api/leads/" + bsuidLead, "{\"status\": \"contacted\", \"version\": 0}", token);
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals(bsuid, JSON.readTree(patched.body()).get("bsuid").asText(), patched.body());
        assertTrue(JSON.readTree(patched.body()).get("phone").isNull(), patched.body());
    }

    @Test
    void theOpenApiDocumentDescribesTheIdentityFieldsAndTheNewKinds() throws Exception {
        JsonNode doc = JSON.readTree(app.get("/api/openapi.json", null).body());
        JsonNode lead = doc.at("/components/schemas/LeadSummary/properties");
        for (String field : List.of("phone", "bsuid", "parentBsuid", "username")) {
            assertTrue(lead.path(field).path("nullable").asBoolean(), field + " is nullable: " + lead);
            assertTrue(lead.path(field).path("description").asText().length() > 20, field + " is described: " + lead);
        }
        assertTrue(lead.at("/phone/description").asText().contains("username"), "where there is no phone, show the username");
        List<String> kinds = new ArrayList<>();
        doc.at("/components/schemas/Note/properties/kind/enum").forEach(k -> kinds.add(k.asText()));
        assertTrue(kinds.containsAll(List.of("merge", "identity_change")), kinds.toString());
        String timeline = doc.at("/paths/~1api~1leads~1{id}~1timeline/get/parameters").toString();
        assertTrue(timeline.contains("\"merge\"") && timeline.contains("\"identity_change\""), timeline);
        String q = doc.at("/paths/~1api~1leads/get/parameters").toString();
        assertTrue(q.contains("username") && q.contains("BSUID"), q);
    }

    @Test
    void qMatchesAUsernameWithOrWithoutItsAtInAnyCase() throws Exception {
        String n = Workspaces.unique("");
        send(null, bsuid("11"), null, "@sari.wulan" + n);
        send(null, bsuid("12"), null, "@budi_santoso" + n);
        long sari = leadWith("username", "@sari.wulan" + n);
        long budi = leadWith("username", "@budi_santoso" + n);

        assertEquals(List.of(sari), search("sari.wulan" + n));
        assertEquals(List.of(sari), search("@sari.wulan" + n));
        assertEquals(List.of(sari), search("@SARI.WULAN" + n), "usernames compare case-insensitively");
        assertEquals(List.of(sari), search("wulan" + n));
        assertEquals(List.of(budi), search("@budi_santoso" + n));
        // '_' and '.' are the username's own characters, not LIKE wildcards.
        assertEquals(List.of(), search("sari_wulan" + n));
        assertEquals(List.of(), search("budi.santoso" + n));
        assertEquals(List.of(), search("@nobody" + n));
        assertEquals(List.of(), search("@"), "a bare @ leaves no username to match, and no name or BSUID holds one");
    }

    @Test
    void qMatchesAPartOfABsuidAsTyped() throws Exception {
        String tail = Workspaces.unique("");
        String bsuid = "ID.Kq7x" + tail;
        send(null, bsuid, null, null);
        send(null, bsuid("99"), null, null);
        long lead = leadWith("bsuid", bsuid);

        assertEquals(List.of(lead), search(bsuid));
        assertEquals(List.of(lead), search("Kq7x" + tail));
        assertEquals(List.of(lead), search("D.Kq7"));
        assertEquals(List.of(), search("kq7x" + tail), "a BSUID is case-sensitive");
        assertEquals(List.of(), search("ID.Kq7y" + tail));
    }

    @Test
    void qFindsALeadByThePhoneAndTheBsuidItHadBeforeAMerge() throws Exception {
        // A (phone 1), then B (phone 2 and BSUID X), then a message with phone 1 and BSUID X: B is merged
        // into the older A, whose phone stays; phone 2 becomes A's alias.
        String phone1 = Workspaces.newPhone();
        String phone2 = Workspaces.newPhone();
        String x = bsuid("4401");
        send(phone1, null, null, null);
        long a = leadWith("phone", phone1);
        send(phone2, x, null, null);
        long b = leadWith("phone", phone2);
        send(phone1, x, null, null);
        // C (phone 3 and BSUID Y1), then D (BSUID Y2 only), then phone 3 with Y2: D into C; Y2 an alias.
        String phone3 = Workspaces.newPhone();
        String y1 = bsuid("4402");
        String y2 = bsuid("4403");
        send(phone3, y1, null, null);
        long c = leadWith("phone", phone3);
        send(null, y2, null, null);
        send(phone3, y2, null, null);
        assertEquals(2, app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", workspaceId), "two merges");
        assertEquals(a, app.queryLong("SELECT lead_id FROM lead_alias WHERE workspace_id = ? AND kind = 'phone' AND value = ?",
                workspaceId, phone2));
        assertEquals(c, app.queryLong("SELECT lead_id FROM lead_alias WHERE workspace_id = ? AND kind = 'bsuid' AND value = ?",
                workspaceId, y2));

        // The old phone, as the user types it: its last digits, national with 0, international with separators.
        String digits2 = phone2.substring(1);
        assertEquals(List.of(a), search(digits2.substring(digits2.length() - 8)));
        assertEquals(List.of(a), search("0" + digits2.substring(2)));
        assertEquals(List.of(a), search("+62 " + digits2.substring(2, 5) + "-" + digits2.substring(5, 9) + "-" + digits2.substring(9)));
        assertEquals(List.of(a), search(phone1), "the current phone still finds it");
        // The old BSUID, and a part of it.
        assertEquals(List.of(c), search(y2));
        assertEquals(List.of(c), search(y2.substring(3)));
        assertEquals(List.of(c), search(y1));
        assertEquals(List.of(a), search(x), "the absorbed lead's BSUID is now A's own");
        // Nothing of the absorbed lead is listed on its own.
        assertTrue(get("/api/leads?limit=200", 200).toString().indexOf("\"id\":" + b + ",") < 0);
    }

    @Test
    void aLeadMergedIntoAnotherIsA404ThatNamesTheLeadItLivesOnIn() throws Exception {
        // C (oldest, phone 0), A (phone 1), B (phone 2, BSUID X). Phone 1 with X merges B into A; then
        // phone 0 with X (now A's) merges A into C: B lives on in C.
        String phone0 = Workspaces.newPhone();
        String phone1 = Workspaces.newPhone();
        String phone2 = Workspaces.newPhone();
        String x = bsuid("5501");
        send(phone0, null, null, null);
        long c = leadWith("phone", phone0);
        send(phone1, null, null, null);
        long a = leadWith("phone", phone1);
        send(phone2, x, null, null);
        long b = leadWith("phone", phone2);
        send(phone1, x, null, null);
        JsonNode intoA = get("/api/leads/" + b, 404);
        assertEquals("not_found", intoA.get("error").asText());
        assertEquals("lead " + b + " was merged into lead " + a, intoA.get("detail").asText());

        send(phone0, x, null, null);
        assertEquals("lead " + b + " was merged into lead " + c, get("/api/leads/" + b, 404).get("detail").asText(),
                "followed along later merges");
        assertEquals("lead " + a + " was merged into lead " + c, get("/api/leads/" + a, 404).get("detail").asText());
        assertEquals(5, get("/api/leads/" + c, 200).get("messagesIn").asInt(),
                "C's own, A's, B's, and the two messages that joined them");

        // Another workspace learns nothing: its 404 is that of a lead that never existed.
        String otherToken = Workspaces.unique("token-other-");
        Workspaces.create(app, Workspaces.unique("pnid-other-"), Workspaces.unique("secret-"), otherToken);
        HttpResponse<String> foreign = app.get("/api/leads/" + b, otherToken);
        HttpResponse<String> missing = app.get("/api/leads/987654321", otherToken);
        assertEquals(404, foreign.statusCode());
        assertEquals(missing.body(), foreign.body());
        // Nothing else changes: the merged lead's other resources are plain 404s.
        assertEquals("no such lead", get("/api/leads/" + b + "/messages", 404).get("detail").asText());
    }

    @Test
    void theTimelineShowsMergeNotesAndTheKindFilterTakesTheNewKinds() throws Exception {
        String phone = Workspaces.newPhone();
        String x = bsuid("6601");
        send(phone, null, null, null);
        long older = leadWith("phone", phone);
        send(null, x, null, "@pindah");
        send(phone, x, null, null);

        JsonNode timeline = get("/api/leads/" + older + "/timeline", 200).get("items");
        assertEquals(1, timeline.size(), timeline.toString());
        JsonNode merge = timeline.get(0);
        assertEquals("merge", merge.get("kind").asText());
        assertEquals("system-identity", merge.get("addedBy").asText());
        assertEquals(1, get("/api/leads/" + older + "/timeline?kind=merge", 200).get("items").size());
        assertEquals(0, get("/api/leads/" + older + "/timeline?kind=identity_change", 200).get("items").size());
        assertEquals(0, get("/api/leads/" + older + "/timeline?kind=manual", 200).get("items").size());
        String bad = get("/api/leads/" + older + "/timeline?kind=merged", 400).get("detail").asText();
        assertTrue(bad.contains("merge") && bad.contains("identity_change"), bad);
        // A system note stays.
        HttpResponse<String> delete = app.call("DELETE", "/api/leads/" + older + "/notes/" + merge.get("id").asLong(), null, token);
        assertEquals(403, delete.statusCode(), delete.body());
    }

    @Test
    void anIdentityChangeIsOnTheTimelineAndTheOldBsuidStillFindsTheLead() throws Exception {
        String before = bsuid("7701");
        String after = bsuid("7702");
        String phone = Workspaces.newPhone();
        send(null, before, null, "@rizky.pratama");
        long lead = leadWith("bsuid", before);
        // Kapso's contact.identity_changed, as the contract's sample, for this customer.
        ObjectNode event = Webhooks.sampleJson("kapso-contact-identity-changed.json");
        event.put("phone_number_id", phoneNumberId);
        ((ObjectNode) event.get("contact")).put("business_scoped_user_id", after).put("wa_id", phone.substring(1));
        ((ObjectNode) event.get("previous")).put("business_scoped_user_id", before);
        HttpResponse<String> changed = webhooks.kapso("whatsapp.contact.identity_changed", event.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(1, JSON.readTree(changed.body()).path("identityChanged").asInt(), changed.body());

        JsonNode got = get("/api/leads/" + lead, 200);
        assertEquals(after, got.get("bsuid").asText(), got.toString());
        assertEquals(phone, got.get("phone").asText(), got.toString());
        JsonNode changes = get("/api/leads/" + lead + "/timeline?kind=identity_change", 200).get("items");
        assertEquals(1, changes.size(), changes.toString());
        assertEquals("identity_change", changes.get(0).get("kind").asText());
        assertEquals("system-identity", changes.get(0).get("addedBy").asText());
        assertEquals(0, get("/api/leads/" + lead + "/timeline?kind=merge", 200).get("items").size());
        assertEquals(List.of(lead), search(before), "the BSUID it had before still finds it");
        assertEquals(List.of(lead), search(after));
        assertEquals(List.of(lead), search("@rizky.pratama"));
    }

    /**
     * q's arms each on its trigram index: the name, the phone (typed and canonical), the username, the
     * BSUID, and the aliases, whose leads are gathered first and then fetched by primary key, all in one
     * BitmapOr. The statement is the service's own file with literals bound. The workspace gets 20,000
     * leads (a fifth with a username, half with a BSUID) and 10,000 aliases, vacuumed and analysed as
     * autovacuum leaves a real table (fresh rows sit in the GIN indexes' pending lists, which make every
     * trigram scan look dear), and the planner chooses freely.
     */
    @Test
    void everyArmOfTheSearchIsAnIndexScan() throws Exception {
        String sql;
        try (InputStream in = LeadIdentityApiTest.class.getResourceAsStream("/sql/api/list-leads.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> literals = new LinkedHashMap<>();
        literals.put(":#workspaceId", String.valueOf(workspaceId));
        literals.put(":#status", "NULL");
        literals.put(":#activeSince", "NULL");
        literals.put(":#namePattern", "'%sari%'");
        literals.put(":#phonePattern", "'%48178111%'");
        literals.put(":#phoneCanonicalPrefix", "'+6285248178111'");
        literals.put(":#usernamePattern", "'%sari%'");
        literals.put(":#bsuidPattern", "'%sari%'");
        literals.put(":#notAwaitingReply", "false");
        literals.put(":#intent", "NULL");
        literals.put(":#cursorAt", "NULL");
        literals.put(":#cursorId", "NULL");
        literals.put(":#fetch", "51");
        for (Map.Entry<String, String> literal : literals.entrySet()) {
            sql = sql.replace(literal.getKey(), literal.getValue());
        }
        assertTrue(!sql.contains(":#"), "every parameter bound: " + sql);
        StringBuilder plan = new StringBuilder();
        try (Connection connection = app.dataSource().getConnection(); Statement s = connection.createStatement()) {
            s.execute("SET statement_timeout = 0");
            // Synthetic rows for the planner, not changes anyone made: no outbox events for them.
            s.execute("SET session_replication_role = replica");
            try {
                s.execute("INSERT INTO lead (workspace_id, phone, bsuid, username, name, last_activity_at) "
                        + "SELECT " + workspaceId + ", '+62813' || lpad(g::text, 8, '0'), "
                        + "CASE WHEN g % 2 = 0 THEN 'ID.' || (1000000000 + g) END, CASE WHEN g % 5 = 0 THEN '@user.' || g END, "
                        + "'Lead ' || g, now() - g * interval '1 second' FROM generate_series(1, 20000) g");
                s.execute("INSERT INTO lead_alias (workspace_id, kind, value, lead_id) "
                        + "SELECT workspace_id, CASE WHEN id % 2 = 0 THEN 'phone' ELSE 'bsuid' END, "
                        + "CASE WHEN id % 2 = 0 THEN '+62857' || lpad(id::text, 8, '0') ELSE 'ID.9' || id END, id "
                        + "FROM lead WHERE workspace_id = " + workspaceId + " ORDER BY id LIMIT 10000");
                // each lead's inbox row, as the message triggers keep it (seeding runs with triggers off)
                s.execute("INSERT INTO lead_inbox (lead_id, workspace_id, last_message_id, last_direction, last_type, last_at) "
                        + "SELECT id, workspace_id, id, 'inbound', 'text', last_activity_at FROM lead WHERE workspace_id = " + workspaceId);
                s.execute("VACUUM ANALYZE lead");
                s.execute("VACUUM ANALYZE lead_alias");
                s.execute("VACUUM ANALYZE lead_inbox");
                try (ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            } finally {
                s.execute("DELETE FROM lead_alias WHERE workspace_id = " + workspaceId);
                s.execute("DELETE FROM lead WHERE workspace_id = " + workspaceId);
                s.execute("RESET statement_timeout");
                s.execute("RESET session_replication_role");
            }
        }
        String p = plan.toString();
        for (String index : List.of("lead_name_trigram", "lead_phone_trigram", "lead_username_trigram", "lead_bsuid_trigram",
                "lead_alias_value_trigram", "lead_phone_prefix", "lead_alias_value_prefix", "lead_pkey")) {
            assertTrue(p.contains("Bitmap Index Scan on " + index), index + " in\n" + p);
        }
        assertTrue(p.contains("BitmapOr"), p);
        assertTrue(!p.contains("Seq Scan"), p);
    }
}
