-- A lead's local day in one round trip, oldest first: its messages in both directions, with their
-- current text, delivery status and deletion (the 1000 most
-- recent: far more than the input budget keeps, so the cut stays on the newest) and its status
-- changes (their timeline text, "new → contacted"). Every row also carries what the note will cover:
-- the day's message count and newest message id, read in the same snapshot as the messages.
WITH bounds AS (
    SELECT CAST(CAST(:#leadDayDate AS date) AS timestamp) AT TIME ZONE CAST(:#timeZone AS text) AS day_start,
           CAST(CAST(:#leadDayDate AS date) + 1 AS timestamp) AT TIME ZONE CAST(:#timeZone AS text) AS day_end
), covered AS (
    SELECT count(*) AS messages, max(m.id) AS newest
    FROM message m, bounds b
    WHERE m.lead_id = :#leadDayLeadId AND m.sent_at >= b.day_start AND m.sent_at < b.day_end
)
SELECT kind, direction, type, text, "sentAt", status, "deletedAt", c.messages AS "coveredMessages", c.newest AS "coveredUntilMessageId"
FROM (
    (SELECT 'message' AS kind, m.id, m.direction, m.type, m.text, m.sent_at AS "sentAt", m.status,
            m.deleted_at AS "deletedAt"
     FROM message m, bounds b
     WHERE m.lead_id = :#leadDayLeadId AND m.sent_at >= b.day_start AND m.sent_at < b.day_end
     ORDER BY m.sent_at DESC, m.id DESC
     LIMIT 1000)
    UNION ALL
    (SELECT 'status_change', n.id, NULL, NULL, n.content, n.added_at, NULL, NULL
     FROM note n, bounds b
     WHERE n.lead_id = :#leadDayLeadId AND n.kind = 'status_change'
       AND n.added_at >= b.day_start AND n.added_at < b.day_end)
) day_events, covered c
ORDER BY "sentAt", id
