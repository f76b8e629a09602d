-- PATCH /api/leads/{id}: optimistic concurrency in one statement. The update applies only to the
-- version the caller read (else no row: 409); a status change is recorded on the timeline, with who
-- and when, and counts as activity.
WITH updated AS (
    UPDATE lead
    SET status = COALESCE(CAST(:#statusTo AS text), status),
        name = COALESCE(CAST(:#name AS text), name),
        version = version + 1,
        last_activity_at = CASE WHEN CAST(:#statusTo AS text) IS NULL THEN last_activity_at
                                ELSE GREATEST(last_activity_at, now()) END
    WHERE id = :#leadId AND workspace_id = :#workspaceId AND version = :#expectedVersion
    RETURNING id, workspace_id
), recorded AS (
    INSERT INTO note (workspace_id, lead_id, kind, content, added_by, status_from, status_to)
    SELECT workspace_id, id, 'status_change', CAST(:#statusFrom AS text) || ' → ' || CAST(:#statusTo AS text),
           :#author, CAST(:#statusFrom AS text), CAST(:#statusTo AS text)
    FROM updated
    WHERE CAST(:#statusTo AS text) IS NOT NULL
)
SELECT id FROM updated
