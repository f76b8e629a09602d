-- One webhook subscription of the caller's workspace (none: 404 in the route).
SELECT id, url, types, enabled, disabled_reason AS "disabledReason", consecutive_failures AS "consecutiveFailures",
       last_error AS "lastError", created_at AS "createdAt"
FROM event_subscription
WHERE id = :#${variable.subscriptionId} AND workspace_id = :#${variable.workspaceId} AND kind = 'webhook'
