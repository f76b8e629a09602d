package dev.leadline.examples;

import dev.leadline.outbound.OutboundFailure;

/**
 * HubSpot did not do what was asked: its HTTP status (429 and 5xx are retried by hubspot-retries in
 * routes/example-hubspot.camel.yaml, honouring Retry-After; anything else is a refusal), or a 207 whose
 * records carry errors.
 */
public class HubSpotFailure extends OutboundFailure {

    public HubSpotFailure(String message, Integer status, Long retryAfterMillis) {
        super(message, status, retryAfterMillis);
    }
}
