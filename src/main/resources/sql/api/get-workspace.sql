-- The caller's own workspace, as the web page shows it: no secret (webhook secret, tokens, Kapso key) is read.
SELECT w.id, w.name, w.phone_number_id AS "phoneNumberId", w.time_zone AS "timeZone",
       w.default_country AS "defaultCountry", w.reply_target_minutes AS "replyTargetMinutes", w.locale,
       w.retention_days AS "retentionDays"
FROM workspace w
WHERE w.id = :#${variable.workspaceId}
