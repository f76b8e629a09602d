package dev.leadline.summary;

import java.util.List;

/**
 * One lead's day, ready to summarise: the counts, the topics, the language the lead wrote in, the last
 * question the lead asked, the status changes, and the transcript cut to the input budget.
 *
 * @param transcript lines "HH:mm lead|us: text", oldest first, the most recent kept when cut
 * @param truncated  whether older messages were left out to stay within the budget
 * @param coveredMessages       the day's message count when it was read: what the note covers
 * @param coveredUntilMessageId the day's newest message id when it was read
 * @param failedOutbound        our messages of the day whose delivery failed
 * @param deleted               the day's messages their sender deleted (kept, marked in the transcript)
 */
public record DayDigest(
        long leadId,
        String leadName,
        String day,
        String timeZone,
        int inbound,
        int outbound,
        List<String> topics,
        Language language,
        String lastQuestion,
        List<String> statusChanges,
        List<String> transcript,
        boolean truncated,
        long coveredMessages,
        Long coveredUntilMessageId,
        int failedOutbound,
        int deleted) {

    /** The languages the summaries are written in; the lead's own when we can tell. */
    public enum Language {
        INDONESIAN("Indonesian"), ENGLISH("English");

        private final String displayName;

        Language(String displayName) {
            this.displayName = displayName;
        }

        public String displayName() {
            return displayName;
        }
    }
}
