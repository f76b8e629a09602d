-- GET /api/leads/{id}: the lead, scoped to the caller's workspace, with its message counts, its last message
-- and its wait.
SELECT l.id, l.phone, l.bsuid, l.parent_bsuid AS "parentBsuid", l.username, l.name, l.status, l.version, l.created_at AS "createdAt", l.last_activity_at AS "lastActivityAt",
       c.inbound AS "messagesIn", c.outbound AS "messagesOut", lead_last_message(i) AS "lastMessage",
       i.awaiting_since AS "awaitingReplySince", lead_overdue(i.awaiting_since, w.reply_target_minutes) AS overdue
FROM lead l
JOIN workspace w ON w.id = l.workspace_id
LEFT JOIN lead_inbox i ON i.lead_id = l.id
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE m.direction = 'inbound')  AS inbound,
           count(*) FILTER (WHERE m.direction = 'outbound') AS outbound
    FROM message m
    WHERE m.lead_id = l.id
) c
WHERE l.id = :#${variable.leadId}
  AND l.workspace_id = :#${variable.workspaceId}
