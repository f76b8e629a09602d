package dev.leadline.catchup;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Called by the kapso-retries error handler when a page request fails: Kapso's Retry-After, when it
 * sent one, is the delay before the next attempt; otherwise the policy's exponential backoff applies.
 */
public final class CatchUpRetryDelay implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Long retryAfter = null;
        for (Throwable t = failure; t != null && retryAfter == null; t = t.getCause()) {
            if (t instanceof CatchUpFailure.Transient transientFailure) {
                retryAfter = transientFailure.retryAfterMillis();
            }
        }
        if (retryAfter != null) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, retryAfter);
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
