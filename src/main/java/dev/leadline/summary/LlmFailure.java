package dev.leadline.summary;

import dev.leadline.outbound.RetryAfter;

/** A failed call to the LLM. Transient ones are retried; permanent ones stop the run. */
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

    /** 429, 5xx, a timeout, or an answer we could not use: worth another try, later. */
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

    /** A bad key, a missing model, a malformed request: retrying cannot help, a setting must change. */
    public static final class Permanent extends LlmFailure {
        public Permanent(String message) {
            super(message);
        }
    }
}
