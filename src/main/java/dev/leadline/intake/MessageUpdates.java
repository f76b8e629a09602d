package dev.leadline.intake;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the events that change a stored message instead of adding one: a delivery status (Meta
 * statuses[], Kapso whatsapp.message.delivered/read/failed), an edit and a revoke (a message of type
 * edit or revoke that names the original). Each becomes an update-message item for the original's
 * wamid; the order of statuses and what an edit keeps are decided in SQL (V13__message_state.sql).
 */
final class MessageUpdates {

    static final String STATUS = "status";
    static final String EDIT = "edit";
    static final String REVOKE = "revoke";

    private MessageUpdates() {
    }

    /** Meta's value.statuses[] entry: {id, status, timestamp, recipient_id, errors[]}. */
    static Map<String, Object> metaStatus(JsonNode status, String phoneNumberId) {
        Map<String, Object> item = update("meta", "meta.status", STATUS, WhatsAppMessages.textOrNull(status.path("id")),
                phoneNumberId, status.path("timestamp"));
        item.put(IntakeItem.STATUS, WhatsAppMessages.textOrNull(status.path("status")));
        readError(status.path("errors").path(0), item);
        return item;
    }

    /**
     * Kapso's status event: the status is the signed body's, its last kapso.statuses[] entry's, else
     * kapso.status; only a body with neither takes the event's last word (X-Webhook-Event, unsigned). The
     * failure's error and the time come from the message's errors or that last entry, where present.
     */
    static Map<String, Object> kapsoStatus(JsonNode message, String event, String phoneNumberId) {
        JsonNode statuses = message.path("kapso").path("statuses");
        JsonNode last = statuses.isArray() && !statuses.isEmpty() ? statuses.path(statuses.size() - 1) : message.path("kapso");
        JsonNode time = last.path("timestamp").isMissingNode() ? message.path("kapso").path("status_timestamp") : last.path("timestamp");
        Map<String, Object> item = update("kapso", event, STATUS, WhatsAppMessages.textOrNull(message.path("id")),
                phoneNumberId, time);
        String signed = WhatsAppMessages.textOrNull(last.path("status"));
        item.put(IntakeItem.STATUS, signed != null ? signed : event.substring(event.lastIndexOf('.') + 1));
        JsonNode error = message.path("errors").path(0);
        readError(error.isMissingNode() ? last.path("errors").path(0) : error, item);
        return item;
    }

    /** Whether a message is an edit or a revoke of another: it updates that one, it is not a message of its own. */
    static boolean isEditOrRevoke(JsonNode message) {
        String type = message.path("type").asText("");
        return type.equals(EDIT) || type.equals(REVOKE);
    }

    /**
     * An edit ({type: edit, edit: {original_message_id, message: {the new content}}}) or a revoke
     * ({type: revoke, revoke: {original_message_id}}); context.id names the original when the object does not.
     */
    static Map<String, Object> editOrRevoke(JsonNode message, String source, String event, String phoneNumberId) {
        String kind = message.path("type").asText();
        JsonNode part = message.path(kind);
        String original = WhatsAppMessages.textOrNull(part.path("original_message_id"));
        if (original == null) {
            original = WhatsAppMessages.textOrNull(message.path("context").path("id"));
        }
        Map<String, Object> item = update(source, event + "." + kind, kind, original, phoneNumberId, message.path("timestamp"));
        if (kind.equals(EDIT)) {
            JsonNode edited = part.path("message").isObject() ? part.path("message") : part;
            String text = WhatsAppMessages.readableText(edited);
            item.put(IntakeItem.TEXT, text != null ? text : WhatsAppMessages.textOrNull(message.path("text").path("body")));
        }
        return item;
    }

    private static Map<String, Object> update(String source, String event, String kind, String wamid, String phoneNumberId,
                                              JsonNode timestamp) {
        Map<String, Object> item = IntakeItem.create(source, event, IntakeItem.UPDATE_MESSAGE);
        item.put(IntakeItem.UPDATE_KIND, kind);
        item.put(IntakeItem.WAMID, wamid);
        item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
        item.put(IntakeItem.STATUS, null);
        item.put(IntakeItem.ERROR_CODE, null);
        item.put(IntakeItem.ERROR_TITLE, null);
        Instant given = WhatsAppMessages.senderTime(timestamp);
        Instant now = Instant.now();
        // As for messages: a time ahead of our clock is not believed.
        Instant at = given == null || given.isAfter(now.plus(WhatsAppMessages.MAX_CLOCK_SKEW)) ? now : given;
        item.put(IntakeItem.SENT_AT, at.atOffset(ZoneOffset.UTC));
        return item;
    }

    private static void readError(JsonNode error, Map<String, Object> item) {
        if (error.isObject()) {
            item.put(IntakeItem.ERROR_CODE, WhatsAppMessages.textOrNull(error.path("code")));
            String title = WhatsAppMessages.textOrNull(error.path("title"));
            item.put(IntakeItem.ERROR_TITLE, title != null ? title : WhatsAppMessages.textOrNull(error.path("message")));
        }
    }
}
