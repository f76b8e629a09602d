-- The newest stored message of each workspace (its sent_at, clamped to the receipt time at intake), for
-- the "intake stalled" gauge: one index lookup per workspace (message_day_coverage), no scan.
SELECT w.id AS workspace_id, newest.sent_at AS newest_sent_at
FROM workspace w
CROSS JOIN LATERAL (SELECT max(m.sent_at) AS sent_at FROM message m WHERE m.workspace_id = w.id) newest
WHERE newest.sent_at IS NOT NULL
