package dev.leadline.events.kafka;

import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the Kafka relay (routes/event-kafka.camel.yaml) asks of Java: who this instance is (the name its
 * claims are leased under) and how long a delivery the broker did not acknowledge waits before its next try.
 */
public final class KafkaRelay {

    private final String instance;
    private final long retryDelayMillis;
    private final long maxRetryDelayMillis;

    public KafkaRelay(long retryDelayMillis, long maxRetryDelayMillis) {
        // Unique per start, also for two services in one JVM (the tests): a lease names exactly one holder.
        this.instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.retryDelayMillis = retryDelayMillis;
        this.maxRetryDelayMillis = maxRetryDelayMillis;
    }

    public String instance() {
        return instance;
    }

    /**
     * Exponential backoff with full jitter, after the attempt-th failed try (1, 2, ...): between half and all
     * of retry-delay × 2^(attempt-1), capped at max-retry-delay. No try is the last: the topic is leadline's
     * own, so a delivery waits out a broker outage however long, and the lead's later events wait behind it.
     */
    public long delayMillis(int attempt) {
        long delay = retryDelayMillis << Math.min(Math.max(attempt - 1, 0), 30);
        long capped = Math.min(delay <= 0 ? maxRetryDelayMillis : delay, maxRetryDelayMillis);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /** Milliseconds since a time of System.nanoTime(): a delivery's latency, for the attempt log. */
    public long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    public long now() {
        return System.nanoTime();
    }
}
