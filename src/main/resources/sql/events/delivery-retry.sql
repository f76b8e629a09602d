-- A delivery to try again after delayMs (its backoff, or the receiver's Retry-After): still the head of its
-- lead, so the lead's later events wait; the attempt logged with what the receiver answered (or NULL status
-- and the error when there was no answer).
WITH retried AS (
    UPDATE event_delivery
    SET next_attempt_at = now() + make_interval(secs => CAST(:#delayMs AS bigint) / 1000.0), lease_until = NULL,
        last_status = CAST(:#status AS integer), last_error = CAST(:#error AS text)
    WHERE subscription_id = :#subscriptionId AND lead_id = :#leadId AND seq = :#seq
      AND status = 'pending' AND leased_by = :#instance
    RETURNING subscription_id, event_id, attempts
)
INSERT INTO event_delivery_attempt (subscription_id, event_id, attempt, status, latency_ms, outcome, error)
SELECT subscription_id, event_id, attempts, CAST(:#status AS integer), CAST(:#latencyMs AS integer), 'retry',
       CAST(:#error AS text)
FROM retried
