-- PATCH /api/admin/workspaces/{id}: rotate the webhook secret, change the name, country, time zone, reply target,
-- locale, message retention or LLM budget per day (each "given" as null: retention off; back to
-- llm.daily-budget-usd); with its audit row (the settings changed and their new values, those given as null under
-- cleared; the secret by name only).
WITH updated AS (
    UPDATE workspace
    SET name = COALESCE(CAST(:#name AS text), name),
        webhook_secret = COALESCE(CAST(:#webhookSecret AS text), webhook_secret),
        default_country = COALESCE(CAST(:#defaultCountry AS text), default_country),
        time_zone = COALESCE(CAST(:#timeZone AS text), time_zone),
        reply_target_minutes = COALESCE(CAST(:#replyTargetMinutes AS integer), reply_target_minutes),
        locale = COALESCE(CAST(:#locale AS text), locale),
        retention_days = CASE WHEN CAST(:#retentionDaysGiven AS boolean) THEN CAST(:#retentionDays AS integer)
                              ELSE retention_days END,
        llm_daily_budget_usd = CASE WHEN CAST(:#llmBudgetGiven AS boolean) THEN CAST(:#llmDailyBudgetUsd AS numeric)
                                    ELSE llm_daily_budget_usd END
    WHERE id = :#workspaceId
    RETURNING id, name, phone_number_id AS "phoneNumberId", default_country AS "defaultCountry", time_zone AS "timeZone",
              created_at AS "createdAt", kapso_api_key_enc IS NOT NULL AS "kapsoKeySet",
              reply_target_minutes AS "replyTargetMinutes", locale, retention_days AS "retentionDays",
              llm_daily_budget_usd AS "llmDailyBudgetUsd"
), audit AS (
    INSERT INTO audit_log (actor, workspace_id, action, target, client_address)
    SELECT 'admin', u.id, 'workspace.update',
           jsonb_build_object('workspaceId', u.id,
                              'settings', jsonb_strip_nulls(jsonb_build_object(
                                  'name', CAST(:#name AS text), 'defaultCountry', CAST(:#defaultCountry AS text),
                                  'timeZone', CAST(:#timeZone AS text),
                                  'replyTargetMinutes', CAST(:#replyTargetMinutes AS integer),
                                  'locale', CAST(:#locale AS text),
                                  'retentionDays', CAST(:#retentionDays AS integer),
                                  'llmDailyBudgetUsd', CAST(:#llmDailyBudgetUsd AS numeric))),
                              'cleared', to_jsonb(array_remove(ARRAY[
                                  CASE WHEN CAST(:#retentionDaysGiven AS boolean) AND CAST(:#retentionDays AS integer) IS NULL
                                       THEN 'retentionDays' END,
                                  CASE WHEN CAST(:#llmBudgetGiven AS boolean) AND CAST(:#llmDailyBudgetUsd AS numeric) IS NULL
                                       THEN 'llmDailyBudgetUsd' END], NULL)),
                              'secretsSet', CASE WHEN CAST(:#webhookSecret AS text) IS NOT NULL
                                                 THEN jsonb_build_array('webhookSecret') ELSE '[]'::jsonb END),
           :#${variable.clientAddress}
    FROM updated u
)
SELECT * FROM updated
