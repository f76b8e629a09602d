-- POST /api/admin/workspaces/{id}/tokens: a new token, optionally revoking the workspace's others first, with
-- its audit row (the new token's id and how many were revoked). No row when the workspace does not exist.
WITH ws AS (
    SELECT id FROM workspace WHERE id = :#workspaceId
), revoked AS (
    UPDATE api_token SET revoked_at = now()
    WHERE workspace_id IN (SELECT id FROM ws) AND revoked_at IS NULL AND CAST(:#revokeExisting AS boolean)
    RETURNING id
), issued AS (
    INSERT INTO api_token (workspace_id, token_sha256)
    SELECT id, :#tokenSha256 FROM ws
    RETURNING id, workspace_id, created_at
), audit AS (
    INSERT INTO audit_log (actor, workspace_id, action, target, client_address)
    SELECT 'admin', workspace_id, 'token.issue',
           jsonb_build_object('workspaceId', workspace_id, 'tokenId', id,
                              'revokedTokenIds', (SELECT coalesce(jsonb_agg(r.id ORDER BY r.id), '[]') FROM revoked r)),
           :#${variable.clientAddress}
    FROM issued
)
SELECT workspace_id AS "workspaceId", created_at AS "createdAt", (SELECT count(*) FROM revoked) AS "revoked"
FROM issued
