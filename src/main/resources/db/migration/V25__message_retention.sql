-- Message retention: a workspace may keep its messages for a number of days only (NULL, the default: kept). The
-- daily purge (routes/message-retention.camel.yaml) deletes the older ones, by the sender's time, batch by batch;
-- the lead, its notes, its status history and its response times stay.
ALTER TABLE workspace ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 36500);

-- Deleted messages that were their lead's last one: each such inbox row is made again from the messages that
-- remain, or goes with the last of them, so no preview outlives its message. Once per statement, so that a batch
-- of a thousand messages refreshes each lead once. The inbox rows are locked first: a concurrent intake's new
-- last message, or another deleter's refresh, is waited for and then seen (the row is read again after the
-- lock), so the row never keeps a message that is gone.
CREATE FUNCTION lead_inbox_on_messages_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    refreshed bigint;
BEGIN
    FOR refreshed IN
        SELECT i.lead_id
        FROM (SELECT DISTINCT lead_id FROM gone) g
        JOIN lead_inbox i ON i.lead_id = g.lead_id
        WHERE i.last_message_id IN (SELECT id FROM gone)
        ORDER BY i.lead_id
        FOR UPDATE OF i
    LOOP
        PERFORM lead_inbox_refresh(refreshed);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_deleted_keep_inbox AFTER DELETE ON message REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION lead_inbox_on_messages_deleted();
