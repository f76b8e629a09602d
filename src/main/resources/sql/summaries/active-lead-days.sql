-- The (lead, local day) pairs of a workspace's window that had at least one message, in or out, and
-- have no daily summary yet (or all of them when forced). Read through camel-jdbc as a stream: the
-- range scan runs on index message_by_workspace_time, and rows reach the JVM a fetch at a time.
SELECT d.lead_id AS "leadId", d.day AS "day", l.name AS "leadName"
FROM (
    SELECT m.lead_id, CAST(m.sent_at AT TIME ZONE :?timeZone AS date) AS day
    FROM message m
    WHERE m.workspace_id = :?workspaceId
      AND m.sent_at >= :?windowStart
      AND m.sent_at < :?windowEnd
      AND (CAST(:?leadId AS bigint) = 0 OR m.lead_id = CAST(:?leadId AS bigint))
    GROUP BY 1, 2
) d
JOIN lead l ON l.id = d.lead_id
WHERE CAST(:?force AS boolean)
   OR NOT EXISTS (SELECT 1 FROM note n
                  WHERE n.lead_id = d.lead_id AND n.kind = 'daily_summary' AND n.day = d.day)
ORDER BY d.day, d.lead_id
