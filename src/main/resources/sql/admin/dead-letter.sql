-- One dead letter, for replay, with which secret verified its delivery (a replay writes only there).
SELECT id, source, event, payload, received_at AS "receivedAt", verified_by AS "verifiedBy",
       verified_workspace_id AS "verifiedWorkspaceId", verified_phone_number_id AS "verifiedPhoneNumberId"
FROM dead_letter WHERE id = :#${variable.deadLetterId}
