-- GET /api/admin/dead-letters/replay-runs/{id}: a bulk replay's record (BulkReplay.run shapes intake and
-- problems, stored as JSON).
SELECT id, status, reason, max_letters AS "limit", matched, replayed, still_dead_lettered AS "stillDeadLettered",
       refused, failed, limit_reached AS "limitReached", CAST(intake AS text) AS intake,
       CAST(problems AS text) AS problems, error, started_at AS "startedAt", heartbeat_at AS "heartbeatAt",
       finished_at AS "finishedAt"
FROM dead_letter_replay_run
WHERE id = :#${variable.replayRunId}
