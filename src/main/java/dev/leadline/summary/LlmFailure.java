package dev.leadline.summary;

import dev.leadline.outbound.RetryAfter;

/**
 * A failed call to the LLM. Whether it is retried is decided in routes/error-handling.camel.yaml (llm-retries):
 * an {@link HttpError} by its status, a {@link Transient} always.
 */
public class LlmFailure extends RuntimeException {

    LlmFailure(String message) {
        super(message);
    }

    /** The message of the first LLM failure in a cause chain (the splitter wraps what it stops on). */
    public static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LlmFailure) {
                return t.getMessage();
            }
        }
        return String.valueOf(failure);
    }

    /**
     * The provider answered with a status other than 200. The message names the setting to check, for
     * the statuses that are not retried; the provider's Retry-After travels along for those that are.
     */
    public static final class HttpError extends LlmFailure implements RetryAfter {
        private final int status;
        private final Long retryAfterMillis;

        public HttpError(int status, String message, Long retryAfterMillis) {
            super(message);
            this.status = status;
            this.retryAfterMillis = retryAfterMillis;
        }

        /** For the YAML: ${exception.status}. */
        public int getStatus() {
            return status;
        }

        @Override
        public Long retryAfterMillis() {
            return retryAfterMillis;
        }
    }

    /** A 200 answer we could not use (not JSON, no content): worth another try, later. */
    public static final class Transient extends LlmFailure implements RetryAfter {
        private final Long retryAfterMillis;

        public Transient(String message) {
            this(message, null);
        }

        public Transient(String message, Long retryAfterMillis) {
            super(message);
            this.retryAfterMillis = retryAfterMillis;
        }

        @Override
        public Long retryAfterMillis() {
            return retryAfterMillis;
        }
    }
}
