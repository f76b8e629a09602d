package dev.leadline.outbound;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Called by the llm-retries and kapso-retries error handlers when a call fails: when the service said
 * Retry-After, that is the delay before the next attempt (Camel's CamelRedeliveryDelay header);
 * otherwise the exponential backoff of the redelivery policy applies.
 */
public final class RetryAfterDelay implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Long retryAfter = null;
        for (Throwable t = failure; t != null && retryAfter == null; t = t.getCause()) {
            if (t instanceof RetryAfter told) {
                retryAfter = told.retryAfterMillis();
            }
        }
        if (retryAfter != null) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, retryAfter);
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
