package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Prometheus;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity changes (WHATSAPP_IDENTITIES.md §4, §5, §7 rule 6): Meta's user_changed_number and
 * user_changed_user_id system messages and user_id_update field, Kapso's contact.identity_changed. The
 * lead takes the new identity, keeps the old as an alias, and says so on its timeline, once per event.
 * A service of its own, for the admin API's replay.
 */
class IdentityEventsTest {

    static final String IDENTITY_CHANGED = "whatsapp.contact.identity_changed";
    static final String RIZKY_OLD = "ID.2093847561029384";
    static final String RIZKY_NEW = "ID.5566778899001122";
    static final String OLD_PHONE = "+6281377788899";
    static final String NEW_PHONE = "+6285711122233";

    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.startWithAdmin();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** The identity-change outcomes of the Meta route, as leadline_webhook_messages_total counts them. */
    static double metaOutcome(String outcome) throws Exception {
        String port = app.context().resolvePropertyPlaceholders("{{management.port}}");
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/observe/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), metrics.body());
        return new Prometheus(metrics.body()).value("leadline_webhook_messages_total", "route", "meta-webhook-intake",
                "outcome", outcome);
    }

    static JsonNode counts(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** Rizky as the bsuid-and-phone sample makes him: phone +6281377788899, BSUID ID.2093…, parent ID.ENT.7735…. */
    static long rizky(Tenant t) throws Exception {
        assertEquals(1, counts(t.meta(t.metaSample("meta-message-bsuid-and-phone.json", Workspaces.unique("wamid.rizky"))))
                .get("stored").asInt());
        return t.count("SELECT id FROM lead WHERE workspace_id = ? AND bsuid = ?", RIZKY_OLD);
    }

    static long aliases(Tenant t, long lead, String kind, String value) throws Exception {
        return t.count("SELECT count(*) FROM lead_alias WHERE workspace_id = ? AND lead_id = ? AND kind = ? AND value = ?",
                lead, kind, value);
    }

    static List<String> notes(Tenant t, long lead, String kind) throws Exception {
        String all = t.one("SELECT string_agg(content, E'\\n' ORDER BY id) FROM note WHERE workspace_id = ? AND lead_id = ? AND kind = ?",
                lead, kind);
        return all == null ? List.of() : List.of(all.split("\n"));
    }

    /** A late message from Rizky with only the given phone (digits) or BSUID, as Meta would send it. */
    static ObjectNode lateMessage(Tenant t, String waId, String userId) {
        ObjectNode late = t.metaSample("meta-message-bsuid-and-phone.json", Workspaces.unique("wamid.late"));
        ObjectNode message = Tenant.metaMessage(late);
        ObjectNode contact = (ObjectNode) Tenant.metaValue(late).get("contacts").get(0);
        message.remove(List.of("from", "from_user_id", "from_parent_user_id"));
        contact.remove(List.of("wa_id", "user_id", "parent_user_id"));
        if (waId != null) {
            message.put("from", waId);
            contact.put("wa_id", waId);
        }
        if (userId != null) {
            message.put("from_user_id", userId);
            contact.put("user_id", userId);
        }
        message.put("timestamp", String.valueOf(Instant.now().getEpochSecond()));
        return late;
    }

    @Test
    void metaUserChangedNumberMovesTheLeadToItsNewPhoneAndBsuidOnce() throws Exception {
        Tenant t = Tenant.create(app);
        long lead = rizky(t);
        String systemId = Workspaces.unique("wamid.changed");
        ObjectNode change = t.metaSample("meta-user-changed-number.json", systemId);

        double changedBefore = metaOutcome("identityChanged");

        JsonNode applied = counts(t.meta(change));
        JsonNode again = counts(t.meta(change));

        assertEquals(1, applied.get("identityChanged").asInt(), applied.toString());
        assertEquals(1, metaOutcome("identityChanged") - changedBefore, "the metric's outcome tag");
        assertEquals(0, applied.get("stored").asInt());
        assertEquals(1, again.get("duplicates").asInt(), again.toString());
        assertEquals(0, again.get("identityChanged").asInt());
        assertEquals(NEW_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(RIZKY_NEW, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(1, aliases(t, lead, "phone", OLD_PHONE));
        assertEquals(1, aliases(t, lead, "bsuid", RIZKY_OLD));
        assertEquals(List.of("Phone changed from +6281377788899 to +6285711122233; BSUID now ID.5566778899001122 "
                + "(WhatsApp user_changed_number)"), notes(t, lead, "identity_change"));
        assertEquals("system-identity", t.one("SELECT added_by FROM note WHERE workspace_id = ? AND lead_id = ? "
                + "AND kind = 'identity_change'", lead));
        // A notification, never a chat message.
        assertEquals(0, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND wamid = ?", systemId));
        assertEquals(1, t.count("SELECT count(*) FROM identity_event WHERE workspace_id = ? AND event_key = ?", "meta:" + systemId));

        // Late messages with only the old phone, or only the old BSUID, still find the lead.
        assertEquals(1, counts(t.meta(lateMessage(t, "6281377788899", null))).get("stored").asInt());
        assertEquals(1, counts(t.meta(lateMessage(t, null, RIZKY_OLD))).get("stored").asInt());
        assertEquals(1, counts(t.meta(lateMessage(t, "6285711122233", RIZKY_NEW))).get("stored").asInt());
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(4, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND lead_id = ?", lead));
    }

    @Test
    void kapsoIdentityChangedSetsTheNewBsuidParentAndPhoneAndKeepsTheOldOnes() throws Exception {
        Tenant t = Tenant.create(app);
        long lead = rizky(t);
        ObjectNode event = t.kapsoSample("kapso-contact-identity-changed.json");

        JsonNode applied = counts(t.kapso(IDENTITY_CHANGED, event));
        JsonNode again = counts(t.kapso(IDENTITY_CHANGED, event));

        assertEquals(1, applied.get("identityChanged").asInt(), applied.toString());
        assertEquals(1, again.get("duplicates").asInt(), again.toString());
        assertEquals(RIZKY_NEW, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals("ID.ENT.3141592653589793", t.one("SELECT parent_bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(NEW_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals("Rizky Pratama", t.one("SELECT name FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(1, aliases(t, lead, "bsuid", RIZKY_OLD));
        assertEquals(1, aliases(t, lead, "phone", OLD_PHONE));
        assertEquals(List.of("Phone now +6285711122233; BSUID changed from ID.2093847561029384 to ID.5566778899001122; "
                + "Parent BSUID changed from ID.ENT.7735102938475610 to ID.ENT.3141592653589793 "
                + "(Kapso whatsapp.contact.identity_changed)"), notes(t, lead, "identity_change"));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM dead_letter WHERE verified_workspace_id = ?"));
        // A late Kapso message carrying the old BSUID only is still Rizky's.
        ObjectNode late = t.kapsoSample("kapso-message-bsuid-only.json");
        ((ObjectNode) late.get("message")).put("id", Workspaces.unique("wamid.late")).put("from_user_id", RIZKY_OLD);
        ((ObjectNode) late.get("conversation")).put("business_scoped_user_id", RIZKY_OLD).put("username", (String) null);
        assertEquals(1, counts(t.kapso(Webhooks.RECEIVED, late)).get("stored").asInt());
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(2, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND lead_id = ?", lead));
    }

    @Test
    void twentyParallelCopiesOfOneIdentityChangeApplyItOnce() throws Exception {
        Tenant t = Tenant.create(app);
        long lead = rizky(t);
        ObjectNode event = t.kapsoSample("kapso-contact-identity-changed.json");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<JsonNode> answers = new ArrayList<>();
        try {
            List<Callable<JsonNode>> sends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sends.add(() -> counts(t.kapso(IDENTITY_CHANGED, event)));
            }
            for (Future<JsonNode> answer : pool.invokeAll(sends)) {
                answers.add(answer.get());
            }
        } finally {
            pool.shutdown();
        }

        assertEquals(1, answers.stream().mapToInt(a -> a.get("identityChanged").asInt()).sum(), answers.toString());
        assertEquals(19, answers.stream().mapToInt(a -> a.get("duplicates").asInt()).sum(), answers.toString());
        assertEquals(1, notes(t, lead, "identity_change").size());
        assertEquals(RIZKY_NEW, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
    }

    @Test
    void aLeadMergedAwayWhileItsIdentityChangesIsA503AndTheRetryApplies() throws Exception {
        Tenant t = Tenant.create(app);
        String phone = Workspaces.newPhone();
        counts(t.meta(lateMessage(t, phone.substring(1), null)));   // the older lead: a phone only
        long older = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone);
        long younger = rizky(t);
        ObjectNode event = t.kapsoSample("kapso-contact-identity-changed.json");
        HttpResponse<String> during;
        // A merge in progress (as a message carrying both identities would make) holds the younger lead.
        try (Connection merging = app.dataSource().getConnection()) {
            merging.setAutoCommit(false);
            try (PreparedStatement merge = merging.prepareStatement("SELECT lead_merge_pair(?, ?, ?, 'a test merge')")) {
                merge.setLong(1, t.workspaceId);
                merge.setLong(2, younger);
                merge.setLong(3, older);
                merge.executeQuery().close();
            }
            CompletableFuture<HttpResponse<String>> change = CompletableFuture.supplyAsync(() -> {
                try {
                    return t.kapso(IDENTITY_CHANGED, event);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The change found the younger lead by its previous BSUID and now waits for its row.
            for (int i = 0; i < 200 && app.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    + "AND query LIKE '%intake_change_identity%'") == 0; i++) {
                Thread.sleep(5);
            }
            assertEquals(1, app.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    + "AND query LIKE '%intake_change_identity%'"), "the change waits for the lead being merged away");
            merging.commit();
            during = change.get();
        }

        assertEquals(503, during.statusCode(), during.body());
        assertEquals("unavailable", JSON.readTree(during.body()).get("error").asText());
        assertEquals(0, t.count("SELECT count(*) FROM identity_event WHERE workspace_id = ?"), "nothing of it kept");
        JsonNode retried = counts(t.kapso(IDENTITY_CHANGED, event));
        assertEquals(1, retried.get("identityChanged").asInt(), retried.toString());
        assertEquals(RIZKY_NEW, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", older));
        assertEquals(NEW_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ? AND id = ?", older));
        assertEquals(1, notes(t, older, "identity_change").size());
    }

    @Test
    void metaUserChangedUserIdReadsTheOldBsuidFromTheBodyOrPreviousUserId() throws Exception {
        Tenant t = Tenant.create(app);
        String dewi = Workspaces.unique("ID.Dewi");
        String dewiNext = Workspaces.unique("ID.DewiNext");
        String dewiLast = Workspaces.unique("ID.DewiLast");
        ObjectNode first = t.metaSample("meta-message-bsuid-only.json", Workspaces.unique("wamid.dewi"));
        Tenant.metaMessage(first).put("from_user_id", dewi);
        ((ObjectNode) Tenant.metaValue(first).get("contacts").get(0)).put("user_id", dewi);
        counts(t.meta(first));
        long lead = t.count("SELECT id FROM lead WHERE workspace_id = ? AND bsuid = ?", dewi);

        // Meta's documented shape: the old BSUID only in the body's text.
        ObjectNode byBody = userChangedUserId(t, Workspaces.unique("wamid.uid"), dewiNext,
                "User Dewi Lestari changed from " + dewi + " to " + dewiNext);
        // Third-party shape: system.previous_user_id, and a body that says nothing useful.
        ObjectNode byField = userChangedUserId(t, Workspaces.unique("wamid.uid"), dewiLast, "Dewi changed their account");
        ((ObjectNode) Tenant.metaMessage(byField).get("system")).put("previous_user_id", dewiNext).put("parent_user_id", "ID.ENT.42");

        assertEquals(1, counts(t.meta(byBody)).get("identityChanged").asInt());
        assertEquals(dewiNext, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(1, counts(t.meta(byField)).get("identityChanged").asInt());

        assertEquals(dewiLast, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals("ID.ENT.42", t.one("SELECT parent_bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(1, aliases(t, lead, "bsuid", dewi));
        assertEquals(1, aliases(t, lead, "bsuid", dewiNext));
        assertEquals(List.of("BSUID changed from " + dewi + " to " + dewiNext + " (WhatsApp user_changed_user_id)",
                "BSUID changed from " + dewiNext + " to " + dewiLast + "; Parent BSUID now ID.ENT.42 (WhatsApp user_changed_user_id)"),
                notes(t, lead, "identity_change"));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND type = 'system'"));
    }

    static ObjectNode userChangedUserId(Tenant t, String wamid, String newBsuid, String body) {
        ObjectNode delivery = t.metaSample("meta-user-changed-number.json", wamid);
        ObjectNode message = Tenant.metaMessage(delivery);
        message.remove("from");
        ObjectNode system = (ObjectNode) message.get("system");
        system.removeAll();
        system.put("body", body).put("user_id", newBsuid).put("type", "user_changed_user_id");
        return delivery;
    }

    @Test
    void metaUserIdUpdateFieldMapsThePreviousBsuidToTheCurrentOne() throws Exception {
        Tenant t = Tenant.create(app);
        long lead = rizky(t);
        ObjectNode delivery = t.metaSample("meta-message-bsuid-and-phone.json", null);
        ObjectNode change = (ObjectNode) delivery.get("entry").get(0).get("changes").get(0);
        change.put("field", "user_id_update");
        ObjectNode value = (ObjectNode) change.get("value");
        value.remove("messages");
        ObjectNode update = value.putArray("user_id_update").addObject();
        update.put("wa_id", "6281377788899").put("detail", "user id changed").put("timestamp", "1764040900");
        update.putObject("user_id").put("previous", RIZKY_OLD).put("current", RIZKY_NEW);
        update.putObject("parent_user_id").put("previous", "ID.ENT.7735102938475610").put("current", "ID.ENT.3141592653589793");
        ((ObjectNode) value.get("contacts").get(0)).put("user_id", RIZKY_NEW);

        JsonNode applied = counts(t.meta(delivery));
        JsonNode again = counts(t.meta(delivery));

        assertEquals(1, applied.get("identityChanged").asInt(), applied.toString());
        assertEquals(1, again.get("duplicates").asInt(), again.toString());
        assertEquals(RIZKY_NEW, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(OLD_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(1, aliases(t, lead, "bsuid", RIZKY_OLD));
        assertEquals(List.of("Phone now +6281377788899; BSUID changed from ID.2093847561029384 to ID.5566778899001122; "
                + "Parent BSUID changed from ID.ENT.7735102938475610 to ID.ENT.3141592653589793 (WhatsApp user_id_update)"),
                notes(t, lead, "identity_change"));
    }

    @Test
    void anIdentityChangeForNoKnownLeadIsKeptAndAppliedWhenReplayedOnceTheLeadExists() throws Exception {
        Tenant t = Tenant.create(app);
        ObjectNode event = t.kapsoSample("kapso-contact-identity-changed.json");

        JsonNode kept = counts(t.kapso(IDENTITY_CHANGED, event));
        JsonNode keptAgain = counts(t.kapso(IDENTITY_CHANGED, event));

        assertEquals(1, kept.get("deadLettered").asInt(), kept.toString());
        assertEquals(1, keptAgain.get("deadLettered").asInt());
        assertEquals(0, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM identity_event WHERE workspace_id = ?"));
        assertEquals(1, t.count("SELECT count(*) FROM dead_letter WHERE verified_workspace_id = ?"), "kept once");
        assertEquals("identity change for no known lead",
                t.one("SELECT reason FROM dead_letter WHERE verified_workspace_id = ?"));
        assertEquals(IDENTITY_CHANGED, t.one("SELECT event FROM dead_letter WHERE verified_workspace_id = ?"));
        long deadLetter = t.count("SELECT id FROM dead_letter WHERE verified_workspace_id = ?");

        long lead = rizky(t);
        HttpResponse<String> replayed = app.call("POST", "/api/admin/dead-letters/" + deadLetter + "/replay", null, LeadlineApp.ADMIN_TOKEN);
        HttpResponse<String> replayedAgain = app.call("POST", "/api/admin/dead-letters/" + deadLetter + "/replay", null, LeadlineApp.ADMIN_TOKEN);
        // Kapso re-sending it after the replay: the same event, already applied.
        JsonNode resent = counts(t.kapso(IDENTITY_CHANGED, event));

        assertEquals(1, counts(replayed).get("identityChanged").asInt(), replayed.body());
        assertEquals(1, counts(replayedAgain).get("duplicates").asInt(), replayedAgain.body());
        assertEquals(1, resent.get("duplicates").asInt(), resent.toString());
        assertEquals(RIZKY_NEW, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(NEW_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(1, notes(t, lead, "identity_change").size());
        assertEquals(1, t.count("SELECT count(*) FROM dead_letter WHERE verified_workspace_id = ?"));

        // Meta's no-lead system message likewise, with its message id as the key.
        String systemId = Workspaces.unique("wamid.nolead");
        ObjectNode orphan = t.metaSample("meta-user-changed-number.json", systemId);
        Tenant.metaMessage(orphan).put("from", "6281300000001");
        ((ObjectNode) Tenant.metaMessage(orphan).get("system")).put("wa_id", "6281300000002").put("user_id", "ID.Nobody1")
                .put("body", "User Nobody changed from 6281300000001 to 6281300000002");
        assertEquals(1, counts(t.meta(orphan)).get("deadLettered").asInt());
        assertEquals("identity change for no known lead", app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "meta:" + systemId));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
    }

    @Test
    void anIdentityChangeOntoAnotherLeadsPhoneMergesTheTwo() throws Exception {
        Tenant t = Tenant.create(app);
        long rizky = rizky(t);
        // Someone already writes from the new number: another lead, with two messages.
        for (int i = 0; i < 2; i++) {
            counts(t.meta(lateMessage(t, "6285711122233", null)));
        }
        long other = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", NEW_PHONE);
        assertTrue(other != rizky);

        JsonNode applied = counts(t.meta(t.metaSample("meta-user-changed-number.json", Workspaces.unique("wamid.merge"))));

        assertEquals(1, applied.get("identityChanged").asInt(), applied.toString());
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(rizky, t.count("SELECT id FROM lead WHERE workspace_id = ?"), "the older lead stays");
        assertEquals(NEW_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ? AND id = ?", rizky));
        assertEquals(RIZKY_NEW, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", rizky));
        assertEquals(3, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND lead_id = ?", rizky));
        assertEquals(1, aliases(t, rizky, "phone", OLD_PHONE));
        assertEquals(1, notes(t, rizky, "merge").size());
        assertTrue(notes(t, rizky, "merge").get(0).startsWith("Lead #" + other + " "), notes(t, rizky, "merge").toString());
        assertEquals(1, notes(t, rizky, "identity_change").size());
        assertEquals(1, t.count("SELECT count(*) FROM lead_merge WHERE workspace_id = ? AND absorbed_lead_id = ? AND into_lead_id = ?",
                other, rizky));
    }

    @Test
    void aChangeWhosePreviousPhoneAndBsuidAreTwoLeadsMergesThem() throws Exception {
        Tenant t = Tenant.create(app);
        // The customer wrote once with the BSUID only, once with the phone only: two leads, not yet linked.
        counts(t.meta(lateMessage(t, null, RIZKY_OLD)));
        counts(t.meta(lateMessage(t, "6281377788899", null)));
        long byBsuid = t.count("SELECT id FROM lead WHERE workspace_id = ? AND bsuid = ?", RIZKY_OLD);
        long byPhone = t.count("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", OLD_PHONE);
        assertTrue(byBsuid != byPhone);
        // The number change names both: the old phone as 'from', the old BSUID as the message's from_user_id.
        ObjectNode change = t.metaSample("meta-user-changed-number.json", Workspaces.unique("wamid.both"));
        Tenant.metaMessage(change).put("from_user_id", RIZKY_OLD);

        assertEquals(1, counts(t.meta(change)).get("identityChanged").asInt());

        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"), "one customer, one lead");
        assertEquals(byBsuid, t.count("SELECT id FROM lead WHERE workspace_id = ?"), "the older lead stays");
        assertEquals(2, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND lead_id = ?", byBsuid));
        assertEquals(NEW_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ?"));
        assertEquals(RIZKY_NEW, t.one("SELECT bsuid FROM lead WHERE workspace_id = ?"));
        assertEquals(1, aliases(t, byBsuid, "phone", OLD_PHONE));
        assertEquals(1, aliases(t, byBsuid, "bsuid", RIZKY_OLD));
        // A late message from the old phone goes to the surviving lead.
        counts(t.meta(lateMessage(t, "6281377788899", null)));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(3, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND lead_id = ?", byBsuid));
    }

    @Test
    void aKapsoIdentityChangeOfAnotherShapeIs400AndStoresNothing() throws Exception {
        Tenant t = Tenant.create(app);
        long lead = rizky(t);
        ObjectNode noContact = t.kapsoSample("kapso-contact-identity-changed.json");
        noContact.remove("contact");
        ObjectNode conversationInstead = t.kapsoSample("kapso-message-bsuid-only.json");
        conversationInstead.remove("message");
        ObjectNode contactNotAnObject = t.kapsoSample("kapso-contact-identity-changed.json");
        contactNotAnObject.put("contact", RIZKY_NEW);
        ObjectNode withAMessage = t.kapsoSample("kapso-contact-identity-changed.json");
        withAMessage.set("message", t.kapsoSample("kapso-message-bsuid-only.json").get("message"));
        ObjectNode previousNotAnObject = t.kapsoSample("kapso-contact-identity-changed.json");
        previousNotAnObject.put("previous", RIZKY_OLD);

        for (ObjectNode body : List.of(noContact, conversationInstead, contactNotAnObject, withAMessage, previousNotAnObject)) {
            HttpResponse<String> response = t.kapso(IDENTITY_CHANGED, body);
            assertEquals(400, response.statusCode(), body + " -> " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            JsonNode error = JSON.readTree(response.body());
            assertEquals("bad_request", error.get("error").asText());
            assertTrue(error.get("detail").asText().length() > 10, error.toString());
        }
        assertEquals(RIZKY_OLD, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(0, t.count("SELECT count(*) FROM identity_event WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM note WHERE workspace_id = ?"));
        assertEquals(0, t.count("SELECT count(*) FROM dead_letter WHERE verified_workspace_id = ?"));
        assertEquals(1, t.count("SELECT count(*) FROM message WHERE workspace_id = ?"));
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
    }

    @Test
    void anIdentityChangeWithNothingNewToSetIsKeptAndOtherSystemMessagesAreAcknowledged() throws Exception {
        Tenant t = Tenant.create(app);
        long lead = rizky(t);
        ObjectNode nothingNew = t.kapsoSample("kapso-contact-identity-changed.json");
        ((ObjectNode) nothingNew.get("contact")).putNull("business_scoped_user_id").putNull("wa_id");
        String otherId = Workspaces.unique("wamid.sys");
        ObjectNode otherSystem = t.metaSample("meta-user-changed-number.json", otherId);
        ((ObjectNode) Tenant.metaMessage(otherSystem).get("system")).put("type", "customer_identity_changed");

        JsonNode kept = counts(t.kapso(IDENTITY_CHANGED, nothingNew));
        JsonNode acknowledged = counts(t.meta(otherSystem));

        assertEquals(1, kept.get("deadLettered").asInt(), kept.toString());
        assertEquals("identity change without a new phone number or BSUID",
                t.one("SELECT reason FROM dead_letter WHERE verified_workspace_id = ?"));
        assertEquals(1, acknowledged.get("ignored").asInt(), acknowledged.toString());
        assertEquals(0, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND wamid = ?", otherId));
        assertEquals(RIZKY_OLD, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(OLD_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(0, t.count("SELECT count(*) FROM note WHERE workspace_id = ?"));
    }

    @Test
    void oneMetaPostCarryingAMessageAndAnIdentityChangeCountsBoth() throws Exception {
        Tenant t = Tenant.create(app);
        long lead = rizky(t);
        ObjectNode delivery = t.metaSample("meta-user-changed-number.json", Workspaces.unique("wamid.mixed"));
        ArrayNode messages = (ArrayNode) Tenant.metaValue(delivery).get("messages");
        // Rizky writes again from the old number in the same POST, before the change.
        messages.insert(0, Tenant.metaMessage(lateMessage(t, "6281377788899", RIZKY_OLD)));

        JsonNode both = counts(t.meta(delivery));

        assertEquals(1, both.get("stored").asInt(), both.toString());
        assertEquals(1, both.get("identityChanged").asInt(), both.toString());
        assertEquals(2, t.count("SELECT count(*) FROM message WHERE workspace_id = ? AND lead_id = ?", lead));
        assertEquals(NEW_PHONE, t.one("SELECT phone FROM lead WHERE workspace_id = ? AND id = ?", lead));
    }

    /** A user_id_update for Rizky's phone, from one BSUID to the next, at the given epoch seconds. */
    static ObjectNode userIdUpdate(Tenant t, String previous, String current, long at) {
        ObjectNode delivery = t.metaSample("meta-message-bsuid-and-phone.json", null);
        ObjectNode change = (ObjectNode) delivery.get("entry").get(0).get("changes").get(0);
        change.put("field", "user_id_update");
        ObjectNode value = (ObjectNode) change.get("value");
        value.remove("messages");
        value.remove("contacts");
        ObjectNode update = value.putArray("user_id_update").addObject();
        update.put("wa_id", "6281377788899").put("detail", "user id changed").put("timestamp", String.valueOf(at));
        update.putObject("user_id").put("previous", previous).put("current", current);
        return delivery;
    }

    @Test
    void anOlderIdentityChangeArrivingLateNeverOverwritesANewerOne() throws Exception {
        Tenant t = Tenant.create(app);
        long lead = rizky(t);
        String second = "ID.2222000022220000";
        String third = "ID.3333000033330000";
        long earlier = Instant.now().minusSeconds(600).getEpochSecond();

        // 02 -> 03 arrives first (found by the phone), then the older 01 -> 02.
        assertEquals(1, counts(t.meta(userIdUpdate(t, second, third, earlier + 60))).get("identityChanged").asInt());
        assertEquals(1, counts(t.meta(userIdUpdate(t, RIZKY_OLD, second, earlier))).get("identityChanged").asInt());

        assertEquals(third, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", lead));
        assertEquals(1, aliases(t, lead, "bsuid", second), "the older change's BSUID is an alias");
        assertEquals(1, aliases(t, lead, "bsuid", RIZKY_OLD));
        assertEquals(2, notes(t, lead, "identity_change").size());
        // A late message with the alias still finds the lead.
        assertEquals(1, counts(t.meta(lateMessage(t, null, second))).get("stored").asInt());
        assertEquals(1, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
    }

    @Test
    void aDisplayNameCannotSteerAUserIdChangeOntoAnotherLead() throws Exception {
        Tenant t = Tenant.create(app);
        long rizky = rizky(t);
        String victimBsuid = "ID.9090909090909090";
        assertEquals(1, counts(t.meta(lateMessage(t, null, victimBsuid))).get("stored").asInt());
        long victim = t.count("SELECT id FROM lead WHERE workspace_id = ? AND bsuid = ?", victimBsuid);
        String crafted = "ID.7070707070707070";

        // The customer named themselves "Eve changed from <victim's BSUID> to ...": the old BSUID is read from
        // the structured from_user_id, else from the end of the text, never from inside the name.
        ObjectNode withFromUserId = t.metaSample("meta-user-changed-number.json", Workspaces.unique("wamid.steer1"));
        ObjectNode message = Tenant.metaMessage(withFromUserId);
        message.put("from_user_id", RIZKY_OLD).remove("from");
        ((ObjectNode) message.get("system")).put("type", "user_changed_user_id").put("user_id", crafted).remove("wa_id");
        ((ObjectNode) message.get("system")).put("body", "User Eve changed from " + victimBsuid + " to x changed from "
                + RIZKY_OLD + " to " + crafted);
        assertEquals(1, counts(t.meta(withFromUserId)).get("identityChanged").asInt());

        assertEquals(crafted, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", rizky));
        assertEquals(victimBsuid, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", victim));
        assertEquals(List.of(), notes(t, victim, "identity_change"));

        // Without from_user_id: the text's last "changed from ... to ..." names Rizky's newest BSUID.
        String next = "ID.6060606060606060";
        ObjectNode textOnly = t.metaSample("meta-user-changed-number.json", Workspaces.unique("wamid.steer2"));
        message = Tenant.metaMessage(textOnly);
        message.remove("from");
        ((ObjectNode) message.get("system")).put("type", "user_changed_user_id").put("user_id", next).remove("wa_id");
        ((ObjectNode) message.get("system")).put("body", "User Eve changed from " + victimBsuid + " to "
                + "y changed from ".repeat(2600) + crafted + " to " + next);
        assertEquals(1, counts(t.meta(textOnly)).get("identityChanged").asInt());

        assertEquals(next, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", rizky));
        assertEquals(victimBsuid, t.one("SELECT bsuid FROM lead WHERE workspace_id = ? AND id = ?", victim));
        assertEquals(2, t.count("SELECT count(*) FROM lead WHERE workspace_id = ?"), "nothing merged");
    }
}
