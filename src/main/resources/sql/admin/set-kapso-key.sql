-- PUT / DELETE /api/admin/workspaces/{id}/kapso-key: the sealed key (KapsoKeys) and the id of the key
-- encryption key that sealed it, or NULL for both to clear it, with its audit row (the key encryption key's
-- id, never the key). Answers the workspace as the admin API shows it: whether a key is set, never the key.
WITH updated AS (
    UPDATE workspace
    SET kapso_api_key_enc = CAST(:#kapsoKeyEnc AS text),
        kapso_api_key_id = CAST(:#kapsoKeyId AS text)
    WHERE id = :#workspaceId
    RETURNING id, name, phone_number_id AS "phoneNumberId", default_country AS "defaultCountry", time_zone AS "timeZone",
              created_at AS "createdAt", kapso_api_key_enc IS NOT NULL AS "kapsoKeySet", kapso_api_key_id
), audit AS (
    INSERT INTO audit_log (actor, workspace_id, action, target, client_address)
    SELECT 'admin', id, CASE WHEN "kapsoKeySet" THEN 'kapso-key.set' ELSE 'kapso-key.clear' END,
           jsonb_strip_nulls(jsonb_build_object('workspaceId', id, 'keyId', kapso_api_key_id)),
           :#${variable.clientAddress}
    FROM updated
)
SELECT id, name, "phoneNumberId", "defaultCountry", "timeZone", "createdAt", "kapsoKeySet" FROM updated
