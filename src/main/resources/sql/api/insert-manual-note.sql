-- POST /api/leads/{id}/notes: a manual note on the lead's timeline. The lead was checked against the
-- caller's workspace before.
INSERT INTO note (workspace_id, lead_id, kind, content, added_by)
VALUES (:#${variable.workspaceId}, :#${variable.leadId}, 'manual', :#content, :#author)
RETURNING id, kind, content, added_by AS "addedBy", added_at AS "addedAt", day, generator
