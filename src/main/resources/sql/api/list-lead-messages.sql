-- GET /api/leads/{id}/messages: newest first, keyset-paginated on (sent_at, id) along index
-- message_by_lead_time. The lead was checked against the caller's workspace before.
SELECT id, wamid, direction, type, text, media_url AS "mediaUrl", sent_at AS "sentAt", received_at AS "receivedAt"
FROM message
WHERE lead_id = :#leadId
  AND workspace_id = :#workspaceId
  AND (CAST(:#cursorAt AS timestamptz) IS NULL
       OR (sent_at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
ORDER BY sent_at DESC, id DESC
LIMIT :#fetch
