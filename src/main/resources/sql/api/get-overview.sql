-- GET /api/overview: the page's view when no lead is picked, as one JSON document (the Overview schema):
-- leads per status (index lead_by_status_activity), waiting and overdue (lead_inbox_awaiting), new today (the
-- workspace's calendar), and per day of the last 14 the answered waits with the median and p90 time to
-- first response (lead_response_by_day). Days without an answer are there, with answered 0.
WITH w AS (
    SELECT id, time_zone, reply_target_minutes, CAST(now() AT TIME ZONE time_zone AS date) AS today
    FROM workspace WHERE id = :#workspaceId
), per_status AS (
    SELECT coalesce(jsonb_object_agg(status, n), '{}'::jsonb) AS counts
    FROM (SELECT l.status, count(*) AS n FROM lead l, w WHERE l.workspace_id = w.id GROUP BY l.status) s
), waiting AS (
    SELECT count(*) AS waiting,
           count(*) FILTER (WHERE lead_overdue(i.awaiting_since, w.reply_target_minutes)) AS overdue
    FROM lead_inbox i, w
    WHERE i.workspace_id = w.id AND i.awaiting_since IS NOT NULL
), new_today AS (
    SELECT count(*) AS n
    FROM lead l, w
    WHERE l.workspace_id = w.id AND l.created_at >= CAST(w.today AS timestamp) AT TIME ZONE w.time_zone
), days AS (
    SELECT CAST(d AS date) AS day FROM w, generate_series(w.today - 13, w.today, interval '1 day') d
), responses AS (
    SELECT r.day, count(*) AS answered,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.answered_at - r.waited_since)) AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM r.answered_at - r.waited_since)) AS p90
    FROM lead_response r, w
    WHERE r.workspace_id = w.id AND r.day >= w.today - 13
    GROUP BY r.day
)
SELECT jsonb_build_object(
           'statusCounts', (SELECT counts FROM per_status),
           'waiting', waiting.waiting,
           'overdue', waiting.overdue,
           'newToday', (SELECT n FROM new_today),
           'replyTargetMinutes', w.reply_target_minutes,
           'responseTimes', (SELECT jsonb_agg(jsonb_build_object('day', d.day, 'answered', coalesce(r.answered, 0),
                                                                 'medianSeconds', round(r.median),
                                                                 'p90Seconds', round(r.p90)) ORDER BY d.day)
                             FROM days d LEFT JOIN responses r ON r.day = d.day)) AS overview
FROM w, waiting
