-- GET /api/admin/dead-letters: newest first, keyset-paginated on (received_at, id).
SELECT id, source, event, reason, phone_number_id AS "phoneNumberId", idempotency_key AS "idempotencyKey",
       payload, received_at AS "receivedAt", replayed_at AS "replayedAt", verified_by AS "verifiedBy",
       verified_phone_number_id AS "verifiedPhoneNumberId"
FROM dead_letter
WHERE (CAST(:#cursorAt AS timestamptz) IS NULL
       OR (received_at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
ORDER BY received_at DESC, id DESC
LIMIT :#fetch
