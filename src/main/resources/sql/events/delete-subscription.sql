-- DELETE /api/subscriptions/{id}: with its deliveries and their log.
WITH gone AS (
    DELETE FROM event_subscription
    WHERE id = :#${variable.subscriptionId} AND workspace_id = :#${variable.workspaceId} AND kind = 'webhook'
    RETURNING id
), deliveries AS (
    DELETE FROM event_delivery d USING gone WHERE d.subscription_id = gone.id
), attempts AS (
    DELETE FROM event_delivery_attempt a USING gone WHERE a.subscription_id = gone.id
)
SELECT id FROM gone
