-- The lead's status changes during one local day, as their timeline text ("new → contacted").
SELECT content
FROM note
WHERE lead_id = :#${variable.leadDay[leadId]}
  AND kind = 'status_change'
  AND added_at >= CAST(CAST(:#${variable.leadDay[day]} AS date) AS timestamp) AT TIME ZONE CAST(:#${variable.timeZone} AS text)
  AND added_at < CAST(CAST(:#${variable.leadDay[day]} AS date) + 1 AS timestamp) AT TIME ZONE CAST(:#${variable.timeZone} AS text)
ORDER BY added_at
