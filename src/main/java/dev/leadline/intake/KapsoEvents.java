package dev.leadline.intake;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.web.ApiException;
import dev.leadline.web.TextCut;

/**
 * Reads a Kapso payload-v2 delivery, single or batched, into intake items. The event name comes from
 * X-Webhook-Event, which Kapso does not sign: so only the documented names are accepted for messages
 * and conversations, and the body must have the shape the name says, or the delivery is refused (400)
 * rather than a signed message being read as something else, or acknowledged and dropped.
 */
public final class KapsoEvents {

    static final String RECEIVED = "whatsapp.message.received";
    static final String SENT = "whatsapp.message.sent";
    /** A contact's new BSUID (and, maybe, phone): the lead's identity changes (WHATSAPP_IDENTITIES.md §5). */
    static final String IDENTITY_CHANGED = "whatsapp.contact.identity_changed";
    static final String MESSAGE_PREFIX = "whatsapp.message.";
    static final String CONVERSATION_PREFIX = "whatsapp.conversation.";
    /** Message status events (KAPSO_WEBHOOK.md): each updates the status of the message it names (MessageUpdates). */
    static final Set<String> MESSAGE_STATUS_EVENTS = Set.of("whatsapp.message.delivered", "whatsapp.message.read",
            "whatsapp.message.failed");
    /** The conversation events and the status each sets. */
    static final Map<String, String> CONVERSATION_STATUSES = Map.of("whatsapp.conversation.created", "active",
            "whatsapp.conversation.ended", "ended", "whatsapp.conversation.inactive", "inactive");

    /** Kapso's batch header (KAPSO_WEBHOOK.md: "X-Webhook-Batch: true" with "X-Batch-Size: N"). */
    static final String BATCH_HEADER = "X-Webhook-Batch";

    private final int maxBatchItems;

    public KapsoEvents(int maxBatchItems) {
        this.maxBatchItems = maxBatchItems;
    }

    /**
     * The business number the delivery is for, as the parameters of the workspace lookup: it selects
     * the workspace, and so the signing secret.
     */
    public Map<String, Object> deliveryKey(JsonNode root, Object batchHeader) {
        // A batch header on a body with no 'data' is refused by read (400), once the signature is checked.
        JsonNode first = isBatch(root, batchHeader) && root.path("data").isArray() ? root.path("data").path(0) : root;
        String id = WhatsAppMessages.textOrNull(first.path("phone_number_id"));
        return IntakeItem.deliveryKey(id != null ? id : WhatsAppMessages.textOrNull(first.path("conversation").path("phone_number_id")));
    }

    /** @param header the event name from X-Webhook-Event (see {@link #eventName}), or null */
    public List<Map<String, Object>> read(JsonNode root, String header) {
        return read(root, header, null);
    }

