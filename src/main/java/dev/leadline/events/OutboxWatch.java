package dev.leadline.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.leadline.observe.PeriodicReading;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * The outbox seen from outside, per kind of subscription (webhook, kafka: two labels, bounded):
 * {@code leadline.events.backlog}, the deliveries still to make, and {@code leadline.events.oldest.age}
 * (seconds), how long the oldest event one of them waits for has waited. Read by one query every refresh
 * period, never per scrape; the age is computed at scrape time from the last read, so it keeps growing while
 * the database cannot be read. The events health check reads the same.
 */
public final class OutboxWatch extends PeriodicReading {

    static final List<String> KINDS = List.of("webhook", "kafka");

    private record State(long backlog, Instant oldest) {
    }

    private final Clock clock;
    private volatile Map<String, State> states = Map.of();

    public OutboxWatch(CamelContext context, DataSource dataSource, MeterRegistry registry, Duration period, Clock clock) {
        super(context, dataSource, "sql/events/outbox-state.sql", "outboxWatch", period);
        this.clock = clock;
        for (String kind : KINDS) {
            Gauge.builder("leadline.events.backlog", this, self -> self.backlog(kind))
                    .description("Deliveries of events still to make (pending), for enabled subscriptions")
                    .tag("kind", kind).strongReference(true).register(registry);
            Gauge.builder("leadline.events.oldest.age", this, self -> self.oldestAgeSeconds(kind))
                    .description("Seconds since the oldest event still to deliver happened (0 when none waits)")
                    .baseUnit("seconds").tag("kind", kind).strongReference(true).register(registry);
        }
    }

    @Override
    protected void read(ResultSet rs) throws SQLException {
        Map<String, State> read = new HashMap<>();
        while (rs.next()) {
            Timestamp oldest = rs.getTimestamp("oldest");
            read.put(rs.getString("kind"), new State(rs.getLong("backlog"), oldest == null ? null : oldest.toInstant()));
        }
        states = read;
    }

    public long backlog(String kind) {
        State state = states.get(kind);
        return state == null ? 0 : state.backlog();
    }

    public double oldestAgeSeconds(String kind) {
        State state = states.get(kind);
        return state == null || state.oldest() == null ? 0
                : Math.max(0, Duration.between(state.oldest(), clock.instant()).toMillis() / 1000.0);
    }

    /** The oldest wait over every kind. */
    public double oldestAgeSeconds() {
        return KINDS.stream().mapToDouble(this::oldestAgeSeconds).max().orElse(0);
    }

    public long backlog() {
        return KINDS.stream().mapToLong(this::backlog).sum();
    }
}
