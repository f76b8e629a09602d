package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DayDigesterTest {

    static Map<String, Object> message(String direction, String text, String utc) {
        return Map.of("kind", "message", "direction", direction, "type", "text", "text", text,
                "sentAt", Timestamp.from(Instant.parse(utc)));
    }

    static DayDigest digest(int budget, List<Map<String, Object>> messages) {
        List<Map<String, Object>> events = new ArrayList<>(messages);
        events.add(Map.of("kind", "status_change", "text", "new → contacted", "sentAt", Timestamp.from(Instant.parse("2025-11-25T03:00:00Z"))));
        return new DayDigester(budget).digest(Map.of("leadId", 7L, "leadName", "Siti", "day", "2025-11-25"), "Asia/Jakarta", events);
    }

    @Test
    void countsTopicsQuestionLanguageAndLocalClock() {
        DayDigest day = digest(6000, List.of(
                message("inbound", "Halo kak, paket social media bulanan berapa?", "2025-11-25T02:00:00Z"),
                message("outbound", "Paket bulanan Rp 1.500.000", "2025-11-25T02:05:00Z"),
                message("inbound", "Paket tahunan ada diskon?", "2025-11-25T02:07:00Z")));

        assertEquals(2, day.inbound());
        assertEquals(1, day.outbound());
        assertEquals(List.of("paket", "social", "media", "bulanan", "tahunan"), day.topics());
        assertEquals("Paket tahunan ada diskon?", day.lastQuestion());
        assertEquals(DayDigest.Language.INDONESIAN, day.language());
        assertEquals("09:00 lead: Halo kak, paket social media bulanan berapa?", day.transcript().get(0));
        assertEquals(List.of("new → contacted"), day.statusChanges());
        assertFalse(day.truncated());
    }

    @Test
    void englishIsRecognised() {
        DayDigest day = digest(6000, List.of(message("inbound", "Hi, what is the price of the yearly plan? Thanks", "2025-11-25T02:00:00Z")));
        assertEquals(DayDigest.Language.ENGLISH, day.language());
    }

    @Test
    void theBudgetKeepsTheNewestMessages() {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            messages.add(message("inbound", "message " + i + " " + "x".repeat(40), "2025-11-25T02:" + String.format("%02d", i) + ":00Z"));
        }
        DayDigest day = digest(500, messages);

        int chars = day.transcript().stream().mapToInt(line -> line.length() + 1).sum();
        assertTrue(chars <= 500, "within the budget: " + chars);
        assertTrue(day.transcript().get(day.transcript().size() - 1).contains("message 49 "));
        assertTrue(day.truncated());
        assertEquals(50, day.inbound(), "counts cover the whole day, not just what fits");
    }

    /** The transcript's tail and the last question are cut before an emoji that would not fit whole, never through it. */
    @Test
    void cutsNeverKeepHalfOfAnEmoji() {
        // "09:00 lead: " and 300 emoji: 612 characters, whose last 99 would start on the second half of one
        DayDigest day = digest(100, List.of(message("inbound", "\uD83D\uDE00".repeat(300), "2025-11-25T02:00:00Z")));
        String line = day.transcript().get(0);
        assertTrue(line.length() <= 99 && line.length() >= 98, line.length() + " characters");
        assertTrue(line.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE), "a lone surrogate in " + line);
        assertEquals("abc\u2026", OfflineSummariser.cut("abc\uD83D\uDE00d", 5));
        assertEquals("abc\uD83D\uDE00d", OfflineSummariser.cut("abc\uD83D\uDE00d", 6));
    }
}
