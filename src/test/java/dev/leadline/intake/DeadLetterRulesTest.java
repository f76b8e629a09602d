package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static dev.leadline.support.Webhooks.bytes;
import static dev.leadline.support.Webhooks.metaAccountUpdate;
import static dev.leadline.support.Webhooks.metaDelivery;
import static dev.leadline.support.Webhooks.metaMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep an authentic item as a dead letter are choice branches in
 * routes/intake-store.camel.yaml, each with its reason. One delivery per rule, through real HTTP, keeps its item
 * with exactly that reason; and every reason the YAML declares is reached by one of them, so a rule added
 * to the route without a case here fails this test.
 */
class DeadLetterRulesTest {

    static final String RECEIVED = Webhooks.RECEIVED;
    static final String IDENTITY_CHANGED = "whatsapp.contact.identity_changed";
    /** The reasons observed, by the rule's case name. */
    static final Map<String, String> OBSERVED = new LinkedHashMap<>();

    static LeadlineApp app;
    static Tenant t;
    static Tenant u;
    static Webhooks fallback;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
        t = Tenant.create(app);
        u = Tenant.create(app);
        fallback = new Webhooks(app, LeadlineApp.FALLBACK_SECRET);
    }

    @Test
    void everyRuleKeepsItsItemWithItsReasonAndEveryReasonInTheRouteIsReached() throws Exception {
        long now = Instant.now().getEpochSecond();

        // The rules of trust (store-intake-item).
        String unknown = Workspaces.unique("66");
        String m1 = Workspaces.unique("unknown");
        kept("unknown number", fallback.kapso(Webhooks.received(unknown, null, "081234567001", m1, now)), m1,
                "unknown phone_number_id " + unknown);

        // A delivery that names no business number at all, which only the fallback secret can verify.
        String m0 = Workspaces.unique("no-number");
        ObjectNode noNumber = Webhooks.received("x", null, "081234567013", m0, now);
        noNumber.remove("phone_number_id");
        ((ObjectNode) noNumber.get("conversation")).remove("phone_number_id");
        kept("no number at all", fallback.kapso(noNumber), m0, "unknown phone_number_id null");

        String unknownA = Workspaces.unique("65");
        String unknownB = Workspaces.unique("64");
        String m2 = Workspaces.unique("other-number");
        kept("fallback for another number", fallback.kapso(Webhooks.batch(
                        Webhooks.received(unknownA, null, "081234567002", "untuk A " + m2 + "a", now),
                        Webhooks.received(unknownB, null, "081234567003", m2, now))), m2,
                "phone_number_id " + unknownB + " is not the one the fallback secret verified this delivery for ("
                        + unknownA + "): not trusted for another workspace");

        String m3 = Workspaces.unique("other-workspace");
        kept("another workspace's number", t.webhooks.kapso(Webhooks.batch(
                        Webhooks.received(t.phoneNumberId, null, "081234567004", "untuk t " + m3 + "a", now),
                        Webhooks.received(u.phoneNumberId, null, "081234567005", m3, now))), m3,
                "phone_number_id " + u.phoneNumberId + " is not that of the workspace whose secret signed the delivery ("
                        + t.phoneNumberId + "): not trusted for another workspace");

        String m4 = Workspaces.unique("owned");
        kept("fallback for an owned number", fallback.meta(bytes(metaDelivery(metaMessages(t.phoneNumberId,
                        Workspaces.unique("wamid.o"), "6281234567006", m4)))), m4,
                "phone_number_id " + t.phoneNumberId + " belongs to a workspace whose secret did not sign this delivery "
                        + "(only the fallback secret verified it): not trusted for that workspace");

        String m5 = Workspaces.unique("account");
        kept("account-level change", fallback.meta(bytes(metaDelivery(metaAccountUpdate(m5)))), m5, "account-level");

        String m6 = Workspaces.unique("no-metadata");
        ObjectNode noMetadata = metaMessages(t.phoneNumberId, Workspaces.unique("wamid.n"), "6281234567007", m6);
        ((ObjectNode) noMetadata.get("value")).remove("metadata");
        kept("change without a business number", fallback.meta(bytes(metaDelivery(noMetadata))), m6,
                "change without metadata.phone_number_id: no workspace to route it to");

        // The rules of content (store-trusted-item), for items trusted for their workspace.
        String m7 = Workspaces.unique("no-id");
        kept("message without an id", t.webhooks.kapso(Webhooks.received(t.phoneNumberId, null, "081234567008", m7, now)), m7,
                "message without an id");

        String m8 = Workspaces.unique("group");
        ObjectNode group = metaDelivery(metaMessages(t.phoneNumberId, Workspaces.unique("wamid.g"), "6281234567009", m8));
        ((ObjectNode) Tenant.metaMessage(group)).put("group_id", Workspaces.unique("group-"));
        kept("group chat", t.meta(group), m8, "group chat message: kept raw, no lead");

        String m9 = Workspaces.unique("status");
        ObjectNode status = Webhooks.received(t.phoneNumberId, null, "081234567010", m9, now);
        kept("status without the message's id", t.kapso("whatsapp.message.delivered", Webhooks.ours(status, "delivered")), m9,
                "message status without the message's id");

        String m10 = Workspaces.unique("conversation");
        ObjectNode conversation = JSON.createObjectNode().put("phone_number_id", t.phoneNumberId);
        conversation.putObject("conversation").put("phone_number_id", t.phoneNumberId).put("phone_number", "081234567011")
                .put("status", "ended").put("contact_name", m10);
        kept("conversation without an id", t.kapso("whatsapp.conversation.ended", conversation), m10,
                "conversation event without a conversation id");

        String m11 = Workspaces.unique("nobody");
        kept("no phone, no BSUID", t.webhooks.kapso(Webhooks.receivedFrom(t.phoneNumberId, Workspaces.unique("wamid.x"),
                null, null, null, null, m11, now)), m11, "no customer phone number or BSUID");

        String m12 = Workspaces.unique("letters");
        kept("phone with letters", t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.l"),
                "0812-CALL-ME", m12, now)), m12, "customer phone number contains letters");

        String m13 = Workspaces.unique("invalid");
        kept("invalid phone", t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.i"),
                "123", m13, now)), m13, "invalid customer phone number");

        String m14 = Workspaces.unique("nothing-new");
        ObjectNode nothingNew = t.kapsoSample("kapso-contact-identity-changed.json");
        ((ObjectNode) nothingNew.get("contact")).putNull("business_scoped_user_id").putNull("wa_id").put("profile_name", m14);
        kept("identity change with nothing to set", t.kapso(IDENTITY_CHANGED, nothingNew), m14,
                "identity change without a new phone number or BSUID");

        String m15 = Workspaces.unique("no-lead");
        ObjectNode noLead = t.kapsoSample("kapso-contact-identity-changed.json");
        ((ObjectNode) noLead.get("contact")).put("business_scoped_user_id", "ID." + Workspaces.unique("91"))
                .put("wa_id", "6285711" + Workspaces.unique("").substring(0, 6)).put("profile_name", m15)
                .putNull("parent_business_scoped_user_id");
        ((ObjectNode) noLead.get("previous")).put("business_scoped_user_id", "ID." + Workspaces.unique("92"))
                .putNull("parent_business_scoped_user_id");
        kept("identity change for no lead", t.kapso(IDENTITY_CHANGED, noLead), m15, "identity change for no known lead");

        String m17 = Workspaces.unique("contradiction");
        kept("header contradicting the signed body", t.webhooks.kapso("whatsapp.message.sent", bytes(Webhooks.received(
                t.phoneNumberId, Workspaces.unique("wamid.c"), "081234567014", m17, now))), m17,
                "X-Webhook-Event whatsapp.message.sent contradicts the signed body: its message.kapso.direction is inbound");

        // An event leadline does not read (here a Meta field with a customer's preference in it) is kept, not dropped.
        String m16 = Workspaces.unique("unread");
        ObjectNode unread = JSON.createObjectNode().put("field", "user_preferences");
        unread.putObject("value").put("marker", m16).putObject("metadata").put("phone_number_id", t.phoneNumberId);
        kept("an event leadline does not read", t.meta(metaDelivery(unread)), m16,
                "event meta.user_preferences is not one leadline reads: kept whole");

        // Every reason the route declares is one of those observed: no rule goes untested.
        List<String> templates = reasonsInRoute();
        assertEquals(18, templates.size(), "the dead-letter rules of intake-store.camel.yaml: " + templates);
        for (String template : templates) {
            Pattern reason = Pattern.compile(templateRegex(template));
            assertTrue(OBSERVED.values().stream().anyMatch(r -> reason.matcher(r).matches()),
                    "no case reaches the rule with reason '" + template + "'; observed " + OBSERVED);
        }
        // And nothing the rules did not say: each observed reason is one of the route's.
        for (Map.Entry<String, String> seen : OBSERVED.entrySet()) {
            assertTrue(templates.stream().anyMatch(tpl -> seen.getValue().matches(templateRegex(tpl))), seen.toString());
        }
    }

    @Test
    void testDeliveriesAndEventsWeDoNotStoreAreNotDeadLetters() throws Exception {
        String m = Workspaces.unique("test-delivery");
        ObjectNode test = Webhooks.received(Workspaces.unique("63"), Workspaces.unique("wamid.t"), "081234567012", m,
                Instant.now().getEpochSecond());
        test.put("test", true);
        JsonNode counts = JSON.readTree(fallback.kapso(test).body());
        assertEquals(1, counts.get("test").asInt(), counts.toString());
        assertEquals(0, counts.get("deadLettered").asInt(), counts.toString());

        ObjectNode template = JSON.createObjectNode().put("field", "message_template_status_update");
        template.putObject("value").put("event", "APPROVED").put("marker", m)
                .putObject("metadata").put("phone_number_id", t.phoneNumberId);
        JsonNode ignored = JSON.readTree(t.meta(metaDelivery(template)).body());
        assertEquals(1, ignored.get("ignored").asInt(), ignored.toString());
        assertEquals(0, app.queryLong("SELECT count(*) FROM dead_letter WHERE payload LIKE ?", "%" + m + "%"));
    }

    /** Posts, expects one dead letter in the answer, and the one letter whose payload holds the marker, with that reason. */
    static void kept(String rule, HttpResponse<String> response, String marker, String reason) throws Exception {
        assertEquals(200, response.statusCode(), rule + ": " + response.body());
        JsonNode counts = JSON.readTree(response.body());
        assertTrue(counts.get("deadLettered").asInt() >= 1, rule + ": " + counts);
        assertEquals(1, app.queryLong("SELECT count(*) FROM dead_letter WHERE payload LIKE ? AND payload NOT LIKE ?",
                "%" + marker + "%", "%" + marker + "a%"), rule);
        String observed = app.queryString("SELECT reason FROM dead_letter WHERE payload LIKE ? AND payload NOT LIKE ?",
                "%" + marker + "%", "%" + marker + "a%");
        assertEquals(reason, observed, rule);
        OBSERVED.put(rule, observed);
    }

    /** The deadLetterReason values set in intake-store.camel.yaml, as written (a constant, or a simple template). */
    static List<String> reasonsInRoute() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("routes/intake-store.camel.yaml"), StandardCharsets.UTF_8);
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).trim().equals("name: deadLetterReason")) {
                Matcher value = Pattern.compile("^\\s*(constant|simple): (.*)$").matcher(lines.get(i + 1));
                assertTrue(value.matches(), "line " + (i + 2) + ": " + lines.get(i + 1));
                String text = value.group(2).trim();
                reasons.add(text.startsWith("\"") ? text.substring(1, text.length() - 1) : text);
            }
        }
        return reasons;
    }

    /** A simple template as a regex: its ${...} parts stand for any text. */
    static String templateRegex(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher part = Pattern.compile("\\$\\{[^}]*}").matcher(template);
        int at = 0;
        while (part.find()) {
            regex.append(Pattern.quote(template.substring(at, part.start()))).append(".+");
            at = part.end();
        }
        return regex.append(Pattern.quote(template.substring(at))).toString();
    }
}
