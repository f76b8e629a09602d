-- POST /api/admin/workspaces: the workspace and its first API token (only the token's hash is kept), and its
-- audit row (the settings given; the webhook secret by name only). A phone_number_id another workspace has
-- answers no row: 409.
WITH ws AS (
    INSERT INTO workspace (name, phone_number_id, webhook_secret, default_country, time_zone)
    VALUES (:#name, :#phoneNumberId, :#webhookSecret, :#defaultCountry, :#timeZone)
    ON CONFLICT (phone_number_id) DO NOTHING
    RETURNING id, name, phone_number_id, default_country, time_zone, created_at
), token AS (
    INSERT INTO api_token (workspace_id, token_sha256)
    SELECT id, :#tokenSha256 FROM ws
    RETURNING id
), audit AS (
    INSERT INTO audit_log (actor, workspace_id, action, target, client_address)
    SELECT 'admin', ws.id, 'workspace.create',
           jsonb_build_object('workspaceId', ws.id, 'tokenId', token.id,
                              'settings', jsonb_build_object('name', ws.name, 'phoneNumberId', ws.phone_number_id,
                                                             'defaultCountry', ws.default_country,
                                                             'timeZone', ws.time_zone),
                              'secretsSet', jsonb_build_array('webhookSecret')),
           :#${variable.clientAddress}
    FROM ws, token
)
SELECT id, name, phone_number_id AS "phoneNumberId", default_country AS "defaultCountry", time_zone AS "timeZone",
       created_at AS "createdAt", false AS "kapsoKeySet"
FROM ws
