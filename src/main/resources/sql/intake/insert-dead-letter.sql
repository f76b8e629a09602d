-- Keeps an authentic event that could not be routed; a re-sent one (same message id) is kept once.
INSERT INTO dead_letter (source, event, reason, phone_number_id, dedup_key, idempotency_key, payload)
VALUES (:#source, CAST(:#event AS text), :#reason, CAST(:#phoneNumberId AS text), CAST(:#dedupKey AS text),
        CAST(:#${header.X-Idempotency-Key} AS text), :#payload)
ON CONFLICT (dedup_key) DO NOTHING
