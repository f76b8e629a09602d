-- GET /api/subscriptions/{id}/deliveries: the subscription's attempts, newest first, keyset-paginated on
-- (attempted_at, id). The subscription was checked against the caller's workspace before.
SELECT a.id, a.event_id AS "eventId", e.type, e.lead_id AS "leadId", e.seq AS sequence, a.attempt,
       a.attempted_at AS "attemptedAt", a.status, a.latency_ms AS "latencyMs", a.outcome, a.error
FROM event_delivery_attempt a
JOIN event e ON e.id = a.event_id
WHERE a.subscription_id = :#${variable.subscriptionId}
  AND (CAST(:#cursorAt AS timestamptz) IS NULL
       OR (a.attempted_at, a.id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
ORDER BY a.attempted_at DESC, a.id DESC
LIMIT :#fetch
