-- The workspace a delivery is for, with what the intake needs of it.
SELECT id              AS "workspaceId",
       phone_number_id AS "phoneNumberId",
       webhook_secret  AS "webhookSecret",
       default_country AS "defaultCountry",
       created_at      AS "createdAt"
FROM workspace
WHERE phone_number_id = CAST(:#phoneNumberId AS text)
