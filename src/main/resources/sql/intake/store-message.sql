-- One message, stored exactly once by its WhatsApp id with its lead and conversation, in one round trip.
-- The intake stores messages in groups (store-messages.sql calls the same function for each); this one-message
-- form is what bench/ runs through pgbench as PostgreSQL's own limit, a client that commits every message:
-- intake_store_message (V9__lead_identities.sql; V14 adds the source: webhook or catch-up, the item's
-- arrival; V24 the installation's erasure salt, to refuse a message of an erased customer sent before the
-- erasure). Answers 'stored', 'duplicates' or 'erased'.
SELECT intake_store_message(:#workspaceId, CAST(:#phone AS text), CAST(:#bsuid AS text), CAST(:#parentBsuid AS text),
                            CAST(:#username AS text), CAST(:#contactName AS text), CAST(:#conversationId AS text),
                            CAST(:#conversationStatus AS text), :#wamid, :#direction, :#type, CAST(:#text AS text),
                            CAST(:#textTruncated AS boolean), CAST(:#mediaUrl AS text), CAST(:#sentAt AS timestamptz),
                            CAST(:#senderSentAt AS timestamptz), CAST(:#arrival AS text),
                            CAST(:#${properties:privacy.erasure-salt} AS text))
