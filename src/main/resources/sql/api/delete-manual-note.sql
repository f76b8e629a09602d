-- DELETE /api/leads/{id}/notes/{noteId}: deletes a manual note; system notes stay. Answers the note's
-- kind and whether it was deleted, or no row when the note is not this lead's in this workspace.
WITH target AS (
    SELECT id, kind FROM note
    WHERE id = :#${variable.noteId} AND lead_id = :#${variable.leadId} AND workspace_id = :#${variable.workspaceId}
), deleted AS (
    DELETE FROM note USING target
    WHERE note.id = target.id AND target.kind = 'manual'
    RETURNING note.id
)
SELECT target.kind, EXISTS (SELECT 1 FROM deleted) AS deleted FROM target
