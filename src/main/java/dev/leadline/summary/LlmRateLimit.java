package dev.leadline.summary;

/**
 * llm.max-requests-per-minute as the throttle's permits per second: spread over the minute instead of
 * a burst at its start, and a small permit count, which Camel's throttler handles cheaply.
 */
public final class LlmRateLimit {

    private final int perMinute;

    public LlmRateLimit(int perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("llm.max-requests-per-minute must be at least 1, is " + perMinute);
        }
        this.perMinute = perMinute;
    }

    public int perSecond() {
        return (perMinute + 59) / 60;
    }
}
