package dev.leadline.summary;

/** A failed call to the LLM. Transient ones are retried; permanent ones stop the run. */
public class LlmFailure extends RuntimeException {

    LlmFailure(String message) {
        super(message);
    }

    /** 429, 5xx, a timeout, or an answer we could not use: worth another try, later. */
    public static final class Transient extends LlmFailure {
        public Transient(String message) {
            super(message);
        }
    }

    /** A bad key, a missing model, a malformed request: retrying cannot help, a setting must change. */
    public static final class Permanent extends LlmFailure {
        public Permanent(String message) {
            super(message);
        }
    }
}
