package dev.leadline.outbound;

/**
 * A failed call to an outside service (the LLM, Kapso's API): its HTTP status when the service answered one,
 * and its Retry-After. Which statuses are retried is not decided here but in the routes' error handling
 * (routes/error-handling.camel.yaml, on {@code ${exception.status}}).
 */
public class OutboundFailure extends RuntimeException implements RetryAfter {

    private final Integer status;
    private final Long retryAfterMillis;

    protected OutboundFailure(String message, Integer status, Long retryAfterMillis) {
        super(message);
        this.status = status;
        this.retryAfterMillis = retryAfterMillis;
    }

    /**
     * 408, 429 or 5xx: the service was busy or failing, so another try may succeed; any other status is a
     * refusal. routes/error-handling.camel.yaml spells the same rule out for the LLM's retries.
     */
    public static boolean busyOrFailing(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** For the YAML: ${exception.status}; null when the service gave no status (an answer we could not use). */
    public Integer getStatus() {
        return status;
    }

    @Override
    public Long retryAfterMillis() {
        return retryAfterMillis;
    }

    /** The message of the first outside-service failure in a cause chain (bean calls and splits wrap what they throw). */
    public static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutboundFailure) {
                return t.getMessage();
            }
        }
        return String.valueOf(failure);
    }
}
