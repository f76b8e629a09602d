package dev.leadline.catchup;

import dev.leadline.outbound.OutboundFailure;

/**
 * A failed call to Kapso's message history. Transient ones are retried; the others stop the workspace's catch-up.
 * Every message that quotes Kapso quotes it through {@link KapsoHistory#kapsoSaid}: escaped, capped, key masked.
 */
public class CatchUpFailure extends OutboundFailure {

    /** Kapso's status is not kept: which failures are retried is decided by their type (kapso-retries). */
    CatchUpFailure(String message, Long retryAfterMillis) {
        super(message, null, retryAfterMillis);
    }

    /** 429, 408, 5xx, an unreadable page: worth another try, after Kapso's Retry-After when it sent one. */
    public static final class Transient extends CatchUpFailure {
        public Transient(String message, Long retryAfterMillis) {
            super(message, retryAfterMillis);
        }
    }

    /**
     * 401 / 403 / 404: the workspace's configuration, not Kapso: its key is missing, wrong or revoked, or the
     * number is not in that key's project. Retrying cannot help, and no breaker counts it.
     */
    public static final class Misconfigured extends CatchUpFailure {
        public Misconfigured(String message) {
            super(message, null);
        }
    }

    /**
     * Any other refusal (400, ...), or an answer leadline will not read (a page over catchup.max-page-bytes, a
     * cursor given before): retrying cannot help.
     */
    public static final class Permanent extends CatchUpFailure {
        public Permanent(String message) {
            super(message, null);
        }
    }

    /**
     * An Error (OutOfMemoryError, StackOverflowError ...) thrown during a run. Camel catches Exceptions only,
     * so the run's guard ({@link ErrorsAsFailures}) turns it into this failure, and the run's record is closed.
     */
    public static final class Fatal extends CatchUpFailure {
        public Fatal(Throwable error) {
            super(error.getClass().getName() + ": " + error.getMessage(), null);
            initCause(error);
        }
    }
}
