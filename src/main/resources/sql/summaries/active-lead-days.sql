-- The (lead, local day) pairs of a workspace's window that had at least one message, in or out, and
-- need a note: none yet, or a stale one (all of them when forced). A note is stale when its lead-day
-- has more messages than it covered (a later message, or a late one of a past day: messages are
-- never deleted, so any new one raises the count), or when it was written before its day ended.
-- Read through camel-jdbc as a stream: the range scan is index-only on message_day_coverage, each
-- lead-day's note is one probe of note_one_per_lead_kind_day, and rows reach the JVM a fetch at a time.
-- Each lead-day comes once, so a run writes or rewrites its note at most once.
SELECT d.lead_id AS "leadId", d.day AS "day", l.name AS "leadName"
FROM (
    SELECT m.lead_id, CAST(m.sent_at AT TIME ZONE :?timeZone AS date) AS day,
           count(*) AS messages, max(m.id) AS newest
    FROM message m
    WHERE m.workspace_id = :?workspaceId
      AND m.sent_at >= :?windowStart
      AND m.sent_at < :?windowEnd
      AND (CAST(:?leadId AS bigint) = 0 OR m.lead_id = CAST(:?leadId AS bigint))
    GROUP BY 1, 2
) d
JOIN lead l ON l.id = d.lead_id
LEFT JOIN note n ON n.lead_id = d.lead_id AND n.kind = 'daily_summary' AND n.day = d.day
WHERE CAST(:?force AS boolean)
   OR n.id IS NULL
   OR n.covered_messages IS NULL
   OR d.messages > n.covered_messages
   OR d.newest > n.covered_until_message_id
   OR (n.partial AND now() >= CAST(d.day + 1 AS timestamp) AT TIME ZONE CAST(:?timeZone AS text))
ORDER BY d.day, d.lead_id
