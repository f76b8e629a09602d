package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.http.HttpResponse;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Customers known by a business-scoped user id (WHATSAPP_IDENTITIES.md): the identity samples end to
 * end, outbound messages to them, group chats, and the messages that name no customer at all.
 */
class BsuidIntakeTest {

    static final String DEWI = "ID.1748302956183746";
    static final String RIZKY = "ID.2093847561029384";
    static final String RIZKY_PARENT = "ID.ENT.7735102938475610";
    static final String SENT = "whatsapp.message.sent";
    /** The reason kept with a message that names no customer (intake-store.camel.yaml's rule). */
    static final String NO_IDENTITY = "no customer phone number or BSUID";

    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
    }

    static JsonNode counts(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void theKapsoBsuidOnlySampleIsALeadKeyedByItsBsuid() throws Exception {
        Tenant t = Tenant.create(app);
        ObjectNode sample = t.kapsoSample("kapso-message-bsuid-only.json");
        String wamid = sample.at("/message/id").asText();

        JsonNode first = counts(t.kapso(Webhooks.RECEIVED, sample));
        JsonNode again = counts(t.kapso(Webhooks.RECEIVED, sample));

        assertEquals(1, first.get("stored").asInt());
        assertEquals(0, first.get("deadLettered").asInt());
        assertEquals(1, again.get("duplicates").asInt());
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(DEWI, t.one("SELECT bsuid FROM lead WHERE workspace_id = ?"));
        assertNull(t.one("SELECT phone FROM lead WHERE workspace_id = ?"));
        assertNull(t.one("SELECT parent_bsuid FROM lead WHERE workspace_id = ?"));
        assertEquals("@dewi.lestari", t.one("SELECT username FROM lead WHERE workspace_id = ?"));
        assertEquals("Dewi Lestari", t.one("SELECT name FROM lead WHERE workspace_id = ?"));
        assertEquals(DEWI, t.one("SELECT l.bsuid FROM message m JOIN lead l ON l.id = m.lead_id "
                + "WHERE m.workspace_id = ? AND m.wamid = ?", wamid));
        assertEquals(DEWI, t.one("SELECT l.bsuid FROM conversation c JOIN lead l ON l.id = c.lead_id "
                + "WHERE c.workspace_id = ? AND c.kapso_id = '4c2e8a10-7d3b-4f6e-9a51-2b8c0d7e6f13'"));
        // A BSUID is case-sensitive: the same letters in another case are another customer, each kept as sent.
        String mixed = Workspaces.unique("ID.AbC");
        String lower = "ID.abc" + mixed.substring("ID.AbC".length());
        for (String bsuid : new String[] {mixed, lower}) {
            ObjectNode event = t.kapsoSample("kapso-message-bsuid-only.json");
            ((ObjectNode) event.get("message")).put("id", Workspaces.unique("wamid.case")).put("from_user_id", bsuid);
            ((ObjectNode) event.get("conversation")).put("business_scoped_user_id", bsuid).put("id", "conv-" + bsuid);
            assertEquals(1, counts(t.kapso(Webhooks.RECEIVED, event)).get("stored").asInt());
        }
        assertEquals(3, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ? AND bsuid = ?", mixed));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ? AND bsuid = ?", lower));
    }

    @Test
    void theMetaBsuidOnlySampleIsALeadWithItsUsername() throws Exception {
        Tenant t = Tenant.create(app);
        String wamid = Workspaces.unique("wamid.metabsuid");

        JsonNode first = counts(t.meta(t.metaSample("meta-message-bsuid-only.json", wamid)));
        JsonNode again = counts(t.meta(t.metaSample("meta-message-bsuid-only.json", wamid)));

        assertEquals(1, first.get("stored").asInt());
        assertEquals(1, again.get("duplicates").asInt());
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(DEWI, t.one("SELECT bsuid FROM lead WHERE workspace_id = ?"));
        assertNull(t.one("SELECT phone FROM lead WHERE workspace_id = ?"));
        assertEquals("@dewi.lestari", t.one("SELECT username FROM lead WHERE workspace_id = ?"));
        assertEquals("Dewi Lestari", t.one("SELECT name FROM lead WHERE workspace_id = ?"));
        assertEquals("Halo kak, paket foto prewedding mulai berapa ya?", t.one(
                "SELECT m.text FROM message m JOIN lead l ON l.id = m.lead_id WHERE m.workspace_id = ? AND l.bsuid = ?", DEWI));
    }

    @Test
    void theMetaSampleWithPhoneAndBsuidIsOneLeadHoldingBoth() throws Exception {
        Tenant t = Tenant.create(app);

        JsonNode first = counts(t.meta(t.metaSample("meta-message-bsuid-and-phone.json", Workspaces.unique("wamid.both"))));

        assertEquals(1, first.get("stored").asInt());
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals("+6281377788899", t.one("SELECT phone FROM lead WHERE workspace_id = ?"));
        assertEquals(RIZKY, t.one("SELECT bsuid FROM lead WHERE workspace_id = ?"));
        assertEquals(RIZKY_PARENT, t.one("SELECT parent_bsuid FROM lead WHERE workspace_id = ?"));
        assertEquals("Rizky Pratama", t.one("SELECT name FROM lead WHERE workspace_id = ?"));
        assertNull(t.one("SELECT username FROM lead WHERE workspace_id = ?"));
    }

    @Test
    void phoneOnlyThenBsuidOnlyThenBothEndAsOneLeadWithEveryMessage() throws Exception {
        Tenant t = Tenant.create(app);
        ObjectNode phoneOnly = t.metaSample("meta-message-bsuid-and-phone.json", Workspaces.unique("wamid.p"));
        Tenant.metaMessage(phoneOnly).remove(java.util.List.of("from_user_id", "from_parent_user_id"));
        ((ObjectNode) Tenant.metaValue(phoneOnly).get("contacts").get(0)).remove(java.util.List.of("user_id", "parent_user_id"));
        ObjectNode bsuidOnly = t.metaSample("meta-message-bsuid-and-phone.json", Workspaces.unique("wamid.b"));
        Tenant.metaMessage(bsuidOnly).remove("from");
        ((ObjectNode) Tenant.metaValue(bsuidOnly).get("contacts").get(0)).remove("wa_id");
        ObjectNode both = t.metaSample("meta-message-bsuid-and-phone.json", Workspaces.unique("wamid.pb"));

        counts(t.meta(phoneOnly));
        counts(t.meta(bsuidOnly));
        assertEquals(2, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"), "two customers as far as anyone knows");
        long older = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = '+6281377788899'");
        counts(t.meta(both));

        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(older, t.count("SELECT id FROM lead WHERE workspace_id = ?"), "merged into the older lead");
        assertEquals("+6281377788899", t.one("SELECT phone FROM lead WHERE workspace_id = ?"));
        assertEquals(RIZKY, t.one("SELECT bsuid FROM lead WHERE workspace_id = ?"));
        assertEquals(3, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND lead_id = ?", older));
        assertEquals(1, t.count("SELECT count(*) FROM note WHERE workspace_id = ? AND lead_id = ? AND kind = 'merge'", older));
    }

    @Test
    void anOutboundMessageToABsuidOnlyCustomerAttachesToTheirLeadNeverToTheBusinessNumber() throws Exception {
        Tenant t = Tenant.create(app);
        counts(t.kapso(Webhooks.RECEIVED, t.kapsoSample("kapso-message-bsuid-only.json")));
        long lead = t.count("SELECT id FROM lead WHERE workspace_id = ? AND bsuid = ?", DEWI);

        // As Kapso sends it: the customer on the conversation; 'from' is the business's own number.
        ObjectNode reply = t.kapsoSample("kapso-message-bsuid-only.json");
        String replyId = Workspaces.unique("wamid.reply");
        ObjectNode message = (ObjectNode) reply.get("message");
        message.put("id", replyId).put("from", "6221500123").put("timestamp", String.valueOf(Instant.now().getEpochSecond()));
        message.remove(java.util.List.of("from_user_id", "username"));
        ((ObjectNode) message.get("kapso")).put("direction", "outbound");
        // Only on the message, as to_user_id [U]; the conversation names nobody, 'from' is the business.
        ObjectNode bare = reply.deepCopy();
        String bareId = Workspaces.unique("wamid.reply");
        ((ObjectNode) bare.get("message")).put("id", bareId).put("to_user_id", DEWI);
        ((ObjectNode) bare.get("conversation")).remove(java.util.List.of("business_scoped_user_id", "username"));
        // Nobody at all but the business: not a lead with the business's number.
        ObjectNode nobody = bare.deepCopy();
        String nobodyId = Workspaces.unique("wamid.reply");
        ((ObjectNode) nobody.get("message")).put("id", nobodyId).remove("to_user_id");

        JsonNode replied = counts(t.kapso(SENT, reply));
        JsonNode repliedBare = counts(t.kapso(SENT, bare));
        JsonNode repliedToNobody = counts(t.kapso(SENT, nobody));

        assertEquals(1, replied.get("stored").asInt());
        assertEquals(1, repliedBare.get("stored").asInt());
        assertEquals(1, repliedToNobody.get("deadLettered").asInt());
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM lead WHERE workspace_id = ? AND phone IS NOT NULL"));
        assertEquals(lead, t.count("SELECT lead_id FROM message WHERE workspace_id = ? AND wamid = ?", replyId));
        assertEquals(lead, t.count("SELECT lead_id FROM message WHERE workspace_id = ? AND wamid = ?", bareId));
        assertEquals("outbound", t.one("SELECT direction FROM message WHERE workspace_id = ? AND wamid = ?", replyId));
        assertEquals(0, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND wamid = ?", nobodyId));
        assertEquals(NO_IDENTITY, app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "kapso:" + nobodyId));
    }

    @Test
    void anOutboundMessageToAPhoneCustomerTakesTheRecipientNotTheSender() throws Exception {
        Tenant t = Tenant.create(app);
        String customer = Workspaces.newPhone();
        ObjectNode sent = t.kapsoSample("kapso-message-sent.json");
        String wamid = Workspaces.unique("wamid.sentto");
        ((ObjectNode) sent.get("message")).put("id", wamid).put("from", "6221500123").put("to", customer.substring(1));
        ((ObjectNode) sent.get("conversation")).putNull("phone_number");

        assertEquals(1, counts(t.kapso(SENT, sent)).get("stored").asInt());

        assertEquals(customer, t.one("SELECT l.phone FROM message m JOIN lead l ON l.id = m.lead_id "
                + "WHERE m.workspace_id = ? AND m.wamid = ?", wamid));
        assertEquals(0, t.count("SELECT count(*) FROM lead WHERE workspace_id = ? AND phone LIKE '%221500123'"));
    }

    @Test
    void groupChatMessagesAreKeptRawAndMakeNoLead() throws Exception {
        Tenant t = Tenant.create(app);
        String metaId = Workspaces.unique("wamid.group");
        ObjectNode meta = t.metaSample("meta-message-bsuid-and-phone.json", metaId);
        Tenant.metaMessage(meta).put("group_id", "120363025343298765");
        ObjectNode kapso = t.kapsoSample("kapso-message-bsuid-only.json");
        String kapsoId = Workspaces.unique("wamid.group");
        ((ObjectNode) kapso.get("message")).put("id", kapsoId).put("group_id", "120363025343298765");

        JsonNode metaCounts = counts(t.meta(meta));
        JsonNode kapsoCounts = counts(t.kapso(Webhooks.RECEIVED, kapso));

        assertEquals(1, metaCounts.get("deadLettered").asInt());
        assertEquals(0, metaCounts.get("stored").asInt());
        assertEquals(1, kapsoCounts.get("deadLettered").asInt());
        assertEquals(0, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM message WHERE workspace_id = ?"));
        assertEquals("group chat message: kept raw, no lead",
                app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "meta:" + metaId));
        assertEquals("group chat message: kept raw, no lead",
                app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "kapso:" + kapsoId));
        assertEquals("120363025343298765", Tenant.metaMessage(JSON.readTree(app.queryString(
                "SELECT payload FROM dead_letter WHERE dedup_key = ?", "meta:" + metaId))).get("group_id").asText());
    }

    @Test
    void aMessageWithNeitherPhoneNorBsuidIsADeadLetterAndStoresNothing() throws Exception {
        Tenant t = Tenant.create(app);
        String metaId = Workspaces.unique("wamid.nobody");
        ObjectNode meta = t.metaSample("meta-message-bsuid-only.json", metaId);
        Tenant.metaMessage(meta).remove("from_user_id");
        ((ObjectNode) Tenant.metaValue(meta).get("contacts").get(0)).remove("user_id");
        ObjectNode kapso = t.kapsoSample("kapso-message-bsuid-only.json");
        String kapsoId = Workspaces.unique("wamid.nobody");
        ((ObjectNode) kapso.get("message")).put("id", kapsoId).remove("from_user_id");
        ((ObjectNode) kapso.get("conversation")).put("business_scoped_user_id", "  ");   // blank is absent

        assertEquals(1, counts(t.meta(meta)).get("deadLettered").asInt());
        assertEquals(1, counts(t.kapso(Webhooks.RECEIVED, kapso)).get("deadLettered").asInt());

        assertEquals(0, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM message WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM conversation WHERE workspace_id = ?"));
        assertEquals(NO_IDENTITY, app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "meta:" + metaId));
        assertEquals(NO_IDENTITY, app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "kapso:" + kapsoId));
    }

    @Test
    void aUserIdThatIsNotABsuidIsNeverAKeyNorAPhone() throws Exception {
        Tenant t = Tenant.create(app);
        String lowerId = Workspaces.unique("wamid.lower");
        ObjectNode lower = t.kapsoSample("kapso-message-bsuid-only.json");
        ((ObjectNode) lower.get("message")).put("id", lowerId).put("from_user_id", "id.123");
        ((ObjectNode) lower.get("conversation")).put("business_scoped_user_id", "id.123");
        String phoneShapedId = Workspaces.unique("wamid.phoneid");
        ObjectNode phoneShaped = t.metaSample("meta-message-bsuid-only.json", phoneShapedId);
        Tenant.metaMessage(phoneShaped).put("from_user_id", "6281377788899");
        ((ObjectNode) Tenant.metaValue(phoneShaped).get("contacts").get(0)).put("user_id", "6281377788899");
        // With a phone, the bad id is left out and the lead is the phone's.
        String withPhoneId = Workspaces.unique("wamid.badidphone");
        ObjectNode withPhone = t.metaSample("meta-message-bsuid-and-phone.json", withPhoneId);
        Tenant.metaMessage(withPhone).put("from_user_id", "id.123");
        ((ObjectNode) Tenant.metaValue(withPhone).get("contacts").get(0)).put("user_id", "id.123");

        assertEquals(1, counts(t.kapso(Webhooks.RECEIVED, lower)).get("deadLettered").asInt());
        assertEquals(1, counts(t.meta(phoneShaped)).get("deadLettered").asInt());
        assertEquals(1, counts(t.meta(withPhone)).get("stored").asInt());

        assertEquals(NO_IDENTITY, app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "kapso:" + lowerId));
        assertEquals(NO_IDENTITY, app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "meta:" + phoneShapedId));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals("+6281377788899", t.one("SELECT phone FROM lead WHERE workspace_id = ?"));
        assertNull(t.one("SELECT bsuid FROM lead WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND wamid IN (?, ?)", lowerId, phoneShapedId));
    }
}
