package dev.leadline.summary;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.api.ApiContract;
import dev.leadline.web.TextCut;

/**
 * The summariser used when no LLM key is configured, or the workspace's LLM budget of the day is spent:
 * deterministic and extractive. It states the counts (with replies that failed to deliver and deleted messages),
 * the topics, the last question the lead asked and the status changes, in the lead's language; and fills the
 * structured fields as far as it can (StructuredNote: the summary, the topics, the last question as the open one;
 * no next step, sentiment or intent, which it cannot tell).
 */
public final class OfflineSummariser {

    public static final String GENERATOR = "offline";
    static final int MAX_QUESTION_CHARS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param reason why the note is written offline: an OfflineReason of the API contract */
    public Map<String, Object> summarise(DayDigest day, String reason) {
        if (!ApiContract.OFFLINE_REASONS.contains(reason)) {
            throw new IllegalArgumentException("not an OfflineReason of the API contract: " + reason);
        }
        boolean indonesian = day.language() == DayDigest.Language.INDONESIAN;
        String who = day.leadName() == null ? (indonesian ? "Lead" : "The lead") : day.leadName();
        StringBuilder note = new StringBuilder(indonesian
                ? who + " mengirim " + day.inbound() + " pesan, dibalas " + day.outbound() + " kali."
                : who + " sent " + day.inbound() + " message" + (day.inbound() == 1 ? "" : "s") + ", answered "
                        + day.outbound() + " time" + (day.outbound() == 1 ? "" : "s") + ".");
        if (day.failedOutbound() > 0) {
            note.append(indonesian ? " " + day.failedOutbound() + " balasan gagal terkirim."
                    : " " + day.failedOutbound() + (day.failedOutbound() == 1 ? " reply" : " replies") + " failed to deliver.");
        }
        if (day.deleted() > 0) {
            note.append(indonesian ? " " + day.deleted() + " pesan dihapus."
                    : " " + day.deleted() + " message" + (day.deleted() == 1 ? " was" : "s were") + " deleted.");
        }
        if (!day.topics().isEmpty()) {
            note.append(indonesian ? " Topik: " : " Topics: ").append(String.join(", ", day.topics())).append('.');
        }
        if (day.lastQuestion() != null) {
            note.append(indonesian ? " Pertanyaan terakhir: \"" : " Last question: \"")
                    .append(cut(day.lastQuestion().replace('\n', ' '), MAX_QUESTION_CHARS)).append('"');
        }
        if (!day.statusChanges().isEmpty()) {
            note.append(" Status: ").append(String.join("; ", day.statusChanges())).append('.');
        }
        ObjectNode structured = JSON.createObjectNode().put("summary", note.toString());
        structured.putArray("topics").addAll(day.topics().stream().map(structured::textNode).toList());
        ArrayNode questions = structured.putArray("openQuestions");
        if (day.lastQuestion() != null) {
            questions.add(cut(day.lastQuestion().replace('\n', ' '), MAX_QUESTION_CHARS));
        }
        structured.putNull("nextStep").putNull("sentiment").putNull("intent");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", note.toString());
        result.put("generator", GENERATOR);
        result.put("promptTokens", 0);
        result.put("completionTokens", 0);
        result.put("offlineReason", reason);
        result.put("structured", StructuredNotes.write(structured));
        result.put("unstructuredReason", null);
        return result;
    }

    static String cut(String text, int max) {
        return TextCut.shortened(text, max, "…");
    }
}
