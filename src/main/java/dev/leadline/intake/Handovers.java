package dev.leadline.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads Meta's conversation routing events into timeline notes (add-note items): a messaging_handovers
 * change (control_passed, control_taken: who holds the conversation now, Meta's business AI agent or the
 * business) and the AI agent's conversation_context summary, carried by a handover or beside messages.
 * Neither has an id: each note's key is its event's bytes (IntakeTriage.normalise).
 */
final class Handovers {

    static final String FIELD = "messaging_handovers";
    static final String HANDOVER_NOTE = "handover";
    static final String SUMMARY_NOTE = "ai_agent_summary";
    static final String CONTEXT = "conversation_context";
    /** The owner roles that are Meta's AI agent (previous_owner_app_role says meta_business_agent in older events). */
    private static final java.util.Set<String> AI_AGENT = java.util.Set.of("ai_agent", "meta_business_agent");

    private Handovers() {
    }

    /**
     * A messaging_handovers change's notes: the handover, then the AI agent's summary when it carries one.
     * The type is value.type, else whichever of control_passed / control_taken the value carries; the
     * customer is value.sender (phone_number, or a BSUID where given).
     */
    static List<Map<String, Object>> read(JsonNode value, String phoneNumberId) {
        String type = WhatsAppMessages.textOrNull(value.path("type"));
        if (type == null) {
            type = value.path("control_taken").isObject() ? "control_taken" : "control_passed";
        }
        JsonNode control = value.path(type);
        JsonNode sender = value.path("sender");
        Map<String, Object> handover = note(HANDOVER_NOTE, "meta." + FIELD + "." + type, phoneNumberId, value.path("timestamp"));
        handover.put(IntakeItem.TEXT, handoverText(type, control));
        List<Map<String, Object>> notes = new ArrayList<>();
        notes.add(handover);
        Map<String, Object> summary = summaryNote(control.path(CONTEXT), "meta." + FIELD + "." + CONTEXT, phoneNumberId,
                value.path("timestamp"));
        if (summary != null) {
            notes.add(summary);
        }
        for (Map<String, Object> note : notes) {
            note.put(IntakeItem.RAW_PHONE, CustomerIdentities.internationalDigits(
                    WhatsAppMessages.textOrNull(sender.path("phone_number")), WhatsAppMessages.textOrNull(sender.path("wa_id"))));
            note.put(IntakeItem.BSUID, CustomerIdentities.bsuid(WhatsAppMessages.textOrNull(sender.path("user_id"))));
        }
        return notes;
    }

    /**
     * "The AI agent took over the conversation", "The AI agent handed the conversation back", "The business
     * took the conversation over from the AI agent", else the roles as given; then the reason given (metadata).
     */
    static String handoverText(String type, JsonNode control) {
        String from = firstRole(control.path("previous_owner_role"), control.path("previous_owner_app_role"));
        String to = WhatsAppMessages.textOrNull(control.path("new_owner_role"));
        String told;
        if (to != null && AI_AGENT.contains(to)) {
            told = "The AI agent took over the conversation";
        } else if (from != null && AI_AGENT.contains(from)) {
            told = "control_taken".equals(type) ? "The business took the conversation over from the AI agent"
                    : "The AI agent handed the conversation back";
        } else {
            told = "The conversation was handed over" + (from == null ? "" : " from " + from) + (to == null ? "" : " to " + to);
        }
        String reason = WhatsAppMessages.textOrNull(control.path("metadata"));
        return reason == null ? told : told + " (" + reason + ")";
    }

    /** The AI agent's summary (conversation_context: {type: summary, summary: {text}}) as a note, or null without text. */
    static Map<String, Object> summaryNote(JsonNode context, String event, String phoneNumberId, JsonNode timestamp) {
        JsonNode summary = context.path("summary");
        String text = summary.isObject() ? WhatsAppMessages.textOrNull(summary.path("text")) : WhatsAppMessages.textOrNull(summary);
        if (text == null) {
            return null;
        }
        Map<String, Object> item = note(SUMMARY_NOTE, event, phoneNumberId, timestamp);
        item.put(IntakeItem.TEXT, text);
        return item;
    }

    private static Map<String, Object> note(String kind, String event, String phoneNumberId, JsonNode timestamp) {
        Map<String, Object> item = IntakeItem.create("meta", event, IntakeItem.ADD_NOTE);
        item.put(IntakeItem.NOTE_KIND, kind);
        item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
        item.put(IntakeItem.SENT_AT, WhatsAppMessages.believableTime(timestamp));
        return item;
    }

    private static String firstRole(JsonNode a, JsonNode b) {
        String first = WhatsAppMessages.textOrNull(a);
        return first != null ? first : WhatsAppMessages.textOrNull(b);
    }
}
