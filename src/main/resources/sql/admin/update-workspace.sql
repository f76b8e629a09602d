-- PATCH /api/admin/workspaces/{id}: rotate the webhook secret, change the name, country, time zone, reply target,
-- locale, message retention or LLM budget per day (each "given" as null: retention off; back to
-- llm.daily-budget-usd).
UPDATE workspace
SET name = COALESCE(CAST(:#name AS text), name),
    webhook_secret = COALESCE(CAST(:#webhookSecret AS text), webhook_secret),
    default_country = COALESCE(CAST(:#defaultCountry AS text), default_country),
    time_zone = COALESCE(CAST(:#timeZone AS text), time_zone),
    reply_target_minutes = COALESCE(CAST(:#replyTargetMinutes AS integer), reply_target_minutes),
    locale = COALESCE(CAST(:#locale AS text), locale),
    retention_days = CASE WHEN CAST(:#retentionDaysGiven AS boolean) THEN CAST(:#retentionDays AS integer) ELSE retention_days END,
    llm_daily_budget_usd = CASE WHEN CAST(:#llmBudgetGiven AS boolean) THEN CAST(:#llmDailyBudgetUsd AS numeric)
                                ELSE llm_daily_budget_usd END
WHERE id = :#workspaceId
RETURNING id, name, phone_number_id AS "phoneNumberId", default_country AS "defaultCountry", time_zone AS "timeZone",
          created_at AS "createdAt", kapso_api_key_enc IS NOT NULL AS "kapsoKeySet",
          reply_target_minutes AS "replyTargetMinutes", locale, retention_days AS "retentionDays",
          llm_daily_budget_usd AS "llmDailyBudgetUsd"
