-- The lead's status and version, for PATCH to check its transition and precondition against.
SELECT id, status, version FROM lead
WHERE id = :#${variable.leadId} AND workspace_id = :#${variable.workspaceId}
