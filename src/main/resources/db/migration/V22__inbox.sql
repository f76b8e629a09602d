-- The inbox: per lead, its last message (for the list's preview) and since when it has waited for an answer
-- (the first inbound message after the last outbound one), and per lead and day the time to its first
-- response. Kept by triggers on message, inside the statement that stores or changes a message, so every
-- path (webhooks, catch-up, replays, merges, edits) keeps it current without a round trip of its own; in a
-- narrow table of its own, so that keeping it never rewrites the lead row and its indexes.
CREATE TABLE lead_inbox (
    lead_id           bigint      PRIMARY KEY REFERENCES lead (id) ON DELETE CASCADE,
    workspace_id      bigint      NOT NULL,
    last_message_id   bigint      NOT NULL,
    last_direction    text        NOT NULL,
    last_type         text        NOT NULL,
    last_text         text,       -- its first 140 characters; NULL once deleted
    last_deleted      boolean     NOT NULL DEFAULT false,
    last_at           timestamptz NOT NULL,
    last_outbound_at  timestamptz,
    awaiting_since    timestamptz -- NULL: answered (or never written to)
) WITH (fillfactor = 70);
-- GET /api/leads?awaitingReply=true: a workspace's waiting leads, longest waiting first.
CREATE INDEX lead_inbox_awaiting ON lead_inbox (workspace_id, awaiting_since, lead_id) WHERE awaiting_since IS NOT NULL;

-- A wait answered: the day it began (the workspace's calendar) and how long it lasted; the day's first answer
-- only. The overview's response-time chart reads it by workspace and day.
CREATE TABLE lead_response (
    lead_id       bigint      NOT NULL REFERENCES lead (id) ON DELETE CASCADE,
    day           date        NOT NULL,
    workspace_id  bigint      NOT NULL,
    waited_since  timestamptz NOT NULL,
    answered_at   timestamptz NOT NULL,
    PRIMARY KEY (lead_id, day)
);
CREATE INDEX lead_response_by_day ON lead_response (workspace_id, day);

-- How long an answer may take (the page marks a lead overdue past it), and the language and region of the
-- page's dates (NULL: the default for the workspace's country).
ALTER TABLE workspace
    ADD COLUMN reply_target_minutes integer NOT NULL DEFAULT 60 CHECK (reply_target_minutes BETWEEN 1 AND 10080),
    ADD COLUMN locale               text CHECK (locale ~ '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$');

CREATE FUNCTION message_preview(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT left(regexp_replace(btrim(p_text), '\s+', ' ', 'g'), 140)
$$;

-- The outbox's writers as they are: STABLE, since to_char (in event_time) depends on the session's settings.
-- Declared IMMUTABLE (V20), PostgreSQL would not inline them, and each call ran as a function of its own:
-- about 12 µs a row where the lead list's page writes a lastMessage per lead, against 2 µs inlined.
ALTER FUNCTION event_time(timestamptz) STABLE;
ALTER FUNCTION event_message(message) STABLE;
ALTER FUNCTION event_note(note) STABLE;
ALTER FUNCTION event_envelope(event) STABLE;

-- The API's lastMessage of a lead (LastMessage in src/main/resources/openapi/leadline.yaml), from its inbox row;
-- NULL without one. Its one home: the lead list, the lead, and the lead's events use it.
CREATE FUNCTION lead_last_message(i lead_inbox) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN i.lead_id IS NOT NULL THEN
        jsonb_build_object('direction', i.last_direction, 'type', i.last_type, 'text', i.last_text,
                           'deleted', i.last_deleted, 'at', event_time(i.last_at)) END
$$;

-- Waiting longer than the workspace's reply target (the API's overdue).
CREATE FUNCTION lead_overdue(p_awaiting_since timestamptz, p_target_minutes integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(p_awaiting_since < now() - make_interval(mins => p_target_minutes), false)
$$;

-- A lead's inbox row made again from all its messages: after an edit or a delete of its last message, and
-- for the leads written to before this migration. No messages: no row.
CREATE FUNCTION lead_inbox_refresh(p_lead bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    last      message;
    out_at    timestamptz;
    waiting   timestamptz;
BEGIN
    SELECT * INTO last FROM message WHERE lead_id = p_lead ORDER BY sent_at DESC, id DESC LIMIT 1;
    IF NOT FOUND THEN
        DELETE FROM lead_inbox WHERE lead_id = p_lead;
        RETURN;
    END IF;
    SELECT max(sent_at) INTO out_at FROM message WHERE lead_id = p_lead AND direction = 'outbound';
    SELECT min(sent_at) INTO waiting FROM message
    WHERE lead_id = p_lead AND direction = 'inbound' AND (out_at IS NULL OR sent_at > out_at);
    INSERT INTO lead_inbox (lead_id, workspace_id, last_message_id, last_direction, last_type, last_text, last_deleted,
                            last_at, last_outbound_at, awaiting_since)
    VALUES (p_lead, last.workspace_id, last.id, last.direction, last.type,
            CASE WHEN last.deleted_at IS NULL THEN message_preview(last.text) END, last.deleted_at IS NOT NULL,
            last.sent_at, out_at, waiting)
    ON CONFLICT (lead_id) DO UPDATE
    SET last_message_id = EXCLUDED.last_message_id, last_direction = EXCLUDED.last_direction,
        last_type = EXCLUDED.last_type, last_text = EXCLUDED.last_text, last_deleted = EXCLUDED.last_deleted,
        last_at = EXCLUDED.last_at, last_outbound_at = EXCLUDED.last_outbound_at,
        awaiting_since = EXCLUDED.awaiting_since;
END
$$;

-- A new message (or one a merge moved here), incrementally: one row read and written, by its key. Messages
-- may arrive out of order (a sender's retry, a catch-up): the last message is the latest by the sender's time; an
-- inbound one older than the last answer waits for nothing; an outbound one answers the wait that began
-- before it, and a later inbound message (already stored) starts the next wait.
CREATE FUNCTION lead_inbox_on_message() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    inbox    lead_inbox;
    latest   boolean;
    waiting  timestamptz;
BEGIN
    SELECT * INTO inbox FROM lead_inbox WHERE lead_id = NEW.lead_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO lead_inbox (lead_id, workspace_id, last_message_id, last_direction, last_type, last_text, last_at,
                                last_outbound_at, awaiting_since)
        VALUES (NEW.lead_id, NEW.workspace_id, NEW.id, NEW.direction, NEW.type, message_preview(NEW.text), NEW.sent_at,
                CASE WHEN NEW.direction = 'outbound' THEN NEW.sent_at END,
                CASE WHEN NEW.direction = 'inbound' THEN NEW.sent_at END)
        ON CONFLICT (lead_id) DO NOTHING;
        IF NOT FOUND THEN
            PERFORM lead_inbox_refresh(NEW.lead_id);   -- a concurrent first message of the lead won the insert
        END IF;
        RETURN NULL;
    END IF;
    latest := (NEW.sent_at, NEW.id) >= (inbox.last_at, inbox.last_message_id);
    waiting := inbox.awaiting_since;
    IF NEW.direction = 'inbound' THEN
        IF inbox.last_outbound_at IS NULL OR NEW.sent_at > inbox.last_outbound_at THEN
            waiting := LEAST(coalesce(waiting, NEW.sent_at), NEW.sent_at);
        END IF;
    ELSIF inbox.last_outbound_at IS NULL OR NEW.sent_at > inbox.last_outbound_at THEN
        IF waiting IS NOT NULL AND waiting <= NEW.sent_at THEN
            INSERT INTO lead_response (lead_id, day, workspace_id, waited_since, answered_at)
            SELECT NEW.lead_id, CAST(waiting AT TIME ZONE w.time_zone AS date), NEW.workspace_id, waiting, NEW.sent_at
            FROM workspace w WHERE w.id = NEW.workspace_id
            ON CONFLICT (lead_id, day) DO NOTHING;
            SELECT min(sent_at) INTO waiting FROM message
            WHERE lead_id = NEW.lead_id AND direction = 'inbound' AND sent_at > NEW.sent_at;
        END IF;
        inbox.last_outbound_at := NEW.sent_at;
    END IF;
    UPDATE lead_inbox
    SET last_message_id = CASE WHEN latest THEN NEW.id ELSE last_message_id END,
        last_direction = CASE WHEN latest THEN NEW.direction ELSE last_direction END,
        last_type = CASE WHEN latest THEN NEW.type ELSE last_type END,
        last_text = CASE WHEN latest THEN message_preview(NEW.text) ELSE last_text END,
        last_deleted = CASE WHEN latest THEN false ELSE last_deleted END,
        last_at = CASE WHEN latest THEN NEW.sent_at ELSE last_at END,
        last_outbound_at = inbox.last_outbound_at,
        awaiting_since = waiting
    WHERE lead_id = NEW.lead_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER message_keeps_inbox AFTER INSERT ON message FOR EACH ROW EXECUTE FUNCTION lead_inbox_on_message();

-- An edit or a delete of a lead's last message changes its preview.
CREATE FUNCTION lead_inbox_on_message_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM lead_inbox WHERE lead_id = NEW.lead_id AND last_message_id = NEW.id) THEN
        PERFORM lead_inbox_refresh(NEW.lead_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER message_change_keeps_inbox AFTER UPDATE OF text, deleted_at ON message FOR EACH ROW
    WHEN (OLD.text IS DISTINCT FROM NEW.text OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION lead_inbox_on_message_change();

-- A merge moves the absorbed lead's messages to the survivor: each counts for the survivor as if it had just
-- arrived (the rules above do not depend on the order messages come in); the absorbed lead's row goes with
-- the lead.
CREATE TRIGGER message_moved_keeps_inbox AFTER UPDATE OF lead_id ON message FOR EACH ROW
    WHEN (OLD.lead_id IS DISTINCT FROM NEW.lead_id)
    EXECUTE FUNCTION lead_inbox_on_message();

-- The lead in its events, as the API shows it: with its last message and its wait.
CREATE OR REPLACE FUNCTION event_lead(p_lead bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', l.id, 'phone', l.phone, 'bsuid', l.bsuid, 'parentBsuid', l.parent_bsuid,
                              'username', l.username, 'name', l.name, 'status', l.status, 'version', l.version,
                              'createdAt', event_time(l.created_at), 'lastActivityAt', event_time(l.last_activity_at),
                              'messagesIn', c.inbound, 'messagesOut', c.outbound,
                              'lastMessage', lead_last_message(i), 'awaitingReplySince', event_time(i.awaiting_since),
                              'overdue', lead_overdue(i.awaiting_since, w.reply_target_minutes))
    FROM lead l
    JOIN workspace w ON w.id = l.workspace_id
    LEFT JOIN lead_inbox i ON i.lead_id = l.id
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE m.direction = 'inbound')  AS inbound,
               count(*) FILTER (WHERE m.direction = 'outbound') AS outbound
        FROM message m
        WHERE m.lead_id = l.id
    ) c
    WHERE l.id = p_lead
$$;

-- The leads written to before this migration.
SELECT lead_inbox_refresh(id) FROM lead;
