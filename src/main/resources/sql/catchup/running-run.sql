-- The run that kept insert-run.sql from opening another: the workspace's newest (it may have finished in
-- between; its record says so).
SELECT id
FROM catchup_run
WHERE workspace_id = :#${variable.workspace[workspaceId]}
ORDER BY id DESC
LIMIT 1
