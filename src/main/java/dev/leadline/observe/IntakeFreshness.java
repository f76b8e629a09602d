package dev.leadline.observe;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * The "intake stalled" signal: {@code leadline.intake.newest.message.age} (seconds) per workspace, the
 * age of its newest stored message. The newest times are read by one cheap query every refresh period,
 * never per scrape; the age itself is computed at scrape time, so it keeps growing while nothing arrives
 * (or while the database cannot be read).
 */
public final class IntakeFreshness extends PeriodicReading {

    static final String GAUGE = "leadline.intake.newest.message.age";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<Long, Instant> newest = new ConcurrentHashMap<>();

    public IntakeFreshness(CamelContext context, DataSource dataSource, MeterRegistry registry, Duration period, Clock clock) {
        super(context, dataSource, "sql/observe/newest-message-per-workspace.sql", "intakeFreshness", period);
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    protected void read(ResultSet rs) throws SQLException {
        while (rs.next()) {
            long workspaceId = rs.getLong(1);
            Instant sentAt = rs.getTimestamp(2).toInstant();
            if (newest.put(workspaceId, sentAt) == null) {
                Gauge.builder(GAUGE, this, self -> self.ageSeconds(workspaceId))
                        .description("Seconds since the newest stored message of the workspace (intake stalled when it grows)")
                        .baseUnit("seconds").tag("workspace", String.valueOf(workspaceId))
                        .strongReference(true).register(registry);
            }
        }
    }

    double ageSeconds(long workspaceId) {
        Instant sentAt = newest.get(workspaceId);
        return sentAt == null ? Double.NaN : Math.max(0, Duration.between(sentAt, clock.instant()).toMillis() / 1000.0);
    }
}
