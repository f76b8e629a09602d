package dev.leadline.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.web.ApiException;

/** Reads a Meta Cloud API webhook (every entry, change and message of one POST) into intake items. */
public final class MetaEvents {

    static final String EVENT = "meta.messages";
    /** System messages that change the customer's identity (WHATSAPP_IDENTITIES.md §4). */
    static final String USER_CHANGED_NUMBER = "user_changed_number";
    static final String USER_CHANGED_USER_ID = "user_changed_user_id";
    /** The webhook field with the structured old-to-new BSUID mapping (§4). */
    static final String USER_ID_UPDATE = "user_id_update";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** The array of messages the business (or Meta's AI agent) sent, in any change that carries message events. */
    static final String MESSAGE_ECHOES = "message_echoes";
    /** The field of the events that arrive while another app (Meta's business AI agent) holds the conversation. */
    static final String STANDBY = "standby";
    /** The webhook fields whose value carries messages, statuses or message echoes. */
    static final java.util.Set<String> EVENT_FIELDS = java.util.Set.of("messages", "smb_message_echoes", MESSAGE_ECHOES, STANDBY);

    private final String verifyToken;
    private final int maxItems;

    public MetaEvents(String verifyToken, int maxItems) {
        this.verifyToken = verifyToken == null ? "" : verifyToken;
        this.maxItems = maxItems;
    }

    /** Meta's subscription handshake: the challenge back when the verify token is ours, else 403. */
    public String answerChallenge(String mode, String token, String challenge) {
        boolean ours = !verifyToken.isEmpty() && token != null
                && MessageDigest.isEqual(verifyToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
        if (!"subscribe".equals(mode) || !ours || challenge == null) {
            throw new ApiException(403, "forbidden", "hub.mode must be 'subscribe' and hub.verify_token must match meta.verify-token");
        }
        return challenge;
    }

    public Map<String, Object> deliveryKey(JsonNode root) {
        return IntakeItem.deliveryKey(businessNumber(root.path("entry").path(0).path("changes").path(0).path("value")));
    }

    /**
     * Every business number the delivery's changes name (metadata.phone_number_id), each once, as the
     * parameters of the workspaces lookup: a JSON array (phoneNumberIds) and the list (named). Each change
     * is routed by its own number; more numbers than webhook.max-batch-items is 413, before any secret is tried.
     */
    public Map<String, Object> deliveryNumbers(JsonNode root) {
        java.util.LinkedHashSet<String> named = new java.util.LinkedHashSet<>();
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                String id = businessNumber(change.path("value"));
                if (id != null) {
                    named.add(id);
                }
            }
        }
        if (named.size() > maxItems) {
            throw new ApiException(413, "payload_too_large", "the delivery names " + named.size() + " business numbers; at most "
                    + maxItems + " are accepted in one delivery (webhook.max-batch-items)");
        }
        com.fasterxml.jackson.databind.node.ArrayNode ids = JSON.arrayNode();
        named.forEach(ids::add);
        Map<String, Object> key = new HashMap<>();
        key.put("phoneNumberIds", ids.toString());
        key.put("named", new ArrayList<>(named));
        return key;
    }

