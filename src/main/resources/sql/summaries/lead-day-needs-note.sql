-- Read after the claim, in a statement of its own (so in a snapshot taken after it): whether the claimed
-- lead-day still needs a note. The run's list of lead-days was read when it started; since then another
-- run may have written the note (it committed the note before it let go of its claim, so it is visible
-- here). Same rule as active-lead-days.sql: no note, or a stale one (its day has more messages than it
-- covered, or it was written before its day ended); a forced run rewrites notes written before it started.
WITH covered AS (
    SELECT count(*) AS messages, max(m.id) AS newest
    FROM message m
    WHERE m.lead_id = :#leadDayLeadId
      AND m.sent_at >= CAST(CAST(:#leadDayDate AS date) AS timestamp) AT TIME ZONE CAST(:#timeZone AS text)
      AND m.sent_at < CAST(CAST(:#leadDayDate AS date) + 1 AS timestamp) AT TIME ZONE CAST(:#timeZone AS text)
)
SELECT n.id IS NULL
       OR (CAST(:#force AS boolean) AND n.updated_at < r.started_at)
       OR n.covered_messages IS NULL
       OR c.messages > n.covered_messages
       OR c.newest > n.covered_until_message_id
       OR (n.partial AND now() >= CAST(n.day + 1 AS timestamp) AT TIME ZONE CAST(:#timeZone AS text)) AS "needed"
FROM covered c
JOIN summary_run r ON r.id = :#runId
LEFT JOIN note n ON n.lead_id = :#leadDayLeadId AND n.kind = 'daily_summary'
                AND n.day = CAST(:#leadDayDate AS date)
