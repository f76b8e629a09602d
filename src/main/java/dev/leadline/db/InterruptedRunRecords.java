package dev.leadline.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the service stops during runs of a kind (summary runs, catch-up runs, bulk replays), their records
 * are closed as interrupted at once instead of staying "running" until stale, which would hold the next run
 * of the same scope back (409) that long. What they had not done is done by the next run. A process killed
 * outright cannot do this: each kind closes its stale runs by their heartbeat. Added to the context after
 * the database, so stopped before it.
 */
public final class InterruptedRunRecords extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(InterruptedRunRecords.class);

    private final DataSource dataSource;
    private final String runs;
    private final String statement;
    private final Supplier<Set<Long>> open;

    /**
     * @param runs      what the runs are, for the log ("summary runs")
     * @param statement a classpath SQL file closing the runs whose ids its one parameter (a bigint array) holds
     * @param open      this instance's running runs
     */
    public InterruptedRunRecords(DataSource dataSource, String runs, String statement, Supplier<Set<Long>> open) {
        this.dataSource = dataSource;
        this.runs = runs;
        this.statement = SqlFile.read(statement);
        this.open = open;
    }

    @Override
    protected void doStop() {
        Set<Long> ids = open.get();
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            LOG.warn("Stopping during {} {}: {} marked interrupted", runs, ids, ps.executeUpdate());
        } catch (SQLException e) {
            LOG.warn("Could not mark {} {} interrupted: {}", runs, ids, e.getMessage());
        }
    }
}
