-- This instance's running runs are alive: their heartbeat moves, and the leases of the lead-days they
-- hold are renewed, in one statement. runIds is a PostgreSQL array literal ({12,13}).
WITH alive AS (
    UPDATE summary_run
    SET heartbeat_at = now()
    WHERE id = ANY (CAST(:#${variable.runIds} AS bigint[]))
      AND status = 'running'
    RETURNING id
)
UPDATE summary_claim
SET expires_at = now() + make_interval(secs => CAST(:#${properties:summaries.claim-lease-seconds} AS integer))
WHERE run_id IN (SELECT id FROM alive)
