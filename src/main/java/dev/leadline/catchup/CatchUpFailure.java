package dev.leadline.catchup;

import dev.leadline.outbound.RetryAfter;

/** A failed call to Kapso's message history. Transient ones are retried; the others stop the workspace's catch-up. */
public class CatchUpFailure extends RuntimeException {

    CatchUpFailure(String message) {
        super(message);
    }

    /** The message of the first catch-up failure in a cause chain (bean calls wrap what they throw). */
    public static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CatchUpFailure) {
                return t.getMessage();
            }
        }
        return String.valueOf(failure);
    }

    /** 429, 408, 5xx, an unreadable page: worth another try, after Kapso's Retry-After when it sent one. */
    public static final class Transient extends CatchUpFailure implements RetryAfter {
        private final Long retryAfterMillis;

        public Transient(String message, Long retryAfterMillis) {
            super(message);
            this.retryAfterMillis = retryAfterMillis;
        }

        @Override
        public Long retryAfterMillis() {
            return retryAfterMillis;
        }
    }

    /** 401 / 403: the workspace's key is missing, wrong, or not for this number; retrying cannot help. */
    public static final class Unauthorized extends CatchUpFailure {
        public Unauthorized(String message) {
            super(message);
        }
    }

    /** Any other refusal (400, 404, ...): the request is wrong; retrying cannot help. */
    public static final class Permanent extends CatchUpFailure {
        public Permanent(String message) {
            super(message);
        }
    }
}
