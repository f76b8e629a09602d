-- Runs of the workspace still "running" whose instance has not reported them alive for
-- summaries.stale-run-seconds (the heartbeat, every summaries.heartbeat-seconds, stopped: the process died
-- without closing them; a stopping service closes its own): closed as interrupted, which frees their days.
UPDATE summary_run
SET status = 'interrupted', finished_at = now(), error = 'no progress report: the process running it died'
WHERE workspace_id = :#${variable.workspaceId}
  AND status = 'running'
  AND COALESCE(heartbeat_at, started_at) < now() - make_interval(secs => CAST(:#${properties:summaries.stale-run-seconds} AS integer))
