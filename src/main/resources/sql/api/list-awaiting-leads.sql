-- GET /api/leads?awaitingReply=true: the leads waiting for an answer, longest waiting first, keyset-paginated
-- on (awaiting_since, id): the order of index lead_inbox_awaiting, so a page reads its rows and stops,
-- however many leads the workspace has. The status and search filters are list-leads.sql's, on each row
-- the index gives (a search that matches few leads among many waiting ones reads more of the index).
SELECT l.id, l.phone, l.bsuid, l.parent_bsuid AS "parentBsuid", l.username, l.name, l.status, l.created_at AS "createdAt",
       l.last_activity_at AS "lastActivityAt", lead_last_message(i) AS "lastMessage",
       i.awaiting_since AS "awaitingReplySince", lead_overdue(i.awaiting_since, w.reply_target_minutes) AS overdue
FROM lead_inbox i
JOIN lead l ON l.id = i.lead_id
JOIN workspace w ON w.id = i.workspace_id
WHERE i.workspace_id = :#workspaceId
  AND i.awaiting_since IS NOT NULL
  AND (CAST(:#status AS text) IS NULL OR l.status = CAST(:#status AS text))
  AND (CAST(:#activeSince AS timestamptz) IS NULL OR l.last_activity_at >= CAST(:#activeSince AS timestamptz))
  AND (CAST(:#namePattern AS text) IS NULL
       OR l.name ILIKE CAST(:#namePattern AS text)
       OR l.phone LIKE CAST(:#phonePattern AS text)
       OR l.phone ^@ CAST(:#phoneCanonicalPrefix AS text)
       OR l.username ILIKE CAST(:#usernamePattern AS text)
       OR l.bsuid LIKE CAST(:#bsuidPattern AS text)
       OR l.id = ANY (ARRAY(
           SELECT lead_id FROM lead_alias
           WHERE workspace_id = :#workspaceId
             AND ((kind = 'phone' AND (value LIKE CAST(:#phonePattern AS text)
                                       OR value ^@ CAST(:#phoneCanonicalPrefix AS text)))
                  OR (kind = 'bsuid' AND value LIKE CAST(:#bsuidPattern AS text))))))
  -- intent: the latest daily summary's (by the day it covers), one backward probe of note_one_per_lead_kind_day
  AND (CAST(:#intent AS text) IS NULL
       OR (SELECT n.structured ->> 'intent' FROM note n
           WHERE n.lead_id = l.id AND n.kind = 'daily_summary'
           ORDER BY n.day DESC LIMIT 1) = CAST(:#intent AS text))
  AND (CAST(:#cursorAt AS timestamptz) IS NULL
       OR (i.awaiting_since, i.lead_id) > (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
ORDER BY i.awaiting_since, i.lead_id
LIMIT :#fetch
