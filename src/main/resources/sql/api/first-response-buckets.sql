-- The first-response histogram (leadline_first_response_waits_total{le}): every answered wait (lead_response),
-- counted in each bucket it fits (le: at most that many seconds; +Inf all), with the count and the sum of
-- seconds. Over every workspace and all time, so the counts only grow (but for merged leads' rows): read by
-- one instance or several, the figures are the same.
WITH waits AS (
    SELECT extract(epoch FROM answered_at - waited_since) AS seconds FROM lead_response
), bounds AS (
    SELECT b AS bound, CASE WHEN b = 'Infinity' THEN '+Inf' ELSE CAST(CAST(b AS bigint) AS text) END AS le
    FROM unnest(CAST(ARRAY[60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 'Infinity'] AS float8[])) AS b
)
SELECT bounds.le, count(w.seconds) AS waits, (SELECT coalesce(sum(seconds), 0) FROM waits) AS total_seconds
FROM bounds
LEFT JOIN waits w ON w.seconds <= bounds.bound
GROUP BY bounds.le
