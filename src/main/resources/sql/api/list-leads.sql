-- GET /api/leads: newest activity first, keyset-paginated on (last_activity_at, id), which is the
-- order of index lead_by_activity. Absent filters are NULL and drop out. A search term is tried on the
-- name, the username and the BSUID, on the phone both as the typed digits (a substring) and as the
-- canonical number they may begin (a prefix, ^@), and on the lead's earlier phones and BSUIDs (lead_alias:
-- after an identity change or a merge). The substring arms are LIKE '%...%' served by trigram indexes
-- (lead_name_trigram, lead_phone_trigram, lead_username_trigram, lead_bsuid_trigram,
-- lead_alias_value_trigram), the prefix arms by SP-GiST (lead_phone_prefix, lead_alias_value_prefix). The
-- aliases' leads are gathered once (an uncorrelated sub-select, run before the scan), so that their
-- id = ANY arm is one more index scan of the BitmapOr rather than a check of every lead of the workspace.
-- Each lead with its last message and its wait (lead_inbox, by key: the page of rows, not the workspace).
SELECT l.id, l.phone, l.bsuid, l.parent_bsuid AS "parentBsuid", l.username, l.name, l.status, l.created_at AS "createdAt",
       l.last_activity_at AS "lastActivityAt", lead_last_message(i) AS "lastMessage",
       i.awaiting_since AS "awaitingReplySince", lead_overdue(i.awaiting_since, w.reply_target_minutes) AS overdue
FROM lead l
JOIN workspace w ON w.id = l.workspace_id
LEFT JOIN lead_inbox i ON i.lead_id = l.id
WHERE l.workspace_id = :#workspaceId
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
  -- awaitingReply=false: only the leads no one waits on (answered, or never written to)
  AND (NOT CAST(:#notAwaitingReply AS boolean) OR i.awaiting_since IS NULL)
  AND (CAST(:#cursorAt AS timestamptz) IS NULL
       OR (l.last_activity_at, l.id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
ORDER BY l.last_activity_at DESC, l.id DESC
LIMIT :#fetch
