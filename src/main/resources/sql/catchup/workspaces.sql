-- The workspaces to catch up (all, or the one of :#workspaceId), with what the intake needs of each (as
-- workspace-by-phone-number-id.sql), its sealed Kapso key (NULL: skipped) and its scheduled window: from
-- the watermark (else its newest stored message, else catchup.first-look-back-hours ago) minus the
-- overlap, to now. In turn: the workspaces after the one the last scheduled or start-up run was of come
-- first, so that a fire that ran out of its budget (catchup.fire-budget-seconds) is followed by one that
-- starts where it stopped.
SELECT w.id              AS "workspaceId",
       w.phone_number_id AS "phoneNumberId",
       w.webhook_secret  AS "webhookSecret",
       w.default_country AS "defaultCountry",
       w.created_at      AS "createdAt",
       w.kapso_api_key_enc AS "keyEnc",
       COALESCE(w.catchup_watermark,
                (SELECT max(m.sent_at) FROM message m WHERE m.workspace_id = w.id),
                now() - make_interval(hours => CAST(:#${variable.firstLookBackHours} AS int)))
           - make_interval(mins => CAST(:#${variable.overlapMinutes} AS int)) AS since,
       now() AS until
FROM workspace w
WHERE CAST(:#${variable.onlyWorkspaceId} AS bigint) = 0 OR w.id = CAST(:#${variable.onlyWorkspaceId} AS bigint)
ORDER BY w.id <= COALESCE((SELECT r.workspace_id FROM catchup_run r WHERE r.trigger <> 'manual' ORDER BY r.id DESC LIMIT 1), 0),
         w.id
