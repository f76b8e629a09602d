-- POST /api/admin/workspaces/{id}/tokens: a new token, optionally revoking the workspace's others first.
-- No row when the workspace does not exist.
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
)
SELECT workspace_id AS "workspaceId", created_at AS "createdAt", (SELECT count(*) FROM revoked) AS "revoked"
FROM issued
