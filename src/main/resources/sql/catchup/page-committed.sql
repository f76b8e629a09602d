-- A page is stored: its counts go on the run record (which is alive, then) and, when the listing comes
-- oldest first, the watermark moves to its newest message (never backwards), in one statement.
WITH run AS (
    UPDATE catchup_run
    SET pages = pages + 1,
        seen = seen + CAST(:#${variable.page[seen]} AS int),
        stored = stored + CAST(:#${body[stored]} AS int),
        duplicates = duplicates + CAST(:#${body[duplicates]} AS int),
        dead_lettered = dead_lettered + CAST(:#${body[deadLettered]} AS int),
        heartbeat_at = now()
    WHERE id = :#${variable.runId}
    RETURNING workspace_id
)
UPDATE workspace
SET catchup_watermark = GREATEST(catchup_watermark, CAST(:#${variable.advanceTo} AS timestamptz))
WHERE id = (SELECT workspace_id FROM run) AND CAST(:#${variable.advanceTo} AS timestamptz) IS NOT NULL
