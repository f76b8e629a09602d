-- PUT / DELETE /api/admin/workspaces/{id}/kapso-key: the sealed key (KapsoKeys) and the id of the key
-- encryption key that sealed it, or NULL for both to clear it. Answers the workspace as the admin API
-- shows it: whether a key is set, never the key.
UPDATE workspace
SET kapso_api_key_enc = CAST(:#kapsoKeyEnc AS text),
    kapso_api_key_id = CAST(:#kapsoKeyId AS text)
WHERE id = :#workspaceId
RETURNING id, name, phone_number_id AS "phoneNumberId", default_country AS "defaultCountry", time_zone AS "timeZone",
          created_at AS "createdAt", kapso_api_key_enc IS NOT NULL AS "kapsoKeySet"
