package dev.leadline.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the service stops during a bulk dead-letter replay, the run's record is closed as interrupted at
 * once, instead of holding its reason (409 to the next request) until admin.replay-stale-run-seconds have
 * passed. Its letters not yet replayed are matched by the next run of the reason. (A process that is
 * killed outright cannot do this; the next request of the reason, or a poll, closes such a run once stale.)
 */
public final class InterruptedReplays extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(InterruptedReplays.class);

    static final String MARK_INTERRUPTED = """
            UPDATE dead_letter_replay_run
            SET status = 'interrupted', finished_at = now(), error = 'the service stopped during the run'
            WHERE id = ANY (?) AND status = 'running'
            """;

    private final DataSource dataSource;
    private final BulkReplay bulkReplay;

    public InterruptedReplays(DataSource dataSource, BulkReplay bulkReplay) {
        this.dataSource = dataSource;
        this.bulkReplay = bulkReplay;
    }

    @Override
    protected void doStop() {
        Set<Long> open = bulkReplay.activeRunIds();
        if (open.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(MARK_INTERRUPTED)) {
            ps.setArray(1, c.createArrayOf("bigint", open.toArray()));
            LOG.warn("Stopping during bulk replay runs {}: {} marked interrupted", open, ps.executeUpdate());
        } catch (SQLException e) {
            LOG.warn("Could not mark bulk replay runs {} interrupted: {}", open, e.getMessage());
        }
    }
}
