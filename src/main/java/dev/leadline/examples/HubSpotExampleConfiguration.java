package dev.leadline.examples;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

/**
 * Binds the beans of the HubSpot example (routes/example-hubspot.camel.yaml calls them by name). They are bound
 * whether the example is on or not: its routes start only with examples.hubspot.enabled.
 */
public class HubSpotExampleConfiguration implements CamelConfiguration {

    @BindToRegistry("hubSpotWebhookSignature")
    public StandardWebhookSignature hubSpotWebhookSignature(
            @PropertyInject(value = "examples.hubspot.webhook-secret", defaultValue = "") String secret,
            @PropertyInject("examples.hubspot.signature-tolerance-seconds") long toleranceSeconds) {
        return new StandardWebhookSignature(secret, Duration.ofSeconds(toleranceSeconds), Clock.systemUTC());
    }

    @BindToRegistry("hubSpotRequests")
    public HubSpotRequests hubSpotRequests(@PropertyInject("examples.hubspot.lead-key-property") String leadKeyProperty,
                                           @PropertyInject("examples.hubspot.note-key-property") String noteKeyProperty,
                                           @PropertyInject(value = "examples.hubspot.lead-statuses", defaultValue = "") String leadStatuses,
                                           @PropertyInject("examples.hubspot.max-retry-after-ms") long maxRetryAfterMillis) {
        return new HubSpotRequests(leadKeyProperty, noteKeyProperty, leadStatuses, maxRetryAfterMillis);
    }
}
