package dev.leadline.observe;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.leadline.db.SqlFile;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reading for gauges: one statement (a classpath SQL file), run every period on a thread of its own, never
 * per scrape. A failed reading (the database down or busy) keeps the last one: gauges that compute an age at
 * scrape time keep it growing.
 */
public abstract class PeriodicReading extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicReading.class);

    private final CamelContext context;
    private final DataSource dataSource;
    private final String statement;
    private final String threadName;
    private final Duration period;
    private String sql;
    private ScheduledExecutorService scheduler;

    protected PeriodicReading(CamelContext context, DataSource dataSource, String statement, String threadName, Duration period) {
        this.context = context;
        this.dataSource = dataSource;
        this.statement = statement;
        this.threadName = threadName;
        this.period = period;
    }

    /** Takes the rows of one reading. */
    protected abstract void read(ResultSet rows) throws SQLException;

    @Override
    protected void doStart() {
        sql = SqlFile.read(statement);
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, threadName);
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
            read(rs);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not read {} ({}): {}", threadName, statement, e.getMessage());
        }
    }
}
