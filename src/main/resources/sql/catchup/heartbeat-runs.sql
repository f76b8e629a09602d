-- This instance's running catch-up runs are alive. runIds is a PostgreSQL array literal ({12,13}).
UPDATE catchup_run
SET heartbeat_at = now()
WHERE id = ANY (CAST(:#${variable.runIds} AS bigint[]))
  AND status = 'running'
