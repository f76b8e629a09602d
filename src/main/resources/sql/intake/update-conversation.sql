-- A conversation event (created, ended, inactive): find or create the lead (intake_lead_for, V9) and the conversation with the new
-- status. An existing lead's activity is not touched (only messages are activity); a lead first seen
-- through such an event starts with the time it was seen.
WITH upserted_lead AS MATERIALIZED (
    SELECT intake_lead_for(:#workspaceId, CAST(:#phone AS text), CAST(:#bsuid AS text), CAST(:#parentBsuid AS text),
                           CAST(:#username AS text), CAST(:#contactName AS text), now(), false) AS id
)
INSERT INTO conversation (workspace_id, lead_id, kapso_id, status)
SELECT :#workspaceId, upserted_lead.id, :#conversationId, :#conversationStatus
FROM upserted_lead
ON CONFLICT ON CONSTRAINT conversation_one_per_kapso_id DO UPDATE
    SET status = EXCLUDED.status
