-- A conversation event (created, ended, inactive): the lead found or created and the conversation upserted
-- with the new status, in one round trip: intake_update_conversation (V9__lead_identities.sql; V24 adds the
-- erasure salt: no lead is created for an erased customer). Answers 'conversationsUpdated' or 'erased'.
SELECT intake_update_conversation(:#workspaceId, CAST(:#phone AS text), CAST(:#bsuid AS text),
                                  CAST(:#parentBsuid AS text), CAST(:#username AS text), CAST(:#contactName AS text),
                                  :#conversationId, :#conversationStatus, CAST(:#${properties:privacy.erasure-salt} AS text))
