package dev.leadline.summary;

import java.sql.Timestamp;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.leadline.web.TextCut;
import org.apache.camel.Variable;

/**
 * Turns a lead's messages of one local day into a {@link DayDigest}: counts in and out, topic keywords,
 * the language, the last question, and a transcript within the character budget (newest kept).
 */
public final class DayDigester {

    static final int TOPIC_COUNT = 5;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private final int maxInputChars;

    public DayDigester(int maxInputChars) {
        this.maxInputChars = maxInputChars;
    }

    /**
     * @param events the day's messages and status changes, oldest first (lead-day-events.sql); each row
     *               also carries the day's message count and newest message id, which the note covers
     */
    public DayDigest digest(@Variable("leadDay") Map<String, Object> leadDay,
                            @Variable("timeZone") String timeZone,
                            @Variable("dayEvents") List<Map<String, Object>> events) {
        ZoneId zone = ZoneId.of(timeZone);
        int inbound = 0;
        int outbound = 0;
        int failedOutbound = 0;
        int deleted = 0;
        String lastQuestion = null;
        StringBuilder leadText = new StringBuilder();
        List<String> lines = new ArrayList<>(events.size());
        List<String> changes = new ArrayList<>();
        long coveredMessages = 0;
        Long coveredUntil = null;
        for (Map<String, Object> m : events) {
            if (m.get("coveredMessages") instanceof Number n) {
                coveredMessages = n.longValue();
                coveredUntil = m.get("coveredUntilMessageId") instanceof Number id ? id.longValue() : null;
            }
            if ("status_change".equals(m.get("kind"))) {
                changes.add(String.valueOf(m.get("text")));
                continue;
            }
            boolean fromLead = "inbound".equals(m.get("direction"));
            String text = m.get("text") == null ? "[" + m.get("type") + "]" : m.get("text").toString();
            if (m.get("deletedAt") != null) {
                // Kept for the record, but the reader should know it was taken back.
                deleted++;
                text = "[deleted] " + text;
            }
            if (!fromLead && "failed".equals(m.get("status"))) {
                failedOutbound++;
                text = text + " [not delivered]";
            }
            if (fromLead) {
                inbound++;
                leadText.append(text).append('\n');
                if (text.contains("?")) {
                    lastQuestion = text;
                }
            } else {
                outbound++;
            }
            String at = CLOCK.format(((Timestamp) m.get("sentAt")).toInstant().atZone(zone));
            lines.add(at + " " + (fromLead ? "lead" : "us") + ": " + text.replace('\n', ' '));
        }
        Deque<String> kept = new ArrayDeque<>();
        int used = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (used + line.length() + 1 > maxInputChars) {
                if (kept.isEmpty()) {
                    kept.addFirst(TextCut.tail(line, Math.max(0, maxInputChars - 1)));
                }
                break;
            }
            kept.addFirst(line);
            used += line.length() + 1;
        }
        List<String> words = StopWords.words(leadText.toString());
        return new DayDigest(((Number) leadDay.get("leadId")).longValue(), (String) leadDay.get("leadName"),
                leadDay.get("day").toString(), timeZone, inbound, outbound, topics(words),
                language(words), lastQuestion, changes, List.copyOf(kept), kept.size() < lines.size(),
                coveredMessages, coveredUntil, failedOutbound, deleted);
    }

    /**
     * The most frequent of the lead's words (StopWords.words, split once for the topics and the language)
     * that are not stop words, most frequent first.
     */
    static List<String> topics(List<String> words) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Integer> firstSeen = new LinkedHashMap<>();
        for (String word : words) {
            if (word.length() >= 3 && !StopWords.isStopWord(word)) {
                counts.merge(word, 1, Integer::sum);
                firstSeen.putIfAbsent(word, firstSeen.size());
            }
        }
        return counts.entrySet().stream()
                .sorted((a, b) -> a.getValue().equals(b.getValue())
                        ? Integer.compare(firstSeen.get(a.getKey()), firstSeen.get(b.getKey()))
                        : Integer.compare(b.getValue(), a.getValue()))
                .limit(TOPIC_COUNT).map(Map.Entry::getKey).collect(Collectors.toList());
    }

    /** Indonesian unless the lead's words are clearly more often English stop words. */
    static DayDigest.Language language(List<String> words) {
        int indonesian = 0;
        int english = 0;
        for (String word : words) {
            if (StopWords.INDONESIAN.contains(word)) {
                indonesian++;
            }
            if (StopWords.ENGLISH.contains(word)) {
                english++;
            }
        }
        return english > indonesian ? DayDigest.Language.ENGLISH : DayDigest.Language.INDONESIAN;
    }
}
