-- The run ends (done, partial, failed or misconfigured). A complete pass of the scheduled window moves the
-- watermark to its end (never backwards). Answers the run record.
WITH run AS (
    UPDATE catchup_run
    SET status = :#${variable.runStatus}, error = CAST(:#${variable.runError} AS text), finished_at = now()
    WHERE id = :#${variable.runId}
    RETURNING *
), watermark AS (
    UPDATE workspace w
    SET catchup_watermark = GREATEST(w.catchup_watermark, run.until)
    FROM run
    WHERE w.id = run.workspace_id AND run.status = 'done' AND CAST(:#${variable.window[moveWatermark]} AS boolean)
    RETURNING w.id
)
SELECT id AS "runId", workspace_id AS "workspaceId", trigger, since, until, pages, seen, stored, duplicates,
       dead_lettered AS "deadLettered", status, error, started_at AS "startedAt", finished_at AS "finishedAt"
FROM run
