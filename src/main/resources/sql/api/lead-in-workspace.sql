-- Whether lead {id} exists in the caller's workspace: another workspace's lead is "not found".
SELECT id FROM lead WHERE id = :#${variable.leadId} AND workspace_id = :#${variable.workspaceId}
