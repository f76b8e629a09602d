-- Catch-up runs that end however they end, one at a time per workspace, and say what was wrong.

-- A run ends as: done (the whole window read), partial (stopped at catchup.max-pages-per-run: its share
-- of the fire; the next run goes on from the watermark), failed (Kapso failed, or answered what leadline
-- will not read: a repeated cursor, a page over catchup.max-page-bytes; or leadline failed), misconfigured
-- (the workspace's configuration: Kapso refused its key, 401/403, or knows no such number under it, 404),
-- or interrupted (its process died or stopped: closed by the workspace's next run once stale).
-- The former 'unauthorized' is a configuration problem: such runs become 'misconfigured'.
ALTER TABLE catchup_run DROP CONSTRAINT catchup_run_status_check;
UPDATE catchup_run SET status = 'misconfigured' WHERE status = 'unauthorized';
ALTER TABLE catchup_run ADD CONSTRAINT catchup_run_status_check
    CHECK (status IN ('running', 'done', 'partial', 'failed', 'misconfigured', 'interrupted'));

-- Records of a page that are no message Kapso's API describes, kept as dead letters.
ALTER TABLE catchup_run ADD COLUMN dead_lettered int NOT NULL DEFAULT 0;

-- A running run's instance reports it alive every catchup.heartbeat-seconds; a run with no report for
-- catchup.stale-run-seconds (its process died) is closed as interrupted by the workspace's next run.
-- NULL until the first report: started_at counts then.
ALTER TABLE catchup_run ADD COLUMN heartbeat_at timestamptz;

-- One running catch-up per workspace, across instances: a second is refused (a manual one with 409 and
-- the running run's id; a scheduled one skips the workspace). Runs left running by an earlier release
-- (nothing closed them) are closed first.
UPDATE catchup_run
SET status = 'interrupted', finished_at = now(), error = 'closed by migration V17: left running'
WHERE status = 'running';
CREATE UNIQUE INDEX catchup_run_one_running ON catchup_run (workspace_id) WHERE status = 'running';
