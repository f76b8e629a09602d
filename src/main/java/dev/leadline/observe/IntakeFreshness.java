package dev.leadline.observe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * The "intake stalled" signal: {@code leadline.intake.newest.message.age} (seconds) per workspace, the
 * age of its newest stored message. The newest times are read by one cheap query every refresh period,
 * never per scrape; the age itself is computed at scrape time, so it keeps growing while nothing arrives
 * (or while the database cannot be read).
 */
public final class IntakeFreshness extends ServiceSupport {

    static final String GAUGE = "leadline.intake.newest.message.age";
    private static final Logger LOG = LoggerFactory.getLogger(IntakeFreshness.class);

    private final CamelContext context;
    private final DataSource dataSource;
    private final MeterRegistry registry;
    private final Duration period;
    private final Clock clock;
    private final Map<Long, Instant> newest = new ConcurrentHashMap<>();
    private String sql;
    private ScheduledExecutorService scheduler;

    public IntakeFreshness(CamelContext context, DataSource dataSource, MeterRegistry registry, Duration period, Clock clock) {
        this.context = context;
        this.dataSource = dataSource;
        this.registry = registry;
        this.period = period;
        this.clock = clock;
    }

    @Override
    protected void doStart() throws IOException {
        try (InputStream in = IntakeFreshness.class.getResourceAsStream("/sql/observe/newest-message-per-workspace.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "intakeFreshness");
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
        } catch (SQLException | RuntimeException e) {
            // The database is down or busy: the ages keep growing from the last known times.
            LOG.debug("Could not read the newest message times: {}", e.getMessage());
        }
    }

    double ageSeconds(long workspaceId) {
        Instant sentAt = newest.get(workspaceId);
        return sentAt == null ? Double.NaN : Math.max(0, Duration.between(sentAt, clock.instant()).toMillis() / 1000.0);
    }
}