    /**
     * @param header      the event name from X-Webhook-Event (see {@link #eventName}), or null
     * @param batchHeader X-Webhook-Batch as received, or null
     */
    public List<Map<String, Object>> read(JsonNode root, String header, Object batchHeader) {
        boolean batch = isBatch(root, batchHeader);
        String bodyType = WhatsAppMessages.textOrNull(root.path("type"));
        if (header != null && bodyType != null && batch && !header.equals(bodyType)) {
            // The batch's type is signed, the header is not.
            throw ApiException.badRequest("X-Webhook-Event '" + shown(header) + "' contradicts the batch's type '"
                    + shown(bodyType) + "'");
        }
        String event = header != null ? header : bodyType;
        if (event == null) {
            throw ApiException.badRequest("the event name is missing: send the X-Webhook-Event header");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        if (batch) {
            if (!root.path("data").isArray()) {
                throw ApiException.badRequest(BATCH_HEADER + " says this is a batch, but the body has no 'data' array");
            }
            int size = root.path("data").size();
            if (size > maxBatchItems) {
                throw new ApiException(413, "payload_too_large", "the batch has " + size + " events; at most "
                        + maxBatchItems + " are accepted in one delivery (webhook.max-batch-items)");
            }
            boolean testBatch = isTest(root);
            for (JsonNode single : root.path("data")) {
                items.add(testBatch || isTest(single) ? testItem(single, event) : readSingle(single, event));
            }
        } else {
            items.add(isTest(root) ? testItem(root, event) : readSingle(root, event));
        }
        return items;
    }

    /**
     * X-Webhook-Event as one event name, or null when none was sent; a repeated or comma-joined header
     * is refused. The header as received: a repeated header is a list.
     */
    public String eventName(Object header) {
        Object value = header;
        if (value instanceof Collection<?> values) {
            if (values.size() > 1) {
                throw ApiException.badRequest("X-Webhook-Event was sent " + values.size() + " times; send it once");
            }
            value = values.isEmpty() ? null : values.iterator().next();
        }
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        String name = value.toString().trim();
        if (name.indexOf(',') >= 0) {
            throw ApiException.badRequest("X-Webhook-Event holds more than one event name; send one");
        }
        return name;
    }

    /** An event name as quoted back in an error: a header is not a place to store a document. */
    private static String shown(String event) {
        return event.length() <= 100 ? event : TextCut.head(event, 100) + "...";
    }

    /**
     * A batch is a body with a 'data' array, or one sent with X-Webhook-Batch: true: Kapso does not
     * always put "batch": true in the body (a single event never has a top-level 'data').
     */
    static boolean isBatch(JsonNode root, Object batchHeader) {
        return root.path("data").isArray() || root.path("batch").asBoolean(false) || isTrue(batchHeader);
    }

    private static boolean isTrue(Object header) {
        if (header instanceof Collection<?> values) {
            return values.stream().anyMatch(KapsoEvents::isTrue);
        }
        return header != null && header.toString().trim().equalsIgnoreCase("true");
    }

    /**
     * Kapso's "send test" deliveries carry "test": true (on the event, or on a batch): authentic, so
     * acknowledged and counted, but not a customer's message, so nothing is stored.
     */
    private static boolean isTest(JsonNode body) {
        JsonNode test = body.path("test");
        return test.asBoolean(false) || "true".equalsIgnoreCase(test.asText(""));
    }

    private static Map<String, Object> testItem(JsonNode body, String event) {
        Map<String, Object> item = IntakeItem.create("kapso", event, IntakeItem.TEST);
        item.put(IntakeItem.PHONE_NUMBER_ID, body.isObject() ? phoneNumberId(body) : null);
        return item;
    }

    private Map<String, Object> readSingle(JsonNode body, String event) {
        if (!body.isObject() || !(body.path("message").isObject() || body.path("conversation").isObject()
                || body.path("contact").isObject())) {
            throw ApiException.badRequest("not a Kapso webhook: each event needs a 'message', 'conversation' or 'contact' object");
        }
        requireShape(body, event);
        if (event.equals(IDENTITY_CHANGED)) {
            return readIdentityChange(body, event);
        }
        JsonNode conversation = body.path("conversation");
        Map<String, Object> item = IntakeItem.create("kapso", event, IntakeItem.IGNORE);
        item.put(IntakeItem.PAYLOAD, body.toString());
        item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId(body));
        item.put(IntakeItem.CONVERSATION_ID, WhatsAppMessages.textOrNull(conversation.path("id")));
        item.put(IntakeItem.CONVERSATION_STATUS, WhatsAppMessages.textOrNull(conversation.path("status")));
        // Kapso names the contact in any of three places, depending on the origin of the message.
        item.put(IntakeItem.CONTACT_NAME, firstText(conversation.path("kapso").path("contact_name"),
                conversation.path("contact_name"), body.path("message").path("kapso").path("contact_name")));
        JsonNode message = body.path("message");
        // The customer is on the conversation in payload v2; the message mirrors Meta's fields (§5, §6). On
        // an outbound message 'from' is the business itself, so the customer is whom it was sent to.
        String customerSide = event.equals(SENT) ? "to" : "from";
        // conversation.phone_number is read as Kapso keeps it (in the workspace's country unless it says
        // otherwise); the message's from / to is a WhatsApp id, international digits without '+'.
        String keptPhone = WhatsAppMessages.textOrNull(conversation.path("phone_number"));
        String whatsAppId = CustomerIdentities.internationalDigits(WhatsAppMessages.textOrNull(message.path(customerSide)));
        // The conversation's phone first; WhatsApp's own id stands in when that one is missing or unusable.
        item.put(IntakeItem.RAW_PHONE, keptPhone != null ? keptPhone : whatsAppId);
        if (keptPhone == null && whatsAppId != null) {
            item.put(IntakeItem.PHONE_IS_WHATSAPP_ID, true);
        } else {
            item.put(IntakeItem.RAW_WHATSAPP_ID, whatsAppId);
        }
        item.put(IntakeItem.BSUID, CustomerIdentities.bsuid(
                WhatsAppMessages.textOrNull(conversation.path("business_scoped_user_id")),
                WhatsAppMessages.textOrNull(message.path(customerSide + "_user_id"))));
        item.put(IntakeItem.PARENT_BSUID, CustomerIdentities.bsuid(
                WhatsAppMessages.textOrNull(conversation.path("parent_business_scoped_user_id")),
                WhatsAppMessages.textOrNull(message.path(customerSide + "_parent_user_id"))));
        item.put(IntakeItem.USERNAME, CustomerIdentities.username(
                WhatsAppMessages.textOrNull(conversation.path("username")),
                event.equals(SENT) ? null : WhatsAppMessages.textOrNull(message.path("username"))));

        if ((event.equals(RECEIVED) || event.equals(SENT)) && MessageUpdates.isEditOrRevoke(message)) {
            // An edit or a revoke changes the original message: never a message of its own.
            Map<String, Object> update = MessageUpdates.editOrRevoke(message, "kapso", event, phoneNumberId(body));
            update.put(IntakeItem.PAYLOAD, body.toString());
            return update;
        }
        if (MESSAGE_STATUS_EVENTS.contains(event)) {
            // The status is the signed body's own; the header only names it where the body has none.
            Map<String, Object> status = MessageUpdates.kapsoStatus(message, event, phoneNumberId(body));
            status.put(IntakeItem.PAYLOAD, body.toString());
            String named = event.substring(event.lastIndexOf('.') + 1);
            if (!named.equals(status.get(IntakeItem.STATUS))) {
                status.put(IntakeItem.CONTRADICTION, "its message status is " + status.get(IntakeItem.STATUS));
            }
            return status;
        }
        if (event.equals(RECEIVED) || event.equals(SENT)) {
            item.put(IntakeItem.ACTION, IntakeItem.STORE_MESSAGE);
            WhatsAppMessages.read(body.path("message"), item);
            // The direction is the signed body's own (message.kapso.direction); the header names it where the body has none.
            String named = event.equals(SENT) ? "outbound" : "inbound";
            String signed = WhatsAppMessages.textOrNull(message.path("kapso").path("direction"));
            if (signed != null && !signed.equals(named)) {
                item.put(IntakeItem.CONTRADICTION, "its message.kapso.direction is " + signed);
            }
            item.put(IntakeItem.DIRECTION, signed != null ? signed : named);
            item.put(IntakeItem.GROUP_ID, firstText(message.path("group_id"), conversation.path("group_id")));
        } else if (CONVERSATION_STATUSES.containsKey(event)) {
            item.put(IntakeItem.ACTION, IntakeItem.UPDATE_CONVERSATION);
            item.put(IntakeItem.CONVERSATION_STATUS, CONVERSATION_STATUSES.get(event));
        }
        return item;
    }

