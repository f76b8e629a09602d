-- The workspaces that keep their messages for a limited number of days.
SELECT id AS "workspaceId", retention_days AS "retentionDays"
FROM workspace
WHERE retention_days IS NOT NULL
ORDER BY id
