-- POST /api/admin/workspaces: the workspace and its first API token (only the token's hash is kept).
-- A phone_number_id another workspace has answers no row: 409.
WITH ws AS (
    INSERT INTO workspace (name, phone_number_id, webhook_secret, default_country, time_zone)
    VALUES (:#name, :#phoneNumberId, :#webhookSecret, :#defaultCountry, :#timeZone)
    ON CONFLICT (phone_number_id) DO NOTHING
    RETURNING id, name, phone_number_id, default_country, time_zone, created_at
), token AS (
    INSERT INTO api_token (workspace_id, token_sha256)
    SELECT id, :#tokenSha256 FROM ws
)
SELECT id, name, phone_number_id AS "phoneNumberId", default_country AS "defaultCountry", time_zone AS "timeZone",
       created_at AS "createdAt", false AS "kapsoKeySet"
FROM ws
