package dev.leadline.catchup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the service stops during catch-up runs, their records are closed as interrupted at once, instead of
 * staying "running" until stale: the workspace's next run (the start-up catch-up of the next start, first
 * of all) may open. What they had not read is read by that run, from the watermark. (A process killed outright
 * cannot do this; open-catch-up-run closes such runs once stale.)
 */
public final class InterruptedCatchUpRuns extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(InterruptedCatchUpRuns.class);

    static final String MARK_INTERRUPTED = """
            UPDATE catchup_run
            SET status = 'interrupted', finished_at = now(), error = 'the service stopped during the run'
            WHERE id = ANY (CAST(? AS bigint[])) AND status = 'running'
            """;

    private final DataSource dataSource;
    private final CatchUpRuns runs;

    public InterruptedCatchUpRuns(DataSource dataSource, CatchUpRuns runs) {
        this.dataSource = dataSource;
        this.runs = runs;
    }

    @Override
    protected void doStop() {
        String open = runs.activeRunIdArray();
        if (open == null) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MARK_INTERRUPTED)) {
            ps.setString(1, open);
            LOG.warn("Stopping during catch-up runs {}: {} marked interrupted", open, ps.executeUpdate());
        } catch (SQLException e) {
            LOG.warn("Could not mark catch-up runs {} interrupted: {}", open, e.getMessage());
        }
    }
}
