-- A lead's messages of one local day, both directions, oldest first. At most the 1000 most recent:
-- far more than the input budget keeps, so the cut stays on the newest.
SELECT direction, type, text, "sentAt"
FROM (
    SELECT id, direction, type, text, sent_at AS "sentAt"
    FROM message
    WHERE lead_id = :#${variable.leadDay[leadId]}
      AND sent_at >= CAST(CAST(:#${variable.leadDay[day]} AS date) AS timestamp) AT TIME ZONE CAST(:#${variable.timeZone} AS text)
      AND sent_at < CAST(CAST(:#${variable.leadDay[day]} AS date) + 1 AS timestamp) AT TIME ZONE CAST(:#${variable.timeZone} AS text)
    ORDER BY sent_at DESC, id DESC
    LIMIT 1000
) recent
ORDER BY "sentAt", id
