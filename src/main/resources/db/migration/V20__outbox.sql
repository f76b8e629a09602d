-- The transactional outbox: every change of a lead, its messages and its notes writes its event row in the
-- same transaction as the change itself, by the triggers below, whichever statement or function made it
-- (the intake, a merge, the API, the daily run): no event without its change, no change without its event.
-- Each event carries the resource as the REST API shows it (the Lead, Message and Note schemas of
-- src/main/resources/openapi/leadline.yaml; EventContractTest proves the two agree), a sequence number per
-- lead, and the time it happened. The relays (webhooks, Kafka) read it; it is kept events.retention-days.

-- A lead's events are numbered 1, 2, 3, ... in the order they were written: the lead's row lock orders them.
ALTER TABLE lead ADD COLUMN event_seq bigint NOT NULL DEFAULT 0;

CREATE TABLE event (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),   -- stable: webhook-id on every attempt
    position     bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,     -- the order of writing, for the relays
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    lead_id      bigint      NOT NULL,    -- no FK: a merge deletes the absorbed lead, its events stay
    seq          bigint      NOT NULL,
    type         text        NOT NULL CHECK (type IN ('lead.created', 'lead.updated', 'lead.merged',
                                                      'message.received', 'message.sent', 'message.updated',
                                                      'note.created', 'note.updated', 'note.deleted')),
    occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    data         jsonb       NOT NULL,    -- the resource as the REST API shows it
    detail       jsonb,                   -- what changed (changes: {field: {from, to}}) or the merge
    CONSTRAINT event_seq_per_lead UNIQUE (lead_id, seq)
);
-- Retention deletes by age; the API lists a workspace's events by position.
CREATE INDEX event_by_time ON event (occurred_at);
CREATE INDEX event_by_workspace ON event (workspace_id, position);

-- A time as the API writes it (Jackson's ISO-8601 form, in UTC, to the millisecond): 2026-12-07T18:24:57.000+00:00.
CREATE FUNCTION event_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"')
$$;

-- The resources, named and written as the API answers them (the Lead, Message and Note schemas).
CREATE FUNCTION event_lead(p_lead bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', l.id, 'phone', l.phone, 'bsuid', l.bsuid, 'parentBsuid', l.parent_bsuid,
                              'username', l.username, 'name', l.name, 'status', l.status, 'version', l.version,
                              'createdAt', event_time(l.created_at), 'lastActivityAt', event_time(l.last_activity_at),
                              'messagesIn', c.inbound, 'messagesOut', c.outbound)
    FROM lead l
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE m.direction = 'inbound')  AS inbound,
               count(*) FILTER (WHERE m.direction = 'outbound') AS outbound
        FROM message m
        WHERE m.lead_id = l.id
    ) c
    WHERE l.id = p_lead
$$;

CREATE FUNCTION event_message(m message) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('id', m.id, 'wamid', m.wamid, 'direction', m.direction, 'type', m.type, 'text', m.text,
                              'textTruncated', m.text_truncated, 'mediaUrl', m.media_url, 'sentAt', event_time(m.sent_at),
                              'senderSentAt', event_time(m.sender_sent_at), 'receivedAt', event_time(m.received_at), 'status', m.status,
                              'statusAt', event_time(m.status_at), 'errorCode', m.error_code, 'errorTitle', m.error_title,
                              'previousText', m.previous_text, 'editedAt', event_time(m.edited_at), 'deletedAt', event_time(m.deleted_at))
$$;

CREATE FUNCTION event_note(n note) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('id', n.id, 'kind', n.kind, 'content', n.content, 'addedBy', n.added_by,
                              'addedAt', event_time(n.added_at), 'updatedAt', event_time(n.updated_at), 'day', n.day,
                              'partial', CASE WHEN n.kind = 'daily_summary' THEN n.partial END,
                              'generator', n.generator, 'promptTokens', n.prompt_tokens,
                              'completionTokens', n.completion_tokens, 'statusFrom', n.status_from,
                              'statusTo', n.status_to)
$$;

