-- A lead's event sequence in a narrow table of its own, no longer a column of lead: event_write took it with
-- a second update of the lead row in the change's transaction, and that update, being non-HOT once the row's
-- page fills, wrote every index of lead (its trigram indexes too). Here the counter's update touches one small
-- row with one index, so it stays HOT. The row lock still orders a lead's events: two transactions writing
-- events of one lead take their numbers one after the other, in commit order.
CREATE TABLE lead_event_seq (
    lead_id bigint PRIMARY KEY REFERENCES lead (id) ON DELETE CASCADE,
    seq     bigint NOT NULL
) WITH (fillfactor = 50);   -- room on each page for the HOT versions of its counters

INSERT INTO lead_event_seq (lead_id, seq)
SELECT id, event_seq FROM lead WHERE event_seq > 0;

CREATE OR REPLACE FUNCTION event_write(p_workspace bigint, p_lead bigint, p_type text, p_data jsonb, p_detail jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
    written  uuid;
BEGIN
    -- from the lead row, so that a lead being deleted (a merge) gets no number: its last word is the
    -- survivor's lead.merged
    INSERT INTO lead_event_seq AS s (lead_id, seq)
    SELECT l.id, 1 FROM lead l WHERE l.id = p_lead
    ON CONFLICT (lead_id) DO UPDATE SET seq = s.seq + 1
    RETURNING s.seq INTO next_seq;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO event (workspace_id, lead_id, seq, type, data, detail)
    VALUES (p_workspace, p_lead, next_seq, p_type, p_data, p_detail)
    RETURNING id INTO written;
    INSERT INTO event_delivery (subscription_id, lead_id, seq, event_id)
    SELECT s.id, p_lead, next_seq, written
    FROM event_subscription s
    WHERE s.enabled AND (s.workspace_id = p_workspace OR s.kind = 'kafka') AND event_type_matches(s.types, p_type);
END
$$;

ALTER TABLE lead DROP COLUMN event_seq;

-- The relays' claim walks the due pending deliveries in the order they fell due and keeps each lead's head
-- (no pending delivery of the same subscription and lead before it, a probe of event_delivery_pending), so a
-- claim reads about as many rows as it takes instead of every pending delivery of its kind.
CREATE INDEX event_delivery_due ON event_delivery (next_attempt_at) WHERE status = 'pending';

-- No foreign keys from the deliveries and their log to the event and the subscription: each delivery row
-- written in an intake transaction checked both, locking the event row (a write to its page) and the
-- subscription row FOR KEY SHARE, which every concurrent intake transaction shares (a multixact per row,
-- under load); and a check's plan, cached by a connection while event was empty, scanned all of event per
-- delivery. The rows are written only by event_write and the relays, with their event and subscription in
-- hand; retention and a subscription's delete remove them explicitly (sql/events/delete-old-events.sql,
-- delete-subscription.sql).
ALTER TABLE event_delivery DROP CONSTRAINT event_delivery_event_id_fkey,
                           DROP CONSTRAINT event_delivery_subscription_id_fkey;
ALTER TABLE event_delivery_attempt DROP CONSTRAINT event_delivery_attempt_event_id_fkey,
                                   DROP CONSTRAINT event_delivery_attempt_subscription_id_fkey;
-- Retention deletes an old event's log by the event.
CREATE INDEX event_delivery_attempt_by_event ON event_delivery_attempt (event_id);
