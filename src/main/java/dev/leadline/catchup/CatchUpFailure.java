package dev.leadline.catchup;

import dev.leadline.outbound.OutboundFailure;

/** A failed call to Kapso's message history. Transient ones are retried; the others stop the workspace's catch-up. */
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

    /** 401 / 403: the workspace's key is missing, wrong, or not for this number; retrying cannot help. */
    public static final class Unauthorized extends CatchUpFailure {
        public Unauthorized(String message) {
            super(message, null);
        }
    }

    /** Any other refusal (400, 404, ...): the request is wrong; retrying cannot help. */
    public static final class Permanent extends CatchUpFailure {
        public Permanent(String message) {
            super(message, null);
        }
    }
}
