-- GET /api/admin/workspaces: every workspace with its count of active tokens; never a secret.
SELECT w.id, w.name, w.phone_number_id AS "phoneNumberId", w.default_country AS "defaultCountry",
       w.time_zone AS "timeZone", w.created_at AS "createdAt", w.kapso_api_key_enc IS NOT NULL AS "kapsoKeySet",
       w.retention_days AS "retentionDays",
       w.llm_daily_budget_usd AS "llmDailyBudgetUsd",
       (SELECT count(*) FROM api_token t WHERE t.workspace_id = w.id AND t.revoked_at IS NULL) AS "activeTokens"
FROM workspace w
ORDER BY w.id
