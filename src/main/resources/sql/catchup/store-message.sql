-- A message found by catch-up: the webhook's store (intake/store-message.sql), marked source 'catch-up'
-- when this call stored it (V14's intake_store_message), in the same round trip.
SELECT intake_store_message(:#workspaceId, CAST(:#phone AS text), CAST(:#bsuid AS text), CAST(:#parentBsuid AS text),
                            CAST(:#username AS text), CAST(:#contactName AS text), CAST(:#conversationId AS text),
                            CAST(:#conversationStatus AS text), :#wamid, :#direction, :#type, CAST(:#text AS text),
                            CAST(:#textTruncated AS boolean), CAST(:#mediaUrl AS text), CAST(:#sentAt AS timestamptz),
                            CAST(:#senderSentAt AS timestamptz), 'catch-up')