    /**
     * whatsapp.contact.identity_changed: 'contact' is the identity after the change, 'previous' the
     * BSUIDs before it (either may be null). Its key is the event's bytes (Kapso gives it no id).
     */
    private static Map<String, Object> readIdentityChange(JsonNode body, String event) {
        JsonNode contact = body.path("contact");
        JsonNode previous = body.path("previous");
        Map<String, Object> item = IntakeItem.create("kapso", event, IntakeItem.CHANGE_IDENTITY);
        item.put(IntakeItem.PAYLOAD, body.toString());
        item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId(body));
        item.put(IntakeItem.IDENTITY_ORIGIN, "Kapso " + IDENTITY_CHANGED);
        item.put(IntakeItem.SENT_AT, WhatsAppMessages.believableTime(body.path("timestamp")));
        item.put(IntakeItem.BSUID, CustomerIdentities.bsuid(WhatsAppMessages.textOrNull(contact.path("business_scoped_user_id"))));
        item.put(IntakeItem.PARENT_BSUID, CustomerIdentities.bsuid(
                WhatsAppMessages.textOrNull(contact.path("parent_business_scoped_user_id"))));
        item.put(IntakeItem.PREVIOUS_BSUID, CustomerIdentities.bsuid(
                WhatsAppMessages.textOrNull(previous.path("business_scoped_user_id"))));
        item.put(IntakeItem.PREVIOUS_PARENT_BSUID, CustomerIdentities.bsuid(
                WhatsAppMessages.textOrNull(previous.path("parent_business_scoped_user_id"))));
        // wa_id is the phone as digits (Meta's form); null when withheld
        item.put(IntakeItem.RAW_PHONE, CustomerIdentities.internationalDigits(WhatsAppMessages.textOrNull(contact.path("wa_id"))));
        item.put(IntakeItem.PHONE_IS_WHATSAPP_ID, true);
        item.put(IntakeItem.USERNAME, CustomerIdentities.username(WhatsAppMessages.textOrNull(contact.path("username"))));
        item.put(IntakeItem.CONTACT_NAME, firstText(contact.path("profile_name"), contact.path("display_name")));
        return item;
    }

    private static String phoneNumberId(JsonNode body) {
        String id = WhatsAppMessages.textOrNull(body.path("phone_number_id"));
        return id != null ? id : WhatsAppMessages.textOrNull(body.path("conversation").path("phone_number_id"));
    }

    private static String firstText(JsonNode a, JsonNode b) {
        String first = WhatsAppMessages.textOrNull(a);
        return first != null ? first : WhatsAppMessages.textOrNull(b);
    }

    private static String firstText(JsonNode a, JsonNode b, JsonNode c) {
        String first = firstText(a, b);
        return first != null ? first : WhatsAppMessages.textOrNull(c);
    }

    /**
     * The body must be what the (unsigned) event name says: a message event carries a 'message', a
     * conversation event a 'conversation' and no 'message', an identity change a 'contact' and neither. An unknown message or conversation event, or
     * an unknown event carrying a message, is refused: acknowledging it would drop a message.
     */
    private static void requireShape(JsonNode body, String event) {
        boolean hasMessage = body.path("message").isObject();
        if (event.equals(IDENTITY_CHANGED)) {
            JsonNode previous = body.path("previous");
            if (!body.path("contact").isObject() || body.has("message") || body.has("conversation")
                    || !(previous.isMissingNode() || previous.isNull() || previous.isObject())) {
                throw ApiException.badRequest("not a Kapso identity change: " + IDENTITY_CHANGED
                        + " needs a 'contact' object, 'previous' as an object if present, and no 'message' or 'conversation'");
            }
        } else if (event.equals(RECEIVED) || event.equals(SENT) || MESSAGE_STATUS_EVENTS.contains(event)) {
            if (!hasMessage) {
                throw ApiException.badRequest("not a Kapso message event: 'message' object missing for " + event);
            }
        } else if (CONVERSATION_STATUSES.containsKey(event)) {
            if (!body.path("conversation").isObject() || hasMessage) {
                throw ApiException.badRequest("not a Kapso conversation event: " + event
                        + " needs a 'conversation' object and no 'message'");
            }
        } else if (event.startsWith(MESSAGE_PREFIX) || event.startsWith(CONVERSATION_PREFIX)) {
            throw ApiException.badRequest("unknown event '" + shown(event) + "'; known: " + RECEIVED + ", " + SENT + ", "
                    + String.join(", ", new java.util.TreeSet<>(MESSAGE_STATUS_EVENTS)) + ", "
                    + String.join(", ", new java.util.TreeSet<>(CONVERSATION_STATUSES.keySet())));
        } else if (hasMessage) {
            throw ApiException.badRequest("unknown event '" + shown(event) + "' carries a message; send it as "
                    + RECEIVED + " or " + SENT);
        }
    }
}
