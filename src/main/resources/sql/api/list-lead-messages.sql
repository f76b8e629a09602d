-- GET /api/leads/{id}/messages: newest first, keyset-paginated on (sent_at, id) along index
-- message_by_lead_time, in one round trip with the check that the lead is in the caller's workspace:
-- no row at all means no such lead (404); a lead without messages answers one row of NULLs.
WITH target AS (
    SELECT id FROM lead WHERE id = :#leadId AND workspace_id = :#workspaceId
)
SELECT page.*
FROM target
LEFT JOIN LATERAL (
    SELECT id, wamid, direction, type, text, text_truncated AS "textTruncated", media_url AS "mediaUrl",
           sent_at AS "sentAt", sender_sent_at AS "senderSentAt", received_at AS "receivedAt",
           status, status_at AS "statusAt", error_code AS "errorCode", error_title AS "errorTitle",
           previous_text AS "previousText", edited_at AS "editedAt", deleted_at AS "deletedAt"
    FROM message
    WHERE lead_id = target.id
      AND (CAST(:#cursorAt AS timestamptz) IS NULL
           OR (sent_at, id) < (CAST(:#cursorAt AS timestamptz), CAST(:#cursorId AS bigint)))
    ORDER BY sent_at DESC, id DESC
    LIMIT :#fetch
) page ON true
