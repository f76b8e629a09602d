package dev.leadline.events;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox seen from outside, per kind of subscription (webhook, kafka: two labels, bounded):
 * {@code leadline.events.backlog}, the deliveries still to make, and {@code leadline.events.oldest.age}
 * (seconds), how long the oldest event one of them waits for has waited. Read by one query every refresh
 * period, never per scrape; the age is computed at scrape time from the last read, so it keeps growing while
 * the database cannot be read. The events health check reads the same.
 */
public final class OutboxWatch extends ServiceSupport {

    static final List<String> KINDS = List.of("webhook", "kafka");
    private static final Logger LOG = LoggerFactory.getLogger(OutboxWatch.class);

    private record State(long backlog, Instant oldest) {
    }

    private final CamelContext context;
    private final DataSource dataSource;
    private final Duration period;
    private final Clock clock;
    private volatile Map<String, State> states = Map.of();
    private String sql;
    private ScheduledExecutorService scheduler;

    public OutboxWatch(CamelContext context, DataSource dataSource, MeterRegistry registry, Duration period, Clock clock) {
        this.context = context;
        this.dataSource = dataSource;
        this.period = period;
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
    protected void doStart() throws IOException {
        try (InputStream in = OutboxWatch.class.getResourceAsStream("/sql/events/outbox-state.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "outboxWatch");
        scheduler.scheduleWithFixedDelay(this::refresh, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (scheduler != null) {
            context.getExecutorServiceManager().shutdownNow(scheduler);
            scheduler = null;
        }
    }

    void refresh() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            Map<String, State> read = new HashMap<>();
            while (rs.next()) {
                Timestamp oldest = rs.getTimestamp("oldest");
                read.put(rs.getString("kind"), new State(rs.getLong("backlog"), oldest == null ? null : oldest.toInstant()));
            }
            states = read;
        } catch (SQLException | RuntimeException e) {
            // The database is down or busy: the ages keep growing from the last read.
            LOG.debug("Could not read the outbox's state: {}", e.getMessage());
        }
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
