-- Before a bulk replay opens: a run of the same reason still "running" whose record has had no progress
-- for admin.replay-stale-run-seconds (its process died or was stopped mid-run; a page of letters takes
-- about a second) is closed as interrupted, which frees the reason. Its letters not yet replayed are
-- matched again by the new run.
UPDATE dead_letter_replay_run
SET status = 'interrupted', finished_at = now(),
    error = 'no progress for ' || CAST(:#${properties:admin.replay-stale-run-seconds} AS integer)
            || ' s: the process running it stopped'
WHERE md5(reason) = md5(:#reason)
  AND status = 'running'
  AND heartbeat_at < now() - make_interval(secs => CAST(:#${properties:admin.replay-stale-run-seconds} AS integer))
