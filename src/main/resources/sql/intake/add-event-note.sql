-- A timeline note from a webhook event (a handover of the conversation, the AI agent's summary of it),
-- added once per event on the customer's lead by intake_add_event_note (V16; V24 adds the erasure salt: none
-- for an erased customer from before the erasure). Answers 'notesAdded', 'duplicates' or 'erased'.
SELECT intake_add_event_note(:#workspaceId, :#dedupKey, CAST(:#phone AS text), CAST(:#bsuid AS text),
                             CAST(:#parentBsuid AS text), CAST(:#username AS text), CAST(:#contactName AS text),
                             :#noteKind, :#text, CAST(:#sentAt AS timestamptz), :#source,
                             CAST(:#${properties:privacy.erasure-salt} AS text))
