-- DELETE /api/subscriptions/{id}: its deliveries and their log go with it (ON DELETE CASCADE).
DELETE FROM event_subscription
WHERE id = :#${variable.subscriptionId} AND workspace_id = :#${variable.workspaceId} AND kind = 'webhook'
RETURNING id
