package dev.leadline.events;

import java.util.concurrent.ThreadLocalRandom;

import dev.leadline.outbound.RetryAfter;

/**
 * When a webhook delivery that failed is tried again. The retries are not Camel redeliveries held in memory
 * but the delivery's next_attempt_at in the outbox, so they survive a restart and any instance takes them:
 * exponential backoff from retryDelayMillis, doubling per attempt up to maxRetryDelayMillis, with up to 20%
 * jitter added (never taken away, so the schedule spans at least its nominal length: 25 attempts with the
 * defaults, 5 s doubling to 6 h, take more than three days). The receiver's Retry-After, when it sent one,
 * replaces the backoff, capped at maxRetryAfterMillis. Which answers are retried at all is in
 * routes/event-webhooks.camel.yaml.
 */
public final class WebhookRetries {

    private final long retryDelayMillis;
    private final long maxRetryDelayMillis;
    private final long maxRetryAfterMillis;

    public WebhookRetries(long retryDelayMillis, long maxRetryDelayMillis, long maxRetryAfterMillis) {
        this.retryDelayMillis = retryDelayMillis;
        this.maxRetryDelayMillis = maxRetryDelayMillis;
        this.maxRetryAfterMillis = maxRetryAfterMillis;
    }

    /** The delay after failed attempt number attempts (1 for the first). */
    public long delayMillis(int attempts, String retryAfter) {
        Long told = RetryAfter.millis(retryAfter, maxRetryAfterMillis);
        if (told != null) {
            return told;
        }
        return backoff(attempts) + (long) (ThreadLocalRandom.current().nextDouble(0.2) * backoff(attempts));
    }

    /** The nominal delay, without jitter. */
    long backoff(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 40));
        double delay = retryDelayMillis * Math.pow(2, doublings);
        return (long) Math.min(delay, maxRetryDelayMillis);
    }
}
