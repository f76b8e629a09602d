package dev.leadline.events.kafka;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How far the Kafka relay is behind: {@code leadline.events.kafka.lag} (seconds), the age of the oldest
 * pending Kafka delivery, and {@code leadline.events.kafka.pending}, how many there are. The oldest time is
 * read by routes/event-kafka.camel.yaml every events.kafka.lag-refresh-seconds, never per scrape; the age is
 * computed at scrape time, so it keeps growing while the relay or the database is stuck.
 */
public final class KafkaLag {

    static final String LAG = "leadline.events.kafka.lag";
    static final String PENDING = "leadline.events.kafka.pending";

    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicReference<Instant> oldest = new AtomicReference<>();
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean registered;

    public KafkaLag(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** The answer of sql/events/kafka-backlog.sql: {pending, oldest} (oldest null when nothing is pending). */
    public void update(Map<String, Object> backlog) {
        pending.set(((Number) backlog.get("pending")).longValue());
        oldest.set(instant(backlog.get("oldest")));
        register();
    }

    // On the first reading: an instance whose relay is off (no brokers) shows no lag rather than a false 0.
    private synchronized void register() {
        if (registered) {
            return;
        }
        registered = true;
        Gauge.builder(LAG, this, KafkaLag::lagSeconds)
                .description("Seconds since the oldest Kafka delivery still pending was written (0 when none is)")
                .baseUnit("seconds").strongReference(true).register(registry);
        Gauge.builder(PENDING, pending, AtomicLong::get)
                .description("Kafka deliveries pending (not yet acknowledged by the broker)")
                .strongReference(true).register(registry);
    }

    double lagSeconds() {
        Instant since = oldest.get();
        return since == null ? 0 : Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0);
    }

    private static Instant instant(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof Date d) {
            return d.toInstant();
        }
        return null;
    }
}
