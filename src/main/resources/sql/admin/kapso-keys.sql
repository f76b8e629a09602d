-- POST /api/admin/kapso-keys/re-encrypt: every stored Kapso API key, sealed, with the id of the key
-- encryption key that sealed it (NULL: sealed before key ids were recorded).
SELECT id AS "workspaceId", kapso_api_key_enc AS "keyEnc", kapso_api_key_id AS "keyId"
FROM workspace
WHERE kapso_api_key_enc IS NOT NULL
ORDER BY id
