-- One message, stored exactly once by its WhatsApp id with its lead and conversation, in one round trip:
-- intake_store_message (V9__lead_identities.sql; V14 adds the source: webhook or catch-up, the item's
-- arrival). Answers 'stored' or 'duplicates'.
SELECT intake_store_message(:#workspaceId, CAST(:#phone AS text), CAST(:#bsuid AS text), CAST(:#parentBsuid AS text),
                            CAST(:#username AS text), CAST(:#contactName AS text), CAST(:#conversationId AS text),
                            CAST(:#conversationStatus AS text), :#wamid, :#direction, :#type, CAST(:#text AS text),
                            CAST(:#textTruncated AS boolean), CAST(:#mediaUrl AS text), CAST(:#sentAt AS timestamptz),
                            CAST(:#senderSentAt AS timestamptz), CAST(:#arrival AS text))
