-- The workspace a bearer token belongs to, and the token's id (the audit log's who); revoked tokens find nothing.
SELECT w.id AS "workspaceId", t.id AS "tokenId", w.default_country AS "defaultCountry", w.time_zone AS "timeZone"
FROM api_token t
JOIN workspace w ON w.id = t.workspace_id
WHERE t.token_sha256 = :#tokenHash
  AND t.revoked_at IS NULL
