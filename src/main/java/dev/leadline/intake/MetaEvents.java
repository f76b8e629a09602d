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
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

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
        return IntakeItem.deliveryKey(WhatsAppMessages.textOrNull(
                root.path("entry").path(0).path("changes").path(0).path("value").path("metadata").path("phone_number_id")));
    }

    public List<Map<String, Object>> read(JsonNode root) {
        if (!"whatsapp_business_account".equals(root.path("object").asText()) || !root.path("entry").isArray()) {
            throw ApiException.badRequest("not a Meta WhatsApp webhook: expected object 'whatsapp_business_account' with an 'entry' array");
        }
        // Every message of every entry and change counts, and so does every change (each is an item).
        int count = 0;
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                count += Math.max(1, change.path("value").path("messages").size());
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
        String phoneNumberId = WhatsAppMessages.textOrNull(value.path("metadata").path("phone_number_id"));
        if (!"messages".equals(change.path("field").asText()) || !value.path("messages").isArray()) {
            // statuses, template updates, ...: acknowledged, not stored
            Map<String, Object> ignored = IntakeItem.create("meta", "meta." + change.path("field").asText("unknown"),
                    IntakeItem.IGNORE);
            ignored.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
            items.add(ignored);
            return;
        }
        // A message's contact: paired by BSUID, else by phone (Meta gives no rule; WHATSAPP_IDENTITIES.md §3).
        Map<String, JsonNode> contactsByUserId = new HashMap<>();
        Map<String, JsonNode> contactsByWaId = new HashMap<>();
        for (JsonNode contact : value.path("contacts")) {
            String userId = WhatsAppMessages.textOrNull(contact.path("user_id"));
            String waId = WhatsAppMessages.textOrNull(contact.path("wa_id"));
            if (userId != null) {
                contactsByUserId.put(userId, contact);
            }
            if (waId != null) {
                contactsByWaId.put(waId, contact);
            }
        }
        for (JsonNode message : value.path("messages")) {
            if (!message.isObject()) {
                throw ApiException.badRequest("not a Meta WhatsApp webhook: each message must be an object");
            }
            String from = WhatsAppMessages.textOrNull(message.path("from"));
            String fromUserId = WhatsAppMessages.textOrNull(message.path("from_user_id"));
            JsonNode contact = fromUserId != null && contactsByUserId.containsKey(fromUserId)
                    ? contactsByUserId.get(fromUserId) : from == null ? null : contactsByWaId.get(from);
            JsonNode paired = contact == null ? JSON.objectNode() : contact;
            Map<String, Object> item = IntakeItem.create("meta", EVENT, IntakeItem.STORE_MESSAGE);
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
            WhatsAppMessages.read(message, item);
            item.put(IntakeItem.PAYLOAD, singleMessageDelivery(root, entry, change, value, contact, message).toString());
            items.add(item);
        }
    }

    /** The delivery cut down to this one message, so that a dead letter can be replayed on its own. */
    private static ObjectNode singleMessageDelivery(JsonNode root, JsonNode entry, JsonNode change, JsonNode value,
                                                   JsonNode contact, JsonNode message) {
        ObjectNode v = JSON.objectNode();
        v.set("messaging_product", value.get("messaging_product"));
        v.set("metadata", value.get("metadata"));
        v.set("contacts", contact == null ? JSON.arrayNode() : JSON.arrayNode().add(contact));
        v.set("messages", JSON.arrayNode().add(message));
        ObjectNode c = JSON.objectNode().put("field", change.path("field").asText());
        c.set("value", v);
        ObjectNode e = JSON.objectNode();
        e.set("id", entry.get("id"));
        e.set("changes", JSON.arrayNode().add(c));
        ObjectNode delivery = JSON.objectNode();
        delivery.set("object", root.get("object"));
        delivery.set("entry", JSON.arrayNode().add(e));
        return delivery;
    }
}
