-- POST /api/subscriptions/{id}/redeliver: the subscription's deliveries of one event (eventId) or of every
-- event since a time (since) pending again, as new: same event ids (webhook-id), a full retry schedule,
-- each in its lead's order. Events retention has deleted are gone. The subscription was checked against the
-- caller's workspace before. Answers how many were queued, and when.
WITH queued AS (
    UPDATE event_delivery d
    SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL, leased_by = NULL,
        finished_at = NULL
    FROM event e
    WHERE e.id = d.event_id AND d.subscription_id = :#${variable.subscriptionId}
      AND (e.id = CAST(:#eventId AS uuid) OR e.occurred_at >= CAST(:#since AS timestamptz))
      AND d.status <> 'pending'
    RETURNING d.event_id
)
SELECT count(*) AS queued, now() AS "queuedAt" FROM queued
