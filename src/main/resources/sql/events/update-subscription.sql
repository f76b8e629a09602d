-- PATCH /api/subscriptions/{id}: the fields given (a NULL parameter keeps the value). Enabling a disabled
-- subscription starts it afresh: its count of events given up in a row, its reason and last error cleared.
-- Events written while it was disabled are not sent (no delivery was written for them).
UPDATE event_subscription s
SET url = coalesce(CAST(:#url AS text), s.url),
    types = CASE WHEN CAST(:#types AS jsonb) IS NULL THEN s.types
                 ELSE ARRAY(SELECT jsonb_array_elements_text(CAST(:#types AS jsonb))) END,
    enabled = coalesce(CAST(:#enabled AS boolean), s.enabled),
    consecutive_failures = CASE WHEN CAST(:#enabled AS boolean) AND NOT s.enabled THEN 0 ELSE s.consecutive_failures END,
    disabled_reason = CASE WHEN CAST(:#enabled AS boolean) THEN NULL ELSE s.disabled_reason END,
    last_error = CASE WHEN CAST(:#enabled AS boolean) AND NOT s.enabled THEN NULL ELSE s.last_error END
WHERE s.id = :#${variable.subscriptionId} AND s.workspace_id = :#${variable.workspaceId} AND s.kind = 'webhook'
RETURNING s.id, s.url, s.types, s.enabled, s.disabled_reason AS "disabledReason",
          s.consecutive_failures AS "consecutiveFailures", s.last_error AS "lastError", s.created_at AS "createdAt"
