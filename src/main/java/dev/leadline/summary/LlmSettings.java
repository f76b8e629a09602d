package dev.leadline.summary;

/**
 * What the summary routes ask of the LLM settings, answered once at start-up instead of resolving
 * properties for every lead-day: whether a key is configured, and llm.max-requests-per-minute as the
 * throttle's permits per second (spread over the minute, and a small permit count, which Camel's
 * throttler handles cheaply).
 */
public final class LlmSettings {

    private final boolean enabled;
    private final int perMinute;

    public LlmSettings(String apiKey, int perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("llm.max-requests-per-minute must be at least 1, is " + perMinute);
        }
        this.enabled = apiKey != null && !apiKey.isBlank();
        this.perMinute = perMinute;
    }

    /** An API key is set: the LLM writes the notes; else the offline summariser does. */
    public boolean enabled() {
        return enabled;
    }

    public int perSecond() {
        return (perMinute + 59) / 60;
    }
}
