-- The run that kept insert-replay-run.sql from opening another: the newest of the reason (it may have
-- finished in between; its record says so).
SELECT id
FROM dead_letter_replay_run
WHERE md5(reason) = md5(:#reason)
ORDER BY id DESC
LIMIT 1
