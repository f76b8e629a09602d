-- GET /api/leads/{id}/timeline: notes newest first, keyset-paginated on (added_at, id), in one round
-- trip with the check that the lead is in the caller's workspace: no row at all means no such lead
-- (404); a lead without notes answers one row of NULLs. added_at never moves (a rewritten summary
-- moves updated_at), so a cursor walk neither skips nor repeats a note.
-- from/to (local dates) filter a daily summary by the day it covers, any other note by the local date
-- of added_at. Two branches, each on its index, merged: other kinds walk note_timeline along
-- (lead_id, added_at DESC, id DESC); daily summaries walk it too, or, with from/to, take their day range
-- from note_one_per_lead_kind_day (lead_id, kind, day). Each branch stops at a page.
WITH target AS (
    SELECT id FROM lead WHERE id = :#leadId AND workspace_id = :#workspaceId
)
SELECT page.*
FROM target
LEFT JOIN LATERAL (
    SELECT id, kind, content, added_by AS "addedBy", added_at AS "addedAt", updated_at AS "updatedAt", day,
           CASE WHEN kind = 'daily_summary' THEN partial END AS partial, generator,
           prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens", trim_scale(cost_usd) AS "costUsd",
           offline_reason AS "offlineReason", structured, unstructured_reason AS "unstructuredReason",
           status_from AS "statusFrom", status_to AS "statusTo"
    FROM (
        (SELECT *
         FROM note
         WHERE lead_id = target.id
           AND kind <> 'daily_summary'
           AND (CAST(:#kind AS text) IS NULL OR kind = CAST(:#kind AS text))
           AND (CAST(:#fromAt AS timestamptz) IS NULL OR added_at >= CAST(:#fromAt AS timestamptz))
           AND (CAST(:#toAt AS timestamptz) IS NULL OR added_at < CAST(:#toAt AS timestamptz))
           AND (CAST(:#cursorAt AS timestamptz) IS NULL
                OR (added_at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
         ORDER BY added_at DESC, id DESC
         LIMIT :#fetch)
        UNION ALL
        (SELECT *
         FROM note
         WHERE lead_id = target.id
           AND kind = 'daily_summary'
           AND (CAST(:#kind AS text) IS NULL OR CAST(:#kind AS text) = 'daily_summary')
           AND (CAST(:#fromDay AS date) IS NULL OR day >= CAST(:#fromDay AS date))
           AND (CAST(:#toDay AS date) IS NULL OR day <= CAST(:#toDay AS date))
           AND (CAST(:#cursorAt AS timestamptz) IS NULL
                OR (added_at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
         ORDER BY added_at DESC, id DESC
         LIMIT :#fetch)
    ) notes
    ORDER BY added_at DESC, id DESC
    LIMIT :#fetch
) page ON true
