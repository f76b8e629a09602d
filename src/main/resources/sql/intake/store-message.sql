-- One message, one round trip, one implicit transaction: find or create the lead (by BSUID, then by
-- canonical phone: intake_lead_for in V9, which also links and merges identities), upsert the Kapso
-- conversation, insert the message once by its WhatsApp id, and move last activity forward. GREATEST
-- keeps a late or re-sent message from moving it back.
-- A message already stored (a retry, a replay) writes nothing at all: no lead or conversation row is
-- updated (two concurrent copies of a new message may both upsert; only one message is kept).
-- Answers 'stored' or 'duplicates'.
WITH already_stored AS (
    SELECT 1 FROM message WHERE workspace_id = :#workspaceId AND wamid = :#wamid
), upserted_lead AS MATERIALIZED (
    SELECT intake_lead_for(:#workspaceId, CAST(:#phone AS text), CAST(:#bsuid AS text), CAST(:#parentBsuid AS text),
                           CAST(:#username AS text), CAST(:#contactName AS text), CAST(:#sentAt AS timestamptz),
                           true) AS id
    WHERE NOT EXISTS (SELECT 1 FROM already_stored)
), upserted_conversation AS (
    INSERT INTO conversation (workspace_id, lead_id, kapso_id, status, last_message_at)
    SELECT :#workspaceId, upserted_lead.id, CAST(:#conversationId AS text), CAST(:#conversationStatus AS text),
           CAST(:#sentAt AS timestamptz)
    FROM upserted_lead
    WHERE CAST(:#conversationId AS text) IS NOT NULL
    ON CONFLICT ON CONSTRAINT conversation_one_per_kapso_id DO UPDATE
        SET status = COALESCE(EXCLUDED.status, conversation.status),
            last_message_at = GREATEST(conversation.last_message_at, EXCLUDED.last_message_at)
    RETURNING id
), inserted_message AS (
    INSERT INTO message (workspace_id, lead_id, conversation_id, wamid, direction, type, text, text_truncated,
                         media_url, sent_at, sender_sent_at)
    SELECT :#workspaceId, upserted_lead.id, (SELECT id FROM upserted_conversation), :#wamid, :#direction, :#type,
           CAST(:#text AS text), CAST(:#textTruncated AS boolean), CAST(:#mediaUrl AS text),
           CAST(:#sentAt AS timestamptz), CAST(:#senderSentAt AS timestamptz)
    FROM upserted_lead
    ON CONFLICT ON CONSTRAINT message_once_per_wamid DO NOTHING
    RETURNING id
)
SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted_message) THEN 'stored' ELSE 'duplicates' END
