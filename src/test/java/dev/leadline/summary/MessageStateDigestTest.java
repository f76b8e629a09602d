package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Delivery statuses and deletions: the digest counts our failed replies and deleted messages, and the prompt and offline note say so. */
class MessageStateDigestTest {

    static Map<String, Object> message(String direction, String text, String utc, String status, boolean deleted) {
        Map<String, Object> m = new HashMap<>(Map.of("kind", "message", "direction", direction, "type", "text", "text", text,
                "sentAt", Timestamp.from(Instant.parse(utc))));
        m.put("status", status);
        m.put("deletedAt", deleted ? Timestamp.from(Instant.parse(utc)) : null);
        return m;
    }

    static DayDigest digest() {
        return new DayDigester(6000).digest(Map.of("leadId", 7L, "leadName", "Tom", "day", "2025-11-25"), "Asia/Jakarta", List.of(
                message("inbound", "Hi, what is the price of the yearly plan?", "2025-11-25T02:00:00Z", null, false),
                message("inbound", "wrong chat, sorry", "2025-11-25T02:01:00Z", null, true),
                message("outbound", "The yearly plan is 15 million", "2025-11-25T02:05:00Z", "failed", false),
                message("outbound", "Shall I send the brochure?", "2025-11-25T02:06:00Z", "failed", false),
                message("outbound", "Here it is", "2025-11-25T02:07:00Z", "read", false),
                // a customer's message is never counted as a failed reply
                message("inbound", "ok thanks", "2025-11-25T02:08:00Z", "failed", false)));
    }

    @Test
    void failedRepliesAndDeletionsAreCountedAndMarked() {
        DayDigest day = digest();

        assertEquals(2, day.failedOutbound());
        assertEquals(1, day.deleted());
        assertEquals(3, day.outbound());
        assertEquals("09:05 us: The yearly plan is 15 million [not delivered]", day.transcript().get(2));
        assertEquals("09:01 lead: [deleted] wrong chat, sorry", day.transcript().get(1));
        assertEquals("09:07 us: Here it is", day.transcript().get(4));
    }

    @Test
    void thePromptAndTheOfflineNoteSaySo() {
        DayDigest day = digest();

        String prompt = SummaryPrompt.remarks(day); // the prompt's lines about failed and deleted messages
        String note = (String) new OfflineSummariser().summarise(day, "no_api_key").get("content");

        assertTrue(prompt.contains("Failed to deliver: 2 of our messages"), prompt);
        assertTrue(prompt.contains("Deleted by their sender: 1"), prompt);
        assertTrue(note.contains("2 replies failed to deliver. 1 message was deleted."), note);
    }
}
