package dev.leadline.events;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The {@code events} check: DEGRADED when the oldest event still to deliver has waited longer than
 * events.health-max-age-seconds (a receiver down, a relay stuck). Camel's checks know only UP and DOWN, and a
 * late receiver is no reason to take the instance out of service (the intake and the API still work; a load
 * balancer would only move the load): so the check stays UP and says DEGRADED in its message and its
 * {@code status} detail, for a monitor to alert on, with the age and the backlog.
 */
public final class EventsHealthCheck extends AbstractHealthCheck {

    private final OutboxWatch watch;
    private final long maxAgeSeconds;

    public EventsHealthCheck(OutboxWatch watch, long maxAgeSeconds) {
        super("leadline", "events");
        this.watch = watch;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        double age = watch.oldestAgeSeconds();
        builder.detail("oldestUndeliveredAgeSeconds", (long) age);
        builder.detail("backlog", watch.backlog());
        if (age > maxAgeSeconds) {
            builder.detail("status", "DEGRADED");
            builder.up().message("DEGRADED: the oldest undelivered event has waited " + (long) age
                    + " s, over events.health-max-age-seconds (" + maxAgeSeconds + " s)");
        } else {
            builder.detail("status", "UP");
            builder.up();
        }
    }
}
