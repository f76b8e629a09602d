-- GET /api/leads: newest activity first, keyset-paginated on (last_activity_at, id), which is the
-- order of index lead_by_activity. Absent filters are NULL and drop out. A search term is tried on the
-- name, and on the phone both as the typed digits and as the canonical form they may stand for (both
-- LIKE '%digits%', served by the trigram indexes lead_name_trigram and lead_phone_trigram).
SELECT id, phone, name, status, created_at AS "createdAt", last_activity_at AS "lastActivityAt"
FROM lead
WHERE workspace_id = :#workspaceId
  AND (CAST(:#status AS text) IS NULL OR status = CAST(:#status AS text))
  AND (CAST(:#activeSince AS timestamptz) IS NULL OR last_activity_at >= CAST(:#activeSince AS timestamptz))
  AND (CAST(:#namePattern AS text) IS NULL
       OR name ILIKE CAST(:#namePattern AS text)
       OR phone LIKE CAST(:#phonePattern AS text)
       OR phone LIKE CAST(:#phoneCanonicalPattern AS text))
  AND (CAST(:#cursorAt AS timestamptz) IS NULL
       OR (last_activity_at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
ORDER BY last_activity_at DESC, id DESC
LIMIT :#fetch
