-- A bulk replay run still "running" whose record has had no progress for admin.replay-stale-run-seconds
-- (its process died; a page of letters takes about a second) is closed as interrupted: before a run of
-- its reason opens (reason), which frees the reason, and when it is polled (runId), so that a poll ends.
-- Its letters not replayed yet are matched by the next run of the reason.
UPDATE dead_letter_replay_run
SET status = 'interrupted', finished_at = now(),
    error = 'no progress for ' || CAST(:#${properties:admin.replay-stale-run-seconds} AS integer)
            || ' s: the process running it stopped'
WHERE (md5(reason) = md5(CAST(:#reason AS text)) OR id = CAST(:#runId AS bigint))
  AND status = 'running'
  AND heartbeat_at < now() - make_interval(secs => CAST(:#${properties:admin.replay-stale-run-seconds} AS integer))
