-- PATCH /api/admin/workspaces/{id}: rotate the webhook secret, change the name, country or time zone.
UPDATE workspace
SET name = COALESCE(CAST(:#name AS text), name),
    webhook_secret = COALESCE(CAST(:#webhookSecret AS text), webhook_secret),
    default_country = COALESCE(CAST(:#defaultCountry AS text), default_country),
    time_zone = COALESCE(CAST(:#timeZone AS text), time_zone)
WHERE id = :#workspaceId
RETURNING id, name, phone_number_id AS "phoneNumberId", default_country AS "defaultCountry", time_zone AS "timeZone",
          created_at AS "createdAt", kapso_api_key_enc IS NOT NULL AS "kapsoKeySet"
