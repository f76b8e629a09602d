package dev.leadline.outbound;

/**
 * A failed call to an outside service (the LLM, Kapso's API) that told us when to try again. The one
 * reading of an HTTP Retry-After header for both clients.
 */
public interface RetryAfter {

    /** The service's Retry-After, in milliseconds, or null when it sent none. */
    Long retryAfterMillis();

    /** Retry-After in seconds (the HTTP-date form is rare for APIs and is ignored), capped; null when absent or unreadable. */
    static Long millis(String header, long maxMillis) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, Math.min((long) (Double.parseDouble(header.trim()) * 1000), maxMillis));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
