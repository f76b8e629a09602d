-- Runs of the workspace still "running" whose instance has missed three heartbeats (one every
-- catchup.heartbeat-seconds: the process died without closing them): closed as interrupted, which lets the
-- workspace's next run open.
UPDATE catchup_run
SET status = 'interrupted', finished_at = now(), error = 'no progress report: the process running it died'
WHERE workspace_id = :#${variable.workspace[workspaceId]}
  AND status = 'running'
  AND COALESCE(heartbeat_at, started_at) < now() - 3 * make_interval(secs => CAST(:#${properties:catchup.heartbeat-seconds} AS integer))
