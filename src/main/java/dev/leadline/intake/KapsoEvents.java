package dev.leadline.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.web.ApiException;

/** Reads a Kapso payload-v2 delivery, single or batched, into intake items. */
public final class KapsoEvents {

    static final String RECEIVED = "whatsapp.message.received";
    static final String SENT = "whatsapp.message.sent";
    static final String CONVERSATION_PREFIX = "whatsapp.conversation.";

    /**
     * The business number the delivery is for, as the parameters of the workspace lookup: it selects
     * the workspace, and so the signing secret.
     */
    public Map<String, Object> deliveryKey(JsonNode root) {
        JsonNode first = isBatch(root) ? root.path("data").path(0) : root;
        String id = WhatsAppMessages.textOrNull(first.path("phone_number_id"));
        return IntakeItem.deliveryKey(id != null ? id : WhatsAppMessages.textOrNull(first.path("conversation").path("phone_number_id")));
    }

    public List<Map<String, Object>> read(JsonNode root, String eventHeader) {
        String event = eventHeader != null && !eventHeader.isBlank() ? eventHeader.trim()
                : WhatsAppMessages.textOrNull(root.path("type"));
        if (event == null) {
            throw ApiException.badRequest("the event name is missing: send the X-Webhook-Event header");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        if (isBatch(root)) {
            for (JsonNode single : root.path("data")) {
                items.add(readSingle(single, event));
            }
        } else {
            items.add(readSingle(root, event));
        }
        return items;
    }

    private static boolean isBatch(JsonNode root) {
        return root.path("batch").asBoolean(false) && root.path("data").isArray();
    }

    private Map<String, Object> readSingle(JsonNode body, String event) {
        if (!body.isObject() || !(body.path("message").isObject() || body.path("conversation").isObject())) {
            throw ApiException.badRequest("not a Kapso webhook: each event needs a 'message' or 'conversation' object");
        }
        JsonNode conversation = body.path("conversation");
        Map<String, Object> item = IntakeItem.create("kapso", event, IntakeItem.IGNORE);
        item.put(IntakeItem.PAYLOAD, body.toString());
        String phoneNumberId = WhatsAppMessages.textOrNull(body.path("phone_number_id"));
        item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId != null ? phoneNumberId
                : WhatsAppMessages.textOrNull(conversation.path("phone_number_id")));
        item.put(IntakeItem.CONVERSATION_ID, WhatsAppMessages.textOrNull(conversation.path("id")));
        item.put(IntakeItem.CONVERSATION_STATUS, WhatsAppMessages.textOrNull(conversation.path("status")));
        item.put(IntakeItem.CONTACT_NAME, WhatsAppMessages.textOrNull(conversation.path("kapso").path("contact_name")));
        String phone = WhatsAppMessages.textOrNull(conversation.path("phone_number"));
        item.put(IntakeItem.RAW_PHONE, phone != null ? phone : WhatsAppMessages.textOrNull(body.path("message").path("from")));

        if (event.equals(RECEIVED) || event.equals(SENT)) {
            if (!body.path("message").isObject()) {
                throw ApiException.badRequest("not a Kapso message event: 'message' object missing");
            }
            item.put(IntakeItem.ACTION, IntakeItem.STORE_MESSAGE);
            WhatsAppMessages.read(body.path("message"), item);
            item.put(IntakeItem.DIRECTION, event.equals(SENT) ? "outbound" : "inbound");
        } else if (event.startsWith(CONVERSATION_PREFIX)) {
            item.put(IntakeItem.ACTION, IntakeItem.UPDATE_CONVERSATION);
            String status = event.substring(CONVERSATION_PREFIX.length());
            item.put(IntakeItem.CONVERSATION_STATUS, status.equals("created") ? "active" : status);
        }
        return item;
    }
}
