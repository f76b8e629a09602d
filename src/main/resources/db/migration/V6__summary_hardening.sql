-- Issue 9: a daily summary knows what it covered, so a later run can tell that its lead-day has grown;
-- a rewrite keeps the note's place on the timeline; one run per workspace and day range at a time.

-- What a daily summary covered: the lead-day's message count and newest message id when its messages
-- were read. Messages are never deleted, so a later message of the day, however late it arrives and
-- whatever its sent_at, raises the count: the note is stale. partial: written before its day ended.
ALTER TABLE note
    ADD COLUMN covered_messages          integer,
    ADD COLUMN covered_until_message_id  bigint,
    ADD COLUMN partial                   boolean NOT NULL DEFAULT false,
    ADD COLUMN updated_at                timestamptz NOT NULL DEFAULT now();

-- A rewrite moves updated_at, never added_at (the timeline's cursor key).
UPDATE note SET updated_at = added_at;

-- Existing summaries covered the messages of their day that had been received when they were written.
UPDATE note n
SET covered_messages = c.messages,
    covered_until_message_id = c.newest,
    partial = c.partial
FROM (SELECT s.id, cov.messages, cov.newest,
             s.added_at < CAST(s.day + 1 AS timestamp) AT TIME ZONE w.time_zone AS partial
      FROM note s
      JOIN workspace w ON w.id = s.workspace_id
      CROSS JOIN LATERAL (SELECT count(*) AS messages, max(m.id) AS newest
                          FROM message m
                          WHERE m.lead_id = s.lead_id
                            AND m.sent_at >= CAST(s.day AS timestamp) AT TIME ZONE w.time_zone
                            AND m.sent_at < CAST(s.day + 1 AS timestamp) AT TIME ZONE w.time_zone
                            AND m.received_at <= s.added_at) cov
      WHERE s.kind = 'daily_summary') c
WHERE n.id = c.id;

-- The run's scan of a workspace's window counts each lead-day's messages and finds its newest id:
-- with lead_id and id in the index, that is an index-only scan. It serves everything the narrower
-- index served (same key), so that one goes: one index to maintain per stored message, not two.
CREATE INDEX message_day_coverage ON message (workspace_id, sent_at) INCLUDE (lead_id, id);
DROP INDEX message_by_workspace_time;

-- One run per workspace and day range (and lead, for a one-lead run) at a time, across instances: a
-- second one is refused (409 with the running run's id) instead of paying the LLM twice.
-- The stale-run sweep (summaries.stale-run-minutes) frees the key of a run whose process died.
-- Duplicates that are already open are closed first (the newest of each key stays).
UPDATE summary_run r
SET status = 'interrupted', finished_at = now(), error = 'closed by migration V6: a newer run of the same days was running'
WHERE r.status = 'running'
  AND EXISTS (SELECT 1 FROM summary_run o
              WHERE o.status = 'running' AND o.id > r.id AND o.workspace_id = r.workspace_id
                AND o.first_day = r.first_day AND o.last_day = r.last_day
                AND COALESCE(o.lead_id, 0) = COALESCE(r.lead_id, 0));
CREATE UNIQUE INDEX summary_run_one_running ON summary_run (workspace_id, first_day, last_day, COALESCE(lead_id, 0))
    WHERE status = 'running';

-- How many notes a run rewrote in place because their lead-day had grown (included in notes_written).
ALTER TABLE summary_run ADD COLUMN notes_rewritten integer NOT NULL DEFAULT 0;