-- Where events go: a workspace's signed webhooks, and the Kafka topic (one row, kind kafka, workspace NULL,
-- kept in step with events.kafka.brokers at start). types: the event types it takes, each exact or a
-- prefix wildcard ('lead.*', '*').
CREATE TABLE event_subscription (
    id                    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id          bigint      REFERENCES workspace (id),
    kind                  text        NOT NULL DEFAULT 'webhook' CHECK (kind IN ('webhook', 'kafka')),
    url                   text,
    types                 text[]      NOT NULL DEFAULT '{*}',
    secret                text,        -- whsec_..., shown once when created
    enabled               boolean     NOT NULL DEFAULT true,
    disabled_reason       text,
    consecutive_failures  integer     NOT NULL DEFAULT 0,
    last_error            text,
    created_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_subscription_shape CHECK ((kind = 'webhook' AND workspace_id IS NOT NULL AND url IS NOT NULL
                                                AND secret IS NOT NULL) OR (kind = 'kafka' AND workspace_id IS NULL))
);
CREATE INDEX event_subscription_by_workspace ON event_subscription (workspace_id) WHERE enabled;
CREATE UNIQUE INDEX event_subscription_one_kafka ON event_subscription (kind) WHERE kind = 'kafka';

CREATE FUNCTION event_type_matches(p_types text[], p_type text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT EXISTS (SELECT 1 FROM unnest(p_types) t
                   WHERE t = p_type OR t = '*' OR (t LIKE '%.*' AND p_type LIKE left(t, -1) || '%'))
$$;

-- What each subscription still has to deliver, a row per event: written with the event (same transaction),
-- so a relay never misses one whatever order transactions commit in. Per subscription and lead, only the
-- lowest pending seq is ever sent: a lead's next event waits for the one before it (delivered or given up).
CREATE TABLE event_delivery (
    subscription_id  bigint      NOT NULL REFERENCES event_subscription (id) ON DELETE CASCADE,
    lead_id          bigint      NOT NULL,
    seq              bigint      NOT NULL,
    event_id         uuid        NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_until      timestamptz,          -- a relay instance holds it until then
    leased_by        text,
    last_status      integer,              -- the receiver's HTTP status of the last attempt
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    PRIMARY KEY (subscription_id, lead_id, seq)
);
-- The relays' claim: the pending heads, due first.
CREATE INDEX event_delivery_pending ON event_delivery (subscription_id, lead_id, seq) WHERE status = 'pending';
CREATE INDEX event_delivery_by_event ON event_delivery (event_id);

-- Every attempt, for the delivery log (GET .../subscriptions/{id}/deliveries).
CREATE TABLE event_delivery_attempt (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id  bigint      NOT NULL REFERENCES event_subscription (id) ON DELETE CASCADE,
    event_id         uuid        NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    attempt          integer     NOT NULL,
    attempted_at     timestamptz NOT NULL DEFAULT now(),
    status           integer,               -- the receiver's HTTP status; NULL when there was no answer
    latency_ms       integer,
    outcome          text        NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed', 'gone')),
    error            text
);
CREATE INDEX event_delivery_attempt_log ON event_delivery_attempt (subscription_id, attempted_at DESC, id DESC);

-- An event as it leaves leadline (webhook body, Kafka value, the events API): the envelope and its resource,
-- with what changed or the merge where the type has them. Its one home: every relay sends these bytes.
CREATE FUNCTION event_envelope(e event) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('id', e.id, 'type', e.type, 'workspaceId', e.workspace_id, 'leadId', e.lead_id,
                              'sequence', e.seq, 'occurredAt', event_time(e.occurred_at), 'data', e.data)
           || coalesce(e.detail, '{}'::jsonb)
$$;

-- Writes one event of a lead: its next sequence number (taking the lead's row lock, which the change holds
-- already in the intake and the API), the row, and a delivery for every enabled subscription that takes it.
CREATE FUNCTION event_write(p_workspace bigint, p_lead bigint, p_type text, p_data jsonb, p_detail jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
    written  uuid;
BEGIN
    UPDATE lead SET event_seq = event_seq + 1 WHERE id = p_lead RETURNING event_seq INTO next_seq;
    IF NOT FOUND THEN
        RETURN;   -- the lead is being deleted (a merge): its last word is the survivor's lead.merged
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

-- {field: {from, to}} for the fields of the pairs that differ, or NULL when none does.
CREATE FUNCTION event_changes(p_pairs jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_object_agg(key, value) FILTER (WHERE value->'from' IS DISTINCT FROM value->'to')
    FROM jsonb_each(p_pairs)
$$;

CREATE FUNCTION event_on_lead() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM event_write(NEW.workspace_id, NEW.id, 'lead.created', event_lead(NEW.id), NULL);
    ELSE
        PERFORM event_write(NEW.workspace_id, NEW.id, 'lead.updated', event_lead(NEW.id),
                jsonb_build_object('changes', event_changes(jsonb_build_object(
                    'status', jsonb_build_object('from', OLD.status, 'to', NEW.status),
                    'name', jsonb_build_object('from', OLD.name, 'to', NEW.name),
                    'phone', jsonb_build_object('from', OLD.phone, 'to', NEW.phone),
                    'bsuid', jsonb_build_object('from', OLD.bsuid, 'to', NEW.bsuid),
                    'parentBsuid', jsonb_build_object('from', OLD.parent_bsuid, 'to', NEW.parent_bsuid),
                    'username', jsonb_build_object('from', OLD.username, 'to', NEW.username)))));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER lead_created_event AFTER INSERT ON lead FOR EACH ROW EXECUTE FUNCTION event_on_lead();
-- Only what a client sees changed: not the activity time, the version or the event counter.
CREATE TRIGGER lead_updated_event AFTER UPDATE ON lead FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.name IS DISTINCT FROM NEW.name
          OR OLD.phone IS DISTINCT FROM NEW.phone OR OLD.bsuid IS DISTINCT FROM NEW.bsuid
          OR OLD.parent_bsuid IS DISTINCT FROM NEW.parent_bsuid OR OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION event_on_lead();

CREATE FUNCTION event_on_merge() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM event_write(NEW.workspace_id, NEW.into_lead_id, 'lead.merged', event_lead(NEW.into_lead_id),
            jsonb_build_object('merge', jsonb_build_object('survivorLeadId', NEW.into_lead_id,
                                                           'absorbedLeadId', NEW.absorbed_lead_id)));
    RETURN NULL;
END
$$;
CREATE TRIGGER lead_merged_event AFTER INSERT ON lead_merge FOR EACH ROW EXECUTE FUNCTION event_on_merge();

CREATE FUNCTION event_on_message() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM event_write(NEW.workspace_id, NEW.lead_id,
                CASE NEW.direction WHEN 'inbound' THEN 'message.received' ELSE 'message.sent' END,
                event_message(NEW), NULL);
    ELSE
        PERFORM event_write(NEW.workspace_id, NEW.lead_id, 'message.updated', event_message(NEW),
                jsonb_build_object('changes', event_changes(jsonb_build_object(
                    'status', jsonb_build_object('from', OLD.status, 'to', NEW.status),
                    'text', jsonb_build_object('from', OLD.text, 'to', NEW.text),
                    'deletedAt', jsonb_build_object('from', event_time(OLD.deleted_at),
                                                    'to', event_time(NEW.deleted_at))))));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER message_stored_event AFTER INSERT ON message FOR EACH ROW EXECUTE FUNCTION event_on_message();
-- A delivery status, an edit or a delete; a merge moving the message to another lead is not a change of it.
CREATE TRIGGER message_updated_event AFTER UPDATE ON message FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.text IS DISTINCT FROM NEW.text
          OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION event_on_message();

CREATE FUNCTION event_on_note() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM event_write(NEW.workspace_id, NEW.lead_id, 'note.created', event_note(NEW), NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM event_write(NEW.workspace_id, NEW.lead_id, 'note.updated', event_note(NEW), NULL);
    ELSE
        PERFORM event_write(OLD.workspace_id, OLD.lead_id, 'note.deleted', event_note(OLD), NULL);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER note_created_event AFTER INSERT ON note FOR EACH ROW EXECUTE FUNCTION event_on_note();
-- A daily summary rewritten in place, or one turned into a merge note.
CREATE TRIGGER note_updated_event AFTER UPDATE ON note FOR EACH ROW
    WHEN (OLD.content IS DISTINCT FROM NEW.content OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION event_on_note();
CREATE TRIGGER note_deleted_event AFTER DELETE ON note FOR EACH ROW EXECUTE FUNCTION event_on_note();
