-- A delivery given up: its retries are spent (outcome failed) or the receiver answered 410 Gone (outcome
-- gone). The lead's next event may go. The subscription counts events given up in a row and is disabled,
-- with the reason and the last error, at maxFailedEvents, or at once on 410.
WITH given_up AS (
    UPDATE event_delivery
    SET status = 'failed', finished_at = now(), lease_until = NULL, last_status = CAST(:#status AS integer),
        last_error = CAST(:#error AS text)
    WHERE subscription_id = :#subscriptionId AND lead_id = :#leadId AND seq = :#seq
      AND status = 'pending' AND leased_by = :#instance
    RETURNING subscription_id, event_id, attempts
), logged AS (
    INSERT INTO event_delivery_attempt (subscription_id, event_id, attempt, status, latency_ms, outcome, error)
    SELECT subscription_id, event_id, attempts, CAST(:#status AS integer), CAST(:#latencyMs AS integer), :#outcome,
           CAST(:#error AS text)
    FROM given_up
)
UPDATE event_subscription s
SET consecutive_failures = s.consecutive_failures + 1,
    last_error = CAST(:#error AS text),
    enabled = s.enabled AND :#outcome <> 'gone' AND s.consecutive_failures + 1 < CAST(:#maxFailedEvents AS integer),
    disabled_reason = CASE WHEN :#outcome = 'gone' THEN 'the receiver answered 410 Gone'
                           WHEN s.consecutive_failures + 1 >= CAST(:#maxFailedEvents AS integer)
                           THEN (s.consecutive_failures + 1) || ' events in a row given up'
                           ELSE s.disabled_reason END
WHERE s.id IN (SELECT subscription_id FROM given_up)
