-- The outbox's state for the metrics and the events health check, per kind of subscription (webhook,
-- kafka): the deliveries still to make for enabled subscriptions, and the occurred_at of the oldest event
-- one of them waits for.
SELECT s.kind, count(*) AS backlog, min(e.occurred_at) AS oldest
FROM event_delivery d
JOIN event_subscription s ON s.id = d.subscription_id
JOIN event e ON e.id = d.event_id
WHERE d.status = 'pending' AND s.enabled
GROUP BY s.kind
