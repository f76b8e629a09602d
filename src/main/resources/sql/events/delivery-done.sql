-- A delivery its receiver took (a webhook's 2xx, Kafka's acknowledgement): done and logged, and its
-- subscription's count of events given up in a row back to 0. Only while this instance holds its lease (one
-- whose lease ran out belongs to whoever claimed it since).
WITH done AS (
    UPDATE event_delivery
    SET status = 'delivered', finished_at = now(), lease_until = NULL, last_status = CAST(:#status AS integer),
        last_error = NULL
    WHERE subscription_id = :#subscriptionId AND lead_id = :#leadId AND seq = :#seq
      AND status = 'pending' AND leased_by = :#instance
    RETURNING subscription_id, event_id, attempts
), logged AS (
    INSERT INTO event_delivery_attempt (subscription_id, event_id, attempt, status, latency_ms, outcome)
    SELECT subscription_id, event_id, attempts, CAST(:#status AS integer), CAST(:#latencyMs AS integer), 'delivered'
    FROM done
)
UPDATE event_subscription
SET consecutive_failures = 0, last_error = NULL
WHERE id IN (SELECT subscription_id FROM done) AND consecutive_failures <> 0
