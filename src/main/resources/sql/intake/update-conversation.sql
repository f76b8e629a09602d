-- A conversation event (created, ended, inactive): upsert the lead and the conversation with the new
-- status. An existing lead's activity is not touched (only messages are activity); a lead first seen
-- through such an event starts with the time it was seen.
WITH upserted_lead AS (
    INSERT INTO lead (workspace_id, phone, name, last_activity_at)
    VALUES (:#workspaceId, :#phone, CAST(:#contactName AS text), now())
    ON CONFLICT ON CONSTRAINT lead_one_per_phone DO UPDATE
        SET name = COALESCE(lead.name, EXCLUDED.name)
    RETURNING id
)
INSERT INTO conversation (workspace_id, lead_id, kapso_id, status)
SELECT :#workspaceId, upserted_lead.id, :#conversationId, :#conversationStatus
FROM upserted_lead
ON CONFLICT ON CONSTRAINT conversation_one_per_kapso_id DO UPDATE
    SET status = EXCLUDED.status
