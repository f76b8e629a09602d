-- The workspaces that own a business number a (Meta) delivery names, with what the intake needs of
-- each: the numbers are bound as one JSON array of strings, never spliced into the statement.
SELECT id              AS "workspaceId",
       phone_number_id AS "phoneNumberId",
       webhook_secret  AS "webhookSecret",
       default_country AS "defaultCountry",
       created_at      AS "createdAt"
FROM workspace
WHERE phone_number_id IN (SELECT jsonb_array_elements_text(CAST(:#phoneNumberIds AS jsonb)))
ORDER BY id
