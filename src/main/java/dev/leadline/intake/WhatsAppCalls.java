package dev.leadline.intake;

import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads the WhatsApp Business Calling API's calls[] events. A call is stored once, when its terminate event
 * arrives with the outcome, as a message of type call in the lead's conversation ("[call] 3 min 12 s",
 * "[missed call]"): it counts for the lead's day and the daily summary reads it, like any message. Its key is
 * the call's id (wacid). The other events of a call (connect, call statuses) are items the route names.
 */
final class WhatsAppCalls {

    static final String FIELD = "calls";
    static final String TERMINATE = "terminate";

    private WhatsAppCalls() {
    }

    /** The event's name: connect, terminate, call_recording_available, ...; "unknown" when missing. */
    static String event(JsonNode call) {
        return WhatsAppMessages.textOr(call.path("event"), "unknown").toLowerCase(Locale.ROOT);
    }

    /**
     * A terminate event as a store-message item: the customer is 'from' of a call they made (USER_INITIATED,
     * inbound), 'to' of one the business made (outbound); its time the call's start where given.
     */
    static Map<String, Object> terminated(JsonNode call, JsonNode contact, String phoneNumberId) {
        boolean business = businessInitiated(call);
        String side = customerSide(call);
        Map<String, Object> item = IntakeItem.create("meta", "meta." + FIELD + "." + TERMINATE, IntakeItem.STORE_MESSAGE);
        item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
        item.put(IntakeItem.DIRECTION, business ? "outbound" : "inbound");
        String phone = WhatsAppMessages.textOrNull(call.path(side));
        item.put(IntakeItem.RAW_PHONE, CustomerIdentities.internationalDigits(phone,
                contact == null ? null : WhatsAppMessages.textOrNull(contact.path("wa_id"))));
        item.put(IntakeItem.BSUID, CustomerIdentities.bsuid(WhatsAppMessages.textOrNull(call.path(side + "_user_id")),
                contact == null ? null : WhatsAppMessages.textOrNull(contact.path("user_id"))));
        item.put(IntakeItem.PARENT_BSUID, CustomerIdentities.bsuid(
                WhatsAppMessages.textOrNull(call.path(side + "_parent_user_id"))));
        if (contact != null) {
            item.put(IntakeItem.CONTACT_NAME, WhatsAppMessages.textOrNull(contact.path("profile").path("name")));
            item.put(IntakeItem.USERNAME, CustomerIdentities.username(
                    WhatsAppMessages.textOrNull(contact.path("profile").path("username"))));
        }
        // Read as a message of type call: the id is its key (wacid; 'wacid' where a sender names it so).
        ObjectNode asMessage = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        asMessage.set("id", call.has("id") ? call.get("id") : call.get("wacid"));
        asMessage.set("timestamp", call.path("start_time").isMissingNode() || call.path("start_time").isNull()
                ? call.get("timestamp") : call.get("start_time"));
        asMessage.put("type", "call");
        asMessage.set("call", call);
        WhatsAppMessages.read(asMessage, item);
        return item;
    }

    /** Which of the call's from / to is the customer: 'to' of a call the business made, else 'from'. */
    static String customerSide(JsonNode call) {
        return businessInitiated(call) ? "to" : "from";
    }

    private static boolean businessInitiated(JsonNode call) {
        return "BUSINESS_INITIATED".equalsIgnoreCase(call.path("direction").asText(""));
    }

    /**
     * "[call] 3 min 12 s" for a call that was answered (COMPLETED, or a duration given); otherwise "[missed call]"
     * for one the customer made, "[call] not answered" for one the business made.
     */
    static String text(JsonNode call) {
        long seconds = call.path("duration").asLong(0);
        boolean answered = "completed".equalsIgnoreCase(call.path("status").asText("")) || seconds > 0;
        if (!answered) {
            return businessInitiated(call) ? "[call] not answered" : "[missed call]";
        }
        return seconds > 0 ? "[call] " + duration(seconds) : "[call]";
    }

    /** 45 s, 3 min 12 s, 1 h 2 min. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        return seconds / 3600 + " h" + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + " min");
    }
}
