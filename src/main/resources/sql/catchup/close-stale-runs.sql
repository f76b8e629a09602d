-- Runs of the workspace still "running" whose instance has not reported them alive for
-- catchup.stale-run-seconds (the heartbeat, every catchup.heartbeat-seconds, stopped: the process died
-- without closing them): closed as interrupted, which lets the workspace's next run open.
UPDATE catchup_run
SET status = 'interrupted', finished_at = now(), error = 'no progress report: the process running it died'
WHERE workspace_id = :#${variable.workspace[workspaceId]}
  AND status = 'running'
  AND COALESCE(heartbeat_at, started_at) < now() - make_interval(secs => CAST(:#${properties:catchup.stale-run-seconds} AS integer))
