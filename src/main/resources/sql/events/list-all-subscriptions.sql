-- GET /api/admin/subscriptions: every workspace's webhook subscriptions, by workspace.
SELECT id, workspace_id AS "workspaceId", url, types, enabled, disabled_reason AS "disabledReason",
       consecutive_failures AS "consecutiveFailures", last_error AS "lastError", created_at AS "createdAt"
FROM event_subscription
WHERE kind = 'webhook'
ORDER BY workspace_id, id
