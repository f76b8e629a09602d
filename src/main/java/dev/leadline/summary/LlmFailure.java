package dev.leadline.summary;

import dev.leadline.outbound.OutboundFailure;

/**
 * A failed call to the LLM. Whether it is retried is decided in routes/error-handling.camel.yaml (llm-retries):
 * an {@link HttpError} by its status, a {@link Transient} always.
 */
public class LlmFailure extends OutboundFailure {

    LlmFailure(String message, Integer status, Long retryAfterMillis) {
        super(message, status, retryAfterMillis);
    }

    /**
     * The provider answered with a status other than 200. The message names the setting to check, for
     * the statuses that are not retried; the provider's Retry-After travels along for those that are.
     */
    public static final class HttpError extends LlmFailure {
        public HttpError(int status, String message, Long retryAfterMillis) {
            super(message, status, retryAfterMillis);
        }
    }

    /** A 200 answer we could not use (not JSON, no content): worth another try, later. */
    public static final class Transient extends LlmFailure {
        public Transient(String message) {
            super(message, null, null);
        }
    }
}
