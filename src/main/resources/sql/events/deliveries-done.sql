-- The deliveries of one relay round that their receivers took (a webhook's 2xx, Kafka's acknowledgement), in
-- one statement: each done and its attempt logged, and its subscription's count of events given up in a row
-- back to 0. delivered: a JSON array of {subscriptionId, leadId, seq, status, latencyMs} (status null for
-- Kafka). Only while this instance holds the lease (one whose lease ran out belongs to whoever claimed it since).
WITH taken AS (
    SELECT *
    FROM jsonb_to_recordset(CAST(:#delivered AS jsonb))
         AS r("subscriptionId" bigint, "leadId" bigint, seq bigint, status integer, "latencyMs" integer)
), done AS (
    UPDATE event_delivery d
    SET status = 'delivered', finished_at = now(), lease_until = NULL, last_status = t.status, last_error = NULL
    FROM taken t
    WHERE d.subscription_id = t."subscriptionId" AND d.lead_id = t."leadId" AND d.seq = t.seq
      AND d.status = 'pending' AND d.leased_by = :#instance
    RETURNING d.subscription_id, d.event_id, d.attempts, t.status, t."latencyMs"
), logged AS (
    INSERT INTO event_delivery_attempt (subscription_id, event_id, attempt, status, latency_ms, outcome)
    SELECT subscription_id, event_id, attempts, status, "latencyMs", 'delivered'
    FROM done
)
UPDATE event_subscription
SET consecutive_failures = 0, last_error = NULL
WHERE id IN (SELECT subscription_id FROM done) AND consecutive_failures <> 0
