package dev.leadline.summary;

/**
 * What the summary routes ask of the LLM settings, answered once at start-up instead of resolving
 * properties for every lead-day: whether a key is configured. It also refuses a rate limit
 * (llm.max-requests-per-minute, llm.rate-limit-window-ms) the throttle could not keep, at start-up.
 */
public final class LlmSettings {

    private final boolean enabled;

    public LlmSettings(String apiKey, int perMinute, long windowMillis) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("llm.max-requests-per-minute must be at least 1, is " + perMinute);
        }
        if (windowMillis < 1) {
            throw new IllegalArgumentException("llm.rate-limit-window-ms must be at least 1, is " + windowMillis);
        }
        this.enabled = apiKey != null && !apiKey.isBlank();
    }

    /** An API key is set: the LLM writes the notes; else the offline summariser does. */
    public boolean enabled() {
        return enabled;
    }
}
