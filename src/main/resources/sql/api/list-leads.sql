-- GET /api/leads: newest activity first, keyset-paginated on (last_activity_at, id), which is the
-- order of index lead_by_activity. Absent filters are NULL and drop out.
SELECT id, phone, name, status, created_at AS "createdAt", last_activity_at AS "lastActivityAt"
FROM lead
WHERE workspace_id = :#workspaceId
  AND (CAST(:#status AS text) IS NULL OR status = CAST(:#status AS text))
  AND (CAST(:#activeSince AS timestamptz) IS NULL OR last_activity_at >= CAST(:#activeSince AS timestamptz))
  AND (CAST(:#namePattern AS text) IS NULL
       OR name ILIKE CAST(:#namePattern AS text)
       OR phone LIKE CAST(:#phonePattern AS text))
  AND (CAST(:#cursorAt AS timestamptz) IS NULL
       OR (last_activity_at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
ORDER BY last_activity_at DESC, id DESC
LIMIT :#fetch
