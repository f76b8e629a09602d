-- Keeps an authentic event that could not be routed, with which secret verified its delivery; a
-- re-sent one (same message id, or the same bytes when it has none) is kept once. The same event kept
-- again for another reason (a replay after the intake changed, e.g. a letter kept for "no customer phone
-- number" that carries neither phone nor BSUID) takes the new reason: a letter says why it is still dead.
INSERT INTO dead_letter (source, event, reason, phone_number_id, dedup_key, idempotency_key, payload,
                         verified_by, verified_workspace_id, verified_phone_number_id)
VALUES (:#source, CAST(:#event AS text), :#reason, CAST(:#phoneNumberId AS text), CAST(:#dedupKey AS text),
        CAST(:#${header.X-Idempotency-Key} AS text), :#payload,
        CAST(:#verifiedBy AS text), CAST(:#verifiedWorkspaceId AS bigint), CAST(:#verifiedPhoneNumberId AS text))
ON CONFLICT (dedup_key) DO UPDATE SET reason = EXCLUDED.reason
WHERE dead_letter.reason <> EXCLUDED.reason
  AND dead_letter.source = EXCLUDED.source
  AND dead_letter.payload = EXCLUDED.payload
