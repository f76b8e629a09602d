-- GET /api/leads/{id}/export: everything leadline holds about the customer, as one JSON document built here
-- (the LeadExport schema): the lead as the API shows it, its identities and aliases, the leads merged into it,
-- its conversations, messages, notes, status history and outbound events (its own and those of the leads
-- merged into it). No row when the caller's workspace has no such lead. The export is a privacy read: its
-- audit row is written by this same statement.
WITH target AS (
    SELECT l.*, lead_and_absorbed(l.workspace_id, l.id) AS leads
    FROM lead l
    WHERE l.id = :#${variable.leadId} AND l.workspace_id = :#${variable.workspaceId}
), audit AS (
    INSERT INTO audit_log (actor, token_id, workspace_id, action, target, client_address)
    SELECT 'workspace-token', :#${variable.tokenId}, workspace_id, 'lead.export', jsonb_build_object('leadId', id),
           :#${variable.clientAddress}
    FROM target
)
SELECT json_build_object(
    'exportedAt', event_time(now()),
    'workspaceId', t.workspace_id,
    'lead', event_lead(t.id),
    'identities', json_build_object('phone', t.phone, 'bsuid', t.bsuid, 'parentBsuid', t.parent_bsuid,
                                    'username', t.username, 'name', t.name),
    'aliases', (SELECT coalesce(json_agg(json_build_object('kind', a.kind, 'value', a.value,
                                                           'since', event_time(a.created_at))
                                         ORDER BY a.created_at, a.kind, a.value), '[]')
                FROM lead_alias a WHERE a.lead_id = t.id),
    'mergedLeads', (SELECT coalesce(json_agg(json_build_object('leadId', m.absorbed_lead_id, 'intoLeadId', m.into_lead_id,
                                                               'mergedAt', event_time(m.merged_at))
                                             ORDER BY m.merged_at, m.id), '[]')
                    FROM lead_merge m WHERE m.workspace_id = t.workspace_id AND m.into_lead_id = ANY (t.leads)),
    'conversations', (SELECT coalesce(json_agg(json_build_object('kapsoId', c.kapso_id, 'status', c.status,
                                                                 'lastMessageAt', event_time(c.last_message_at),
                                                                 'createdAt', event_time(c.created_at))
                                               ORDER BY c.created_at, c.id), '[]')
                      FROM conversation c WHERE c.lead_id = t.id),
    'messages', (SELECT coalesce(json_agg(event_message(m) ORDER BY m.sent_at, m.id), '[]')
                 FROM message m WHERE m.lead_id = t.id),
    'notes', (SELECT coalesce(json_agg(event_note(n) ORDER BY n.added_at, n.id), '[]')
              FROM note n WHERE n.lead_id = t.id AND n.kind <> 'status_change'),
    'statusHistory', (SELECT coalesce(json_agg(json_build_object('from', n.status_from, 'to', n.status_to,
                                                                 'by', n.added_by, 'at', event_time(n.added_at))
                                               ORDER BY n.added_at, n.id), '[]')
                      FROM note n WHERE n.lead_id = t.id AND n.kind = 'status_change'),
    'events', (SELECT coalesce(json_agg(event_envelope(e) ORDER BY e.position), '[]')
               FROM event e WHERE e.lead_id = ANY (t.leads) AND e.workspace_id = t.workspace_id)
) AS export
FROM target t
