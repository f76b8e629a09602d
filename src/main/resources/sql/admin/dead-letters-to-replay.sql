-- POST /api/admin/dead-letters/replay: the next page of dead letters with exactly this reason that no
-- replay has taken out of the dead letters yet (replayed_at NULL), kept before the request began, in id
-- order after the last one taken (index dead_letter_unreplayed_by_reason). Ids only: each letter's
-- payload is read when it is replayed.
SELECT id
FROM dead_letter
WHERE reason = :#reason
  AND replayed_at IS NULL
  AND id > :#afterId
  AND received_at <= CAST(:#receivedUntil AS timestamptz)
ORDER BY id
LIMIT :#pageSize
