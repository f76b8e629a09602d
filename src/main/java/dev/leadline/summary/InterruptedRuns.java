package dev.leadline.summary;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the service stops during a summary run, the run's record is closed as interrupted instead of
 * staying "running" for ever. Its lead-days without a note are picked up by the next run anyway.
 * (A process that is killed outright cannot do this; open-summary-run closes such runs once stale.)
 */
public final class InterruptedRuns extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(InterruptedRuns.class);

    static final String MARK_INTERRUPTED = """
            UPDATE summary_run
            SET status = 'interrupted', finished_at = now(), error = 'the service stopped during the run'
            WHERE id = ANY (?) AND status = 'running'
            """;

    private final DataSource dataSource;
    private final SummaryRunTally tally;

    public InterruptedRuns(DataSource dataSource, SummaryRunTally tally) {
        this.dataSource = dataSource;
        this.tally = tally;
    }

    @Override
    protected void doStop() {
        Set<Long> open = tally.activeRunIds();
        if (open.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MARK_INTERRUPTED)) {
            ps.setArray(1, c.createArrayOf("bigint", open.toArray()));
            LOG.warn("Stopping during summary runs {}: {} marked interrupted", open, ps.executeUpdate());
        } catch (SQLException e) {
            LOG.warn("Could not mark summary runs {} interrupted: {}", open, e.getMessage());
        }
    }
}
