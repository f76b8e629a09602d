-- Keeps an authentic event that could not be routed, with which secret verified its delivery; a
-- re-sent one (same message id, or the same bytes when it has none) is kept once.
INSERT INTO dead_letter (source, event, reason, phone_number_id, dedup_key, idempotency_key, payload,
                         verified_by, verified_workspace_id, verified_phone_number_id)
VALUES (:#source, CAST(:#event AS text), :#reason, CAST(:#phoneNumberId AS text), CAST(:#dedupKey AS text),
        CAST(:#${header.X-Idempotency-Key} AS text), :#payload,
        CAST(:#verifiedBy AS text), CAST(:#verifiedWorkspaceId AS bigint), CAST(:#verifiedPhoneNumberId AS text))
ON CONFLICT (dedup_key) DO NOTHING
