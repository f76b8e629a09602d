-- GET /api/subscriptions: the caller's workspace's webhook subscriptions, oldest first (a workspace has a few).
SELECT id, url, types, enabled, disabled_reason AS "disabledReason", consecutive_failures AS "consecutiveFailures",
       last_error AS "lastError", created_at AS "createdAt"
FROM event_subscription
WHERE workspace_id = :#${variable.workspaceId} AND kind = 'webhook'
ORDER BY id
