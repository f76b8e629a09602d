-- GET /api/admin/audit-log: newest first, keyset-paginated on (at, id); all, or one workspace's (the
-- auditWorkspaceFilter variable, from ?workspaceId).
SELECT id, at, actor, token_id AS "tokenId", workspace_id AS "workspaceId", action, target,
       client_address AS "clientAddress"
FROM audit_log
WHERE (CAST(:#${variable.auditWorkspaceFilter} AS bigint) IS NULL
       OR workspace_id = CAST(:#${variable.auditWorkspaceFilter} AS bigint))
  AND (CAST(:#cursorAt AS timestamptz) IS NULL
       OR (at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
ORDER BY at DESC, id DESC
LIMIT :#fetch
