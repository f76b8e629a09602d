-- An identity change (Meta user_changed_number / user_changed_user_id / user_id_update, Kapso
-- contact.identity_changed), applied once per event by intake_change_identity (V19), in the order of the
-- events' own times (sentAt). Answers 'identityChanged', 'duplicates', 'no-lead' (no lead holds any of the
-- identities: the caller keeps the event as a dead letter) or 'erased' (none does because an erasure removed
-- them: nothing kept; intake_change_identity_unless_erased, V24).
SELECT intake_change_identity_unless_erased(:#workspaceId, :#dedupKey, CAST(:#previousBsuid AS text),
                                            CAST(:#previousPhone AS text), CAST(:#bsuid AS text),
                                            CAST(:#parentBsuid AS text), CAST(:#phone AS text), CAST(:#username AS text),
                                            CAST(:#contactName AS text), :#identityNote, CAST(:#sentAt AS timestamptz),
                                            CAST(:#${properties:privacy.erasure-salt} AS text))
