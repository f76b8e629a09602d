-- A relay's next deliveries of one kind of subscription (webhook, kafka): per subscription and lead only the
-- head (no pending delivery of the lead before it: a lead's next event waits for the one before it), due, not
-- leased by another instance, in the order they fell due (event_delivery_due), locked without waiting (SKIP
-- LOCKED: instances share the work), then leased to this instance for leaseSeconds and counted as an attempt.
-- The row's own conditions are checked again on the locked row, so a head another instance finished
-- meanwhile is not taken twice. A crashed instance's lease runs out and another takes the delivery, with the
-- same event id (webhook-id). Answers the envelope (the bytes to send) and where to.
WITH claimable AS (
    SELECT d.subscription_id, d.lead_id, d.seq
    FROM event_delivery d
    JOIN event_subscription s ON s.id = d.subscription_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
      AND s.enabled AND s.kind = :#kind
      AND NOT EXISTS (SELECT 1 FROM event_delivery p
                      WHERE p.subscription_id = d.subscription_id AND p.lead_id = d.lead_id
                        AND p.status = 'pending' AND p.seq < d.seq)
    ORDER BY d.next_attempt_at
    LIMIT CAST(:#limit AS integer)   -- bound as text from a setting: typed here
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE event_delivery d
SET lease_until = now() + make_interval(secs => CAST(:#leaseSeconds AS integer)), leased_by = :#instance,
    attempts = d.attempts + 1
FROM claimable c, event e, event_subscription s
WHERE d.subscription_id = c.subscription_id AND d.lead_id = c.lead_id AND d.seq = c.seq
  AND e.id = d.event_id AND s.id = d.subscription_id
RETURNING d.subscription_id AS "subscriptionId", d.lead_id AS "leadId", d.seq, d.attempts, d.created_at AS "createdAt",
          e.id AS "eventId", e.type, e.workspace_id AS "workspaceId", event_envelope(e)::text AS body,
          s.url, s.secret
