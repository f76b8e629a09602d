-- A message's delivery status, edit or delete, in one round trip: intake_update_message
-- (V13__message_state.sql; V24 adds the erasure salt: an update of an erased message is not kept). Answers
-- 'messagesUpdated', 'duplicates', 'updatesPending', 'ignored' or 'erased'.
SELECT intake_update_message(:#workspaceId, :#wamid, :#updateKind, CAST(:#status AS text), CAST(:#sentAt AS timestamptz),
                             CAST(:#errorCode AS text), CAST(:#errorTitle AS text), CAST(:#text AS text),
                             CAST(:#textTruncated AS boolean), CAST(:#${properties:privacy.erasure-salt} AS text))
