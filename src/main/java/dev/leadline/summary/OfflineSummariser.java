package dev.leadline.summary;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.leadline.web.TextCut;

/**
 * The summariser used when no LLM key is configured: deterministic and extractive. It states the
 * counts (with replies that failed to deliver and deleted messages), the topics, the last question the lead
 * asked and the status changes, in the lead's language.
 */
public final class OfflineSummariser {

    public static final String GENERATOR = "offline";
    static final int MAX_QUESTION_CHARS = 120;

    public Map<String, Object> summarise(DayDigest day) {
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
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", note.toString());
        result.put("generator", GENERATOR);
        result.put("promptTokens", 0);
        result.put("completionTokens", 0);
        return result;
    }

    static String cut(String text, int max) {
        return TextCut.shortened(text, max, "…");
    }
}
