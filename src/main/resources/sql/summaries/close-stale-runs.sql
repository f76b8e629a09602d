-- Runs of the workspace still "running" long after they started belong to a process that died without
-- closing them (a stopping service closes its own): closed as interrupted.
UPDATE summary_run
SET status = 'interrupted', finished_at = now(), error = 'no progress report: the process running it died'
WHERE workspace_id = :#${variable.workspaceId}
  AND status = 'running'
  AND started_at < now() - make_interval(mins => CAST(:#${properties:summaries.stale-run-minutes} AS integer))