    public List<Map<String, Object>> read(JsonNode root) {
        if (!"whatsapp_business_account".equals(root.path("object").asText()) || !root.path("entry").isArray()) {
            throw ApiException.badRequest("not a Meta WhatsApp webhook: expected object 'whatsapp_business_account' with an 'entry' array");
        }
        // Every message of every entry and change counts, and so does every change (each is an item).
        int count = 0;
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                JsonNode value = change.path("value");
                count += Math.max(1, eventCount(value) + eventCount(value.path(STANDBY)));
            }
        }
        if (count > maxItems) {
            throw new ApiException(413, "payload_too_large", "the delivery has " + count + " events; at most "
                    + maxItems + " are accepted in one delivery (webhook.max-batch-items)");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                readChange(root, entry, change, items);
            }
        }
        return items;
    }

    private void readChange(JsonNode root, JsonNode entry, JsonNode change, List<Map<String, Object>> items) {
        JsonNode value = change.path("value");
        String field = change.path("field").asText();
        String phoneNumberId = businessNumber(value);
        int before = items.size();
        if (USER_ID_UPDATE.equals(field) && value.path(USER_ID_UPDATE).isArray()) {
            readUserIdUpdates(root, entry, change, value, phoneNumberId, items);
        } else if (Handovers.FIELD.equals(field)) {
            String payload = singleChangeDelivery(root, entry, change).toString();
            for (Map<String, Object> note : Handovers.read(value, phoneNumberId)) {
                note.put(IntakeItem.PAYLOAD, payload);
                items.add(note);
            }
        } else if (WhatsAppCalls.FIELD.equals(field)) {
            readCalls(root, entry, change, value, phoneNumberId, items);
        } else if (EVENT_FIELDS.contains(field)) {
            // While another app (Meta's business AI agent) holds the conversation, its events come on standby,
            // in value.standby (or, in some senders, in value itself).
            JsonNode events = STANDBY.equals(field) && value.path(STANDBY).isObject() ? value.path(STANDBY) : value;
            readEvents(root, entry, change, value, events, phoneNumberId, items);
        }
        if (items.size() == before) {
            // Nothing read for a lead: the route acknowledges the cases it names and keeps the others.
            Map<String, Object> ignored = IntakeItem.create("meta", "meta." + (field.isEmpty() ? "unknown" : field),
                    IntakeItem.IGNORE);
            ignored.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
            ignored.put(IntakeItem.PAYLOAD, singleChangeDelivery(root, entry, change).toString());
            items.add(ignored);
        }
    }

    /**
     * The message events of a change (messages, smb_message_echoes, message_echoes, standby): its statuses,
     * messages and message echoes, whichever it carries, and the AI agent's conversation_context beside
     * messages. events is where the arrays are (value, or value.standby).
     */
    private void readEvents(JsonNode root, JsonNode entry, JsonNode change, JsonNode value, JsonNode events,
                            String phoneNumberId, List<Map<String, Object>> items) {
        for (JsonNode status : events.path("statuses")) {
            Map<String, Object> item = MessageUpdates.metaStatus(status, phoneNumberId);
            item.put(IntakeItem.PAYLOAD, singleEventDelivery(root, entry, change, value, null, "statuses", status).toString());
            items.add(item);
        }
        Contacts contacts = new Contacts(events.path("contacts"));
        String event = "meta." + change.path("field").asText();
        Map<String, Object> firstMessage = null;
        for (JsonNode message : events.path("messages")) {
            if (!message.isObject()) {
                throw ApiException.badRequest("not a Meta WhatsApp webhook: each message must be an object");
            }
            if (MessageUpdates.isEditOrRevoke(message)) {
                // Changes the original message: never a message of its own.
                Map<String, Object> update = MessageUpdates.editOrRevoke(message, "meta", event, phoneNumberId);
                update.put(IntakeItem.PAYLOAD, singleEventDelivery(root, entry, change, value, null, "messages", message).toString());
                items.add(update);
                continue;
            }
            if ("system".equals(message.path("type").asText())) {
                // A notification about the customer, not something they wrote: never a chat message.
                items.add(readSystemMessage(root, entry, change, value, message, phoneNumberId));
                continue;
            }
            String from = WhatsAppMessages.textOrNull(message.path("from"));
            String fromUserId = WhatsAppMessages.textOrNull(message.path("from_user_id"));
            JsonNode contact = contacts.of(fromUserId, from);
            JsonNode paired = contact == null ? JSON.objectNode() : contact;
            Map<String, Object> item = IntakeItem.create("meta", event, IntakeItem.STORE_MESSAGE);
            item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
            // from and wa_id are the full international number, digits only; either is omitted when withheld
            item.put(IntakeItem.RAW_PHONE, CustomerIdentities.internationalDigits(from,
                    WhatsAppMessages.textOrNull(paired.path("wa_id"))));
            item.put(IntakeItem.BSUID, CustomerIdentities.bsuid(fromUserId,
                    WhatsAppMessages.textOrNull(paired.path("user_id"))));
            item.put(IntakeItem.PARENT_BSUID, CustomerIdentities.bsuid(
                    WhatsAppMessages.textOrNull(message.path("from_parent_user_id")),
                    WhatsAppMessages.textOrNull(paired.path("parent_user_id"))));
            item.put(IntakeItem.USERNAME, CustomerIdentities.username(
                    WhatsAppMessages.textOrNull(paired.path("profile").path("username"))));
            item.put(IntakeItem.CONTACT_NAME, WhatsAppMessages.textOrNull(paired.path("profile").path("name")));
            item.put(IntakeItem.DIRECTION, "inbound");
            item.put(IntakeItem.GROUP_ID, WhatsAppMessages.textOrNull(message.path("group_id")));
            WhatsAppMessages.read(message, item);
            item.put(IntakeItem.PAYLOAD, singleEventDelivery(root, entry, change, value, contact, "messages", message).toString());
            items.add(item);
            firstMessage = firstMessage == null ? item : firstMessage;
        }
        readEchoes(root, entry, change, value, events, phoneNumberId, items);
        if (firstMessage != null && events.path(Handovers.CONTEXT).isObject()) {
            // The AI agent's summary beside the customer's messages: a note on their lead.
            Map<String, Object> summary = Handovers.summaryNote(events.path(Handovers.CONTEXT), event + "." + Handovers.CONTEXT,
                    phoneNumberId, JSON.textNode(String.valueOf(((java.time.OffsetDateTime) firstMessage.get(IntakeItem.SENT_AT))
                            .toEpochSecond())));
            if (summary != null) {
                for (String identity : List.of(IntakeItem.RAW_PHONE, IntakeItem.BSUID, IntakeItem.PARENT_BSUID,
                        IntakeItem.USERNAME, IntakeItem.CONTACT_NAME)) {
                    summary.put(identity, firstMessage.get(identity));
                }
                summary.put(IntakeItem.PAYLOAD, singleChangeDelivery(root, entry, change).toString());
                items.add(summary);
            }
        }
    }

    /**
     * A calls change: each terminate event stores its call; the other events (connect, recordings, ...) and
     * the call statuses of business-initiated calls are items named by their event for the route to decide.
     */
    private void readCalls(JsonNode root, JsonNode entry, JsonNode change, JsonNode value, String phoneNumberId,
                           List<Map<String, Object>> items) {
        Contacts contacts = new Contacts(value.path("contacts"));
        for (JsonNode call : value.path(WhatsAppCalls.FIELD)) {
            if (!call.isObject()) {
                throw ApiException.badRequest("not a Meta WhatsApp webhook: each call must be an object");
            }
            String callEvent = WhatsAppCalls.event(call);
            Map<String, Object> item;
            if (WhatsAppCalls.TERMINATE.equals(callEvent)) {
                String side = WhatsAppCalls.customerSide(call);
                JsonNode contact = contacts.of(WhatsAppMessages.textOrNull(call.path(side + "_user_id")),
                        WhatsAppMessages.textOrNull(call.path(side)));
                item = WhatsAppCalls.terminated(call, contact, phoneNumberId);
            } else {
                item = IntakeItem.create("meta", "meta." + WhatsAppCalls.FIELD + "." + callEvent, IntakeItem.IGNORE);
                item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
            }
            item.put(IntakeItem.PAYLOAD, singleEventDelivery(root, entry, change, value, null, WhatsAppCalls.FIELD, call).toString());
            items.add(item);
        }
        for (JsonNode status : value.path("statuses")) {
            Map<String, Object> item = IntakeItem.create("meta", "meta." + WhatsAppCalls.FIELD + ".status", IntakeItem.IGNORE);
            item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
            item.put(IntakeItem.PAYLOAD, singleEventDelivery(root, entry, change, value, null, "statuses", status).toString());
            items.add(item);
        }
    }

    /** The events an object holds, each an item. */
    private static int eventCount(JsonNode events) {
        return events.path("messages").size() + events.path(USER_ID_UPDATE).size() + events.path("statuses").size()
                + events.path(MESSAGE_ECHOES).size() + events.path(WhatsAppCalls.FIELD).size();
    }

    /** A change's business number: metadata.phone_number_id, or recipient.phone_number_id (messaging_handovers). */
    static String businessNumber(JsonNode value) {
        String id = WhatsAppMessages.textOrNull(value.path("metadata").path("phone_number_id"));
        return id != null ? id : WhatsAppMessages.textOrNull(value.path("recipient").path("phone_number_id"));
    }

    /**
     * user_changed_number: 'from' is the old phone, system.wa_id the new one, system.user_id the new BSUID.
     * user_changed_user_id: system.user_id is the new BSUID; the old one is system.previous_user_id (some
     * third-party code), else the message's from_user_id when it is not the new one, else, in Meta's own
     * documented shape, only in the body's text. The structured fields come first: the text holds the
     * customer's display name, which they choose. Other system messages are items the route names. The
     * event's key is its message id, its time the message's.
     */
    private Map<String, Object> readSystemMessage(JsonNode root, JsonNode entry, JsonNode change, JsonNode value,
                                                  JsonNode message, String phoneNumberId) {
        JsonNode system = message.path("system");
        String systemType = WhatsAppMessages.textOr(system.path("type"), "unknown");
        boolean numberChanged = USER_CHANGED_NUMBER.equals(systemType);
        Map<String, Object> item = IntakeItem.create("meta", "meta." + systemType,
                numberChanged || USER_CHANGED_USER_ID.equals(systemType) ? IntakeItem.CHANGE_IDENTITY : IntakeItem.IGNORE);
        item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
        item.put(IntakeItem.PAYLOAD, singleEventDelivery(root, entry, change, value, null, "messages", message).toString());
        if (IntakeItem.IGNORE.equals(item.get(IntakeItem.ACTION))) {
            return item;
        }
        String wamid = WhatsAppMessages.textOrNull(message.path("id"));
        item.put(IntakeItem.DEDUP_KEY, wamid == null ? null : "meta:" + wamid);
        item.put(IntakeItem.IDENTITY_ORIGIN, "WhatsApp " + systemType);
        item.put(IntakeItem.SENT_AT, WhatsAppMessages.believableTime(message.path("timestamp")));
        ChangedFromTo told = ChangedFromTo.read(WhatsAppMessages.textOr(system.path("body"), ""));
        item.put(IntakeItem.CONTACT_NAME, told.name());
        String from = WhatsAppMessages.textOrNull(message.path("from"));
        String newBsuid = CustomerIdentities.bsuid(WhatsAppMessages.textOrNull(system.path("user_id")),
                numberChanged ? null : told.to());
        // The message's own from_user_id may be the old BSUID or already the new one.
        String fromUserId = WhatsAppMessages.textOrNull(message.path("from_user_id"));
        String otherUserId = fromUserId == null || fromUserId.trim().equals(newBsuid) ? null : fromUserId;
        item.put(IntakeItem.BSUID, newBsuid);
        item.put(IntakeItem.PARENT_BSUID, CustomerIdentities.bsuid(WhatsAppMessages.textOrNull(system.path("parent_user_id"))));
        if (numberChanged) {
            item.put(IntakeItem.RAW_PREVIOUS_PHONE, CustomerIdentities.internationalDigits(from, told.from()));
            item.put(IntakeItem.RAW_PHONE, CustomerIdentities.internationalDigits(WhatsAppMessages.textOrNull(system.path("wa_id")),
                    WhatsAppMessages.textOrNull(system.path("new_wa_id")), told.to()));
            item.put(IntakeItem.PREVIOUS_BSUID, CustomerIdentities.bsuid(
                    WhatsAppMessages.textOrNull(system.path("previous_user_id")), otherUserId));
        } else {
            // No phone per Meta's reference; one that comes anyway is the customer's current number.
            item.put(IntakeItem.RAW_PHONE, CustomerIdentities.internationalDigits(
                    WhatsAppMessages.textOrNull(system.path("wa_id")), from));
            item.put(IntakeItem.PREVIOUS_BSUID, CustomerIdentities.bsuid(
                    WhatsAppMessages.textOrNull(system.path("previous_user_id")), otherUserId, told.from()));
        }
        return item;
    }

    /**
     * A system message's body, "User <name> changed from <old> to <new>" (older ones without "User "),
     * read from its end: the last " changed from ", then the last " to " after it. The name comes first and
     * is the customer's to choose, so a name holding " changed from X to " cannot move where the old and
     * new values are read. Plain index searches: linear in the body, whatever it holds. Nulls when it is
     * not of that form.
     */
    record ChangedFromTo(String name, String from, String to) {

        private static final String CHANGED_FROM = " changed from ";
        private static final String TO = " to ";

        static ChangedFromTo read(String body) {
            String text = body.strip();
            int changed = text.lastIndexOf(CHANGED_FROM);
            int to = text.lastIndexOf(TO);
            if (changed < 0 || to < changed + CHANGED_FROM.length()) {
                return new ChangedFromTo(null, null, null);
            }
            String name = text.substring(0, changed);
            name = name.startsWith("User ") ? name.substring("User ".length()) : name;
            return new ChangedFromTo(name.isBlank() ? null : name.strip(),
                    blankToNull(text.substring(changed + CHANGED_FROM.length(), to)), blankToNull(text.substring(to + TO.length())));
        }

        private static String blankToNull(String value) {
            return value.isBlank() ? null : value.strip();
        }
    }

    /**
     * The user_id_update field: each update maps a customer's previous BSUID (and parent) to the current
     * one, with the phone when it may be shared. It has no id: its key is the update's own delivery.
     */
    private void readUserIdUpdates(JsonNode root, JsonNode entry, JsonNode change, JsonNode value, String phoneNumberId,
                                   List<Map<String, Object>> items) {
        Contacts contacts = new Contacts(value.path("contacts"));
        for (JsonNode update : value.path(USER_ID_UPDATE)) {
            if (!update.isObject()) {
                throw ApiException.badRequest("not a Meta WhatsApp webhook: each user_id_update must be an object");
            }
            Map<String, Object> item = IntakeItem.create("meta", "meta." + USER_ID_UPDATE, IntakeItem.CHANGE_IDENTITY);
            item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
            item.put(IntakeItem.IDENTITY_ORIGIN, "WhatsApp " + USER_ID_UPDATE);
            item.put(IntakeItem.SENT_AT, WhatsAppMessages.believableTime(update.path("timestamp")));
            String current = WhatsAppMessages.textOrNull(update.path("user_id").path("current"));
            String waId = WhatsAppMessages.textOrNull(update.path("wa_id"));
            item.put(IntakeItem.BSUID, CustomerIdentities.bsuid(current));
            item.put(IntakeItem.PREVIOUS_BSUID, CustomerIdentities.bsuid(
                    WhatsAppMessages.textOrNull(update.path("user_id").path("previous"))));
            item.put(IntakeItem.PARENT_BSUID, CustomerIdentities.bsuid(
                    WhatsAppMessages.textOrNull(update.path("parent_user_id").path("current"))));
            item.put(IntakeItem.PREVIOUS_PARENT_BSUID, CustomerIdentities.bsuid(
                    WhatsAppMessages.textOrNull(update.path("parent_user_id").path("previous"))));
            item.put(IntakeItem.RAW_PHONE, CustomerIdentities.internationalDigits(waId));
            JsonNode contact = contacts.of(current, waId);
            JsonNode paired = contact == null ? JSON.objectNode() : contact;
            item.put(IntakeItem.CONTACT_NAME, WhatsAppMessages.textOrNull(paired.path("profile").path("name")));
            item.put(IntakeItem.USERNAME, CustomerIdentities.username(
                    WhatsAppMessages.textOrNull(paired.path("profile").path("username"))));
            item.put(IntakeItem.PAYLOAD, singleEventDelivery(root, entry, change, value, contact, USER_ID_UPDATE, update).toString());
            items.add(item);
        }
    }

    /**
     * Replies the business sent from the WhatsApp Business app (coexistence; smb_message_echoes, or
     * message_echoes in any change), or that Meta's AI agent sent (standby): events.message_echoes[], 'to' the
     * customer. Stored as outbound messages to the customer, through the same idempotent store as every
     * message (deduplicated by wamid); an echoed edit or revoke updates the original, as the customer's own do.
     * The AI agent's echo wraps its send request: {id, timestamp, message: {to, type, ...}}.
     */
    private void readEchoes(JsonNode root, JsonNode entry, JsonNode change, JsonNode value, JsonNode events,
                            String phoneNumberId, List<Map<String, Object>> items) {
        String event = "meta." + change.path("field").asText();
        for (JsonNode given : events.path(MESSAGE_ECHOES)) {
            if (!given.isObject()) {
                throw ApiException.badRequest("not a Meta WhatsApp webhook: each message echo must be an object");
            }
            JsonNode echo = given;
            if (!given.has("type") && given.path("message").isObject()) {
                ObjectNode flat = ((ObjectNode) given.path("message")).deepCopy();
                flat.set("id", given.get("id"));
                flat.set("timestamp", given.get("timestamp"));
                echo = flat;
            }
            String payload = singleEventDelivery(root, entry, change, value, null, MESSAGE_ECHOES, given).toString();
            if (MessageUpdates.isEditOrRevoke(echo)) {
                Map<String, Object> update = MessageUpdates.editOrRevoke(echo, "meta", event, phoneNumberId);
                update.put(IntakeItem.PAYLOAD, payload);
                items.add(update);
                continue;
            }
            Map<String, Object> item = IntakeItem.create("meta", event, IntakeItem.STORE_MESSAGE);
            item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
            item.put(IntakeItem.RAW_PHONE, CustomerIdentities.internationalDigits(WhatsAppMessages.textOrNull(echo.path("to"))));
            item.put(IntakeItem.BSUID, CustomerIdentities.bsuid(WhatsAppMessages.textOrNull(echo.path("to_user_id"))));
            item.put(IntakeItem.DIRECTION, "outbound");
            item.put(IntakeItem.GROUP_ID, WhatsAppMessages.textOrNull(echo.path("group_id")));
            WhatsAppMessages.read(echo, item);
            item.put(IntakeItem.PAYLOAD, payload);
            items.add(item);
        }
    }

    /** A change's contacts, to pair with a message: by BSUID, else by phone (Meta gives no rule; WHATSAPP_IDENTITIES.md §3). */
    private static final class Contacts {
        private final Map<String, JsonNode> byUserId = new HashMap<>();
        private final Map<String, JsonNode> byWaId = new HashMap<>();

        Contacts(JsonNode contacts) {
            for (JsonNode contact : contacts) {
                String userId = WhatsAppMessages.textOrNull(contact.path("user_id"));
                String waId = WhatsAppMessages.textOrNull(contact.path("wa_id"));
                if (userId != null) {
                    byUserId.put(userId, contact);
                }
                if (waId != null) {
                    byWaId.put(waId, contact);
                }
            }
        }

        JsonNode of(String userId, String waId) {
            if (userId != null && byUserId.containsKey(userId)) {
                return byUserId.get(userId);
            }
            return waId == null ? null : byWaId.get(waId);
        }
    }

    /** The delivery cut down to this one change, whole. */
    private static ObjectNode singleChangeDelivery(JsonNode root, JsonNode entry, JsonNode change) {
        ObjectNode e = JSON.objectNode();
        e.set("id", entry.get("id"));
        e.set("changes", JSON.arrayNode().add(change));
        ObjectNode delivery = JSON.objectNode();
        delivery.set("object", root.get("object"));
        delivery.set("entry", JSON.arrayNode().add(e));
        return delivery;
    }

    /** The delivery cut down to this one message (or update), so that a dead letter can be replayed on its own. */
    private static ObjectNode singleEventDelivery(JsonNode root, JsonNode entry, JsonNode change, JsonNode value,
                                                 JsonNode contact, String key, JsonNode event) {
        ObjectNode v = JSON.objectNode();
        v.set("messaging_product", value.get("messaging_product"));
        v.set("metadata", value.get("metadata"));
        v.set("contacts", contact == null ? JSON.arrayNode() : JSON.arrayNode().add(contact));
        v.set(key, JSON.arrayNode().add(event));
        ObjectNode c = JSON.objectNode().put("field", change.path("field").asText());
        c.set("value", v);
        return singleChangeDelivery(root, entry, c);
    }
}
