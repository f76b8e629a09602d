-- A bulk replay's counts after a page of letters (status running: its heartbeat too), or at its end
-- (completed or failed, finished). Only while the record is running: a run closed as interrupted
-- meanwhile (no progress for too long) answers nothing, and stops.
UPDATE dead_letter_replay_run
SET status = :#status,
    error = CAST(:#error AS text),
    matched = :#matched,
    replayed = :#replayed,
    still_dead_lettered = :#stillDeadLettered,
    refused = :#refused,
    failed = :#failed,
    limit_reached = :#limitReached,
    intake = CAST(:#intake AS jsonb),
    problems = CAST(:#problems AS jsonb),
    heartbeat_at = now(),
    finished_at = CASE WHEN CAST(:#finished AS boolean) THEN now() END
WHERE id = :#runId
  AND status = 'running'
RETURNING id
