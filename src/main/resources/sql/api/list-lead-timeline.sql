-- GET /api/leads/{id}/timeline: notes newest first, keyset-paginated on (added_at, id) along index
-- note_timeline, in one round trip with the check that the lead is in the caller's workspace: no row
-- at all means no such lead (404); a lead without notes answers one row of NULLs.
WITH target AS (
    SELECT id FROM lead WHERE id = :#leadId AND workspace_id = :#workspaceId
)
SELECT page.*
FROM target
LEFT JOIN LATERAL (
    SELECT id, kind, content, added_by AS "addedBy", added_at AS "addedAt", day, generator,
           prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens",
           status_from AS "statusFrom", status_to AS "statusTo"
    FROM note
    WHERE lead_id = target.id
      AND (CAST(:#kind AS text) IS NULL OR kind = CAST(:#kind AS text))
      AND (CAST(:#fromAt AS timestamptz) IS NULL OR added_at >= CAST(:#fromAt AS timestamptz))
      AND (CAST(:#toAt AS timestamptz) IS NULL OR added_at < CAST(:#toAt AS timestamptz))
      AND (CAST(:#cursorAt AS timestamptz) IS NULL
           OR (added_at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
    ORDER BY added_at DESC, id DESC
    LIMIT :#fetch
) page ON true
