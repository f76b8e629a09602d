-- A customer's erasure (POST /api/leads/{id}/erase, docs/privacy.md) and the audit log of admin and privacy
-- actions (GET /api/admin/audit-log).

-- An erasure's record: which lead (and the leads merged into it), when, by which API token (its id, never the
-- token), and how many rows of each kind went. No phone, BSUID, name or text: the identities are kept only as
-- salted hashes (erased_identity), enough to recognise them, not to read them back.
CREATE TABLE lead_erasure (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id       bigint      NOT NULL REFERENCES workspace (id),
    lead_id            bigint      NOT NULL,   -- no FK: the lead is gone
    absorbed_lead_ids  bigint[]    NOT NULL DEFAULT '{}',
    erased_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    erased_by_token_id bigint,                 -- api_token.id
    deleted            jsonb       NOT NULL    -- {messages: n, notes: n, ...}
);
CREATE INDEX lead_erasure_by_lead ON lead_erasure (workspace_id, lead_id);

-- Each identity an erasure removed (the lead's phone and BSUID, and its aliases), as
-- erasure_hash(privacy.erasure-salt, kind, value). The intake refuses a message of such an identity sent before
-- its erasure (a late retry, a catch-up of the erased window), by one probe of the primary key.
CREATE TABLE erased_identity (
    workspace_id   bigint      NOT NULL,
    identity_hash  bytea       NOT NULL,
    erasure_id     bigint      NOT NULL REFERENCES lead_erasure (id),
    erased_at      timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, identity_hash, erasure_id)
);

-- The erased messages, by erasure_hash(salt, 'wamid', wamid): a status, edit or revoke of one arriving after the
-- erasure is not kept waiting for its message (an edit carries its text), by one probe of the primary key.
CREATE TABLE erased_message (
    workspace_id  bigint NOT NULL,
    wamid_hash    bytea  NOT NULL,
    erasure_id    bigint NOT NULL REFERENCES lead_erasure (id),
    PRIMARY KEY (workspace_id, wamid_hash)
);

-- The one home of the salted hash: SHA-256 over the installation's secret salt, the kind (phone, bsuid) and the
-- canonical value (E.164 phone; BSUID byte for byte), as UTF-8. STABLE as convert_to is: so PostgreSQL inlines
-- it (declared IMMUTABLE, each call ran as a function of its own, some 30 µs against 1 µs).
CREATE FUNCTION erasure_hash(p_salt text, p_kind text, p_value text) RETURNS bytea
LANGUAGE sql STABLE AS $$
    SELECT sha256(convert_to(p_salt || ':' || p_kind || ':' || p_value, 'UTF8'))
$$;

-- The outbox takes the erasure's event: ids only (docs/events.md).
ALTER TABLE event DROP CONSTRAINT event_type_check;
ALTER TABLE event ADD CONSTRAINT event_type_check
    CHECK (type IN ('lead.created', 'lead.updated', 'lead.merged', 'lead.erased', 'message.received', 'message.sent',
                    'message.updated', 'note.created', 'note.updated', 'note.deleted'));

-- V9's lead lookup, which the intake now asks to refuse an erased customer (p_erasure_salt given): NULL when the
-- phone or BSUID was erased after p_activity_at (a message's sent time); for an event with no time of the
-- customer's own (p_only_creation: a conversation event), NULL when it would create a lead for an identity erased
-- at any time (the customer's next message creates it). Checked on every pass of the loop, after the lookup and
-- before any write: an erasure that commits while this waits for the lead's row lock (the erasure holds it) is
-- seen by the next pass, which would otherwise create a new lead.
CREATE FUNCTION intake_lead_for(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                p_username text, p_name text, p_activity_at timestamptz, p_touch boolean,
                                p_erasure_salt text, p_only_creation boolean)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    by_bsuid  bigint;
    by_phone  bigint;
    found_id  bigint;
    lead_phone text;
    lead_bsuid text;
    hashes    bytea[];
BEGIN
    IF p_phone IS NULL AND p_bsuid IS NULL THEN
        RAISE EXCEPTION 'a lead needs a phone or a BSUID' USING ERRCODE = '22023';
    END IF;
    IF p_erasure_salt IS NOT NULL THEN
        hashes := array_remove(ARRAY[erasure_hash(p_erasure_salt, 'phone', p_phone),
                                     erasure_hash(p_erasure_salt, 'bsuid', p_bsuid)], NULL);
    END IF;
    LOOP
        by_bsuid := CASE WHEN p_bsuid IS NULL THEN NULL ELSE lead_holding(p_workspace, 'bsuid', p_bsuid) END;
        by_phone := CASE WHEN p_phone IS NULL THEN NULL ELSE lead_holding(p_workspace, 'phone', p_phone) END;

        IF hashes IS NOT NULL AND (NOT p_only_creation OR (by_bsuid IS NULL AND by_phone IS NULL))
           AND EXISTS (SELECT 1 FROM erased_identity
                       WHERE workspace_id = p_workspace AND identity_hash = ANY (hashes)
                         AND erased_at > CASE WHEN p_only_creation THEN '-infinity' ELSE p_activity_at END) THEN
            RETURN NULL;
        END IF;

        IF by_bsuid IS NULL AND by_phone IS NULL THEN
            INSERT INTO lead (workspace_id, phone, bsuid, parent_bsuid, username, name, last_activity_at)
            VALUES (p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name, p_activity_at)
            ON CONFLICT DO NOTHING
            RETURNING id INTO found_id;
            IF found_id IS NOT NULL THEN
                RETURN found_id;
            END IF;
            CONTINUE;
        END IF;

        IF by_bsuid IS NOT NULL AND by_phone IS NOT NULL AND by_bsuid <> by_phone THEN
            found_id := lead_merge_pair(p_workspace, by_bsuid, by_phone,
                                        'a message carried the phone of one and the BSUID of the other');
            CONTINUE;
        END IF;

        found_id := COALESCE(by_bsuid, by_phone);
        UPDATE lead
        SET name = COALESCE(name, p_name),
            parent_bsuid = COALESCE(p_parent_bsuid, parent_bsuid),
            username = COALESCE(p_username, username),
            last_activity_at = CASE WHEN p_touch THEN GREATEST(last_activity_at, p_activity_at) ELSE last_activity_at END
        WHERE id = found_id
        RETURNING phone, bsuid INTO lead_phone, lead_bsuid;
        IF NOT FOUND THEN
            CONTINUE;   -- merged away, or erased, concurrently
        END IF;

        IF (p_bsuid IS NOT NULL AND by_bsuid IS NULL) OR (p_phone IS NOT NULL AND by_phone IS NULL) THEN
            BEGIN
                IF by_bsuid IS NULL THEN
                    PERFORM lead_keep_identity(p_workspace, found_id, 'bsuid', p_bsuid);
                END IF;
                IF by_phone IS NULL THEN
                    PERFORM lead_keep_identity(p_workspace, found_id, 'phone', p_phone);
                END IF;
            EXCEPTION WHEN unique_violation THEN
                CONTINUE;
            END;
        END IF;
        RETURN found_id;
    END LOOP;
END
$$;

-- The other caller (identity changes) looks up as before: one body, no erasure check (an identity change of an
-- erased customer finds no lead: intake_change_identity_unless_erased).
CREATE OR REPLACE FUNCTION intake_lead_for(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                           p_username text, p_name text, p_activity_at timestamptz, p_touch boolean)
RETURNS bigint
LANGUAGE sql AS $$
    SELECT intake_lead_for(p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name, p_activity_at, p_touch,
                           NULL::text, false)
$$;

-- V14's store, with the installation's erasure salt: a message of an erased customer sent before the erasure
-- stores nothing and answers 'erased' (the route counts it as ignored). Answers 'stored', 'duplicates' or 'erased'.
DROP FUNCTION intake_store_message(bigint, text, text, text, text, text, text, text, text, text, text, text, boolean,
                                   text, timestamptz, timestamptz, text);
CREATE FUNCTION intake_store_message(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                     p_username text, p_name text, p_conversation_id text,
                                     p_conversation_status text, p_wamid text, p_direction text, p_type text,
                                     p_text text, p_text_truncated boolean, p_media_url text,
                                     p_sent_at timestamptz, p_sender_sent_at timestamptz,
                                     p_source text, p_erasure_salt text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    found_lead          bigint;
    found_conversation  bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM message WHERE workspace_id = p_workspace AND wamid = p_wamid) THEN
        RETURN 'duplicates';
    END IF;
    found_lead := intake_lead_for(p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name, p_sent_at, true,
                                  p_erasure_salt, false);
    IF found_lead IS NULL THEN
        RETURN 'erased';
    END IF;
    IF p_conversation_id IS NOT NULL THEN
        INSERT INTO conversation (workspace_id, lead_id, kapso_id, status, last_message_at)
        VALUES (p_workspace, found_lead, p_conversation_id, p_conversation_status, p_sent_at)
        ON CONFLICT ON CONSTRAINT conversation_one_per_kapso_id DO UPDATE
            SET status = COALESCE(EXCLUDED.status, conversation.status),
                last_message_at = GREATEST(conversation.last_message_at, EXCLUDED.last_message_at)
        RETURNING id INTO found_conversation;
    END IF;
    INSERT INTO message (workspace_id, lead_id, conversation_id, wamid, direction, type, text, text_truncated,
                         media_url, sent_at, sender_sent_at, source)
    VALUES (p_workspace, found_lead, found_conversation, p_wamid, p_direction, p_type, p_text, p_text_truncated,
            p_media_url, p_sent_at, p_sender_sent_at, p_source)
    ON CONFLICT ON CONSTRAINT message_once_per_wamid DO NOTHING;
    RETURN CASE WHEN FOUND THEN 'stored' ELSE 'duplicates' END;
END
$$;

-- V9's conversation event, with the installation's erasure salt: an event about an erased customer that would
-- create their lead stores nothing and answers 'erased' (a conversation ending after the erasure must not bring
-- them back; their next message does). Answers 'conversationsUpdated' or 'erased'.
DROP FUNCTION intake_update_conversation(bigint, text, text, text, text, text, text, text);
CREATE FUNCTION intake_update_conversation(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                           p_username text, p_name text, p_conversation_id text,
                                           p_conversation_status text, p_erasure_salt text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    found_lead bigint;
BEGIN
    found_lead := intake_lead_for(p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name, now(), false,
                                  p_erasure_salt, true);
    IF found_lead IS NULL THEN
        RETURN 'erased';
    END IF;
    INSERT INTO conversation (workspace_id, lead_id, kapso_id, status)
    VALUES (p_workspace, found_lead, p_conversation_id, p_conversation_status)
    ON CONFLICT ON CONSTRAINT conversation_one_per_kapso_id DO UPDATE
        SET status = EXCLUDED.status;
    RETURN 'conversationsUpdated';
END
$$;

-- V13's status, edit or revoke, with the installation's erasure salt: one for a message that an erasure deleted is
-- not kept waiting for it and answers 'erased' (the route counts it as ignored). Otherwise as before: answers
-- 'messagesUpdated', 'duplicates', 'updatesPending' or 'ignored'.
DROP FUNCTION intake_update_message(bigint, text, text, text, timestamptz, text, text, text, boolean);
CREATE FUNCTION intake_update_message(p_workspace bigint, p_wamid text, p_kind text, p_status text, p_at timestamptz,
                                      p_error_code text, p_error_title text, p_text text, p_text_truncated boolean,
                                      p_erasure_salt text)
RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF p_kind = 'status' AND message_status_rank(p_status) IS NULL THEN
        RETURN 'ignored';
    END IF;
    PERFORM message_state_lock(p_workspace, p_wamid);
    IF p_kind = 'status' THEN
        UPDATE message SET status = p_status, status_at = p_at,
                           error_code = CASE WHEN p_status = 'failed' THEN p_error_code END,
                           error_title = CASE WHEN p_status = 'failed' THEN p_error_title END
        WHERE workspace_id = p_workspace AND wamid = p_wamid
          AND (status IS NULL OR message_status_rank(p_status) > message_status_rank(status));
    ELSIF p_kind = 'edit' THEN
        UPDATE message SET previous_text = text, text = p_text, text_truncated = p_text_truncated, edited_at = p_at
        WHERE workspace_id = p_workspace AND wamid = p_wamid AND deleted_at IS NULL
          AND (edited_at IS NULL OR p_at > edited_at) AND text IS DISTINCT FROM p_text;
    ELSE
        UPDATE message SET deleted_at = p_at
        WHERE workspace_id = p_workspace AND wamid = p_wamid AND deleted_at IS NULL;
    END IF;
    IF FOUND THEN
        RETURN 'messagesUpdated';
    END IF;
    IF EXISTS (SELECT 1 FROM message WHERE workspace_id = p_workspace AND wamid = p_wamid) THEN
        RETURN 'duplicates';
    END IF;
    IF p_erasure_salt IS NOT NULL
       AND EXISTS (SELECT 1 FROM erased_message
                   WHERE workspace_id = p_workspace AND wamid_hash = erasure_hash(p_erasure_salt, 'wamid', p_wamid)) THEN
        RETURN 'erased';
    END IF;
    DELETE FROM message_pending_update WHERE received_at < now() - message_update_pending_ttl();
    INSERT INTO message_pending_update AS pending (workspace_id, wamid, kind, status, error_code, error_title, text,
                                                   text_truncated, at)
    VALUES (p_workspace, p_wamid, p_kind, p_status, p_error_code, p_error_title, p_text, coalesce(p_text_truncated, false), p_at)
    ON CONFLICT (workspace_id, wamid, kind) DO UPDATE
        SET status = EXCLUDED.status, error_code = EXCLUDED.error_code, error_title = EXCLUDED.error_title,
            text = EXCLUDED.text, text_truncated = EXCLUDED.text_truncated, at = EXCLUDED.at
        WHERE (pending.kind = 'status' AND message_status_rank(EXCLUDED.status) > message_status_rank(pending.status))
           OR (pending.kind = 'edit' AND EXCLUDED.at > pending.at);
    RETURN 'updatesPending';
END
$$;

-- V16's note from a webhook event (a handover, the AI agent's summary), with the installation's erasure salt: one of
-- an erased customer from before the erasure adds nothing and answers 'erased'. Otherwise 'notesAdded' or
-- 'duplicates'.
DROP FUNCTION intake_add_event_note(bigint, text, text, text, text, text, text, text, text, timestamptz, text);
CREATE FUNCTION intake_add_event_note(p_workspace bigint, p_event_key text, p_phone text, p_bsuid text,
                                      p_parent_bsuid text, p_username text, p_name text, p_kind text,
                                      p_content text, p_at timestamptz, p_added_by text, p_erasure_salt text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    found_lead bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM note WHERE workspace_id = p_workspace AND event_key = p_event_key) THEN
        RETURN 'duplicates';
    END IF;
    found_lead := intake_lead_for(p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name, p_at, false,
                                  p_erasure_salt, false);
    IF found_lead IS NULL THEN
        RETURN 'erased';
    END IF;
    INSERT INTO note (workspace_id, lead_id, kind, content, added_by, added_at, event_key)
    VALUES (p_workspace, found_lead, p_kind, p_content, p_added_by, p_at, p_event_key)
    ON CONFLICT (workspace_id, event_key) WHERE event_key IS NOT NULL DO NOTHING;
    RETURN CASE WHEN FOUND THEN 'notesAdded' ELSE 'duplicates' END;
END
$$;

-- An identity change (V19's intake_change_identity, unchanged) that finds no lead, and names a phone or BSUID an
-- erasure removed, answers 'erased' instead of 'no-lead': the route then keeps nothing, where a dead letter would
-- keep the erased identity. Checked only on that path: every other change costs nothing more.
CREATE FUNCTION intake_change_identity_unless_erased(p_workspace bigint, p_event_key text, p_previous_bsuid text,
                                                     p_previous_phone text, p_bsuid text, p_parent_bsuid text,
                                                     p_phone text, p_username text, p_name text, p_note text,
                                                     p_at timestamptz, p_erasure_salt text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    outcome text;
BEGIN
    outcome := intake_change_identity(p_workspace, p_event_key, p_previous_bsuid, p_previous_phone, p_bsuid,
                                      p_parent_bsuid, p_phone, p_username, p_name, p_note, p_at);
    IF outcome = 'no-lead' AND p_erasure_salt IS NOT NULL
       AND EXISTS (SELECT 1
                   FROM (VALUES ('bsuid', p_previous_bsuid), ('phone', p_previous_phone), ('bsuid', p_bsuid),
                                ('phone', p_phone)) AS v (kind, value)
                   JOIN erased_identity e ON e.workspace_id = p_workspace
                                         AND e.identity_hash = erasure_hash(p_erasure_salt, v.kind, v.value)
                   WHERE v.value IS NOT NULL) THEN
        RETURN 'erased';
    END IF;
    RETURN outcome;
END
$$;

-- A lead and the leads merged into it (along later merges), the lead first.
CREATE FUNCTION lead_and_absorbed(p_workspace bigint, p_lead bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE absorbed (lead_id, depth) AS (
        SELECT p_lead, 0
        UNION ALL
        SELECT m.absorbed_lead_id, a.depth + 1
        FROM absorbed a
        JOIN lead_merge m ON m.into_lead_id = a.lead_id AND m.workspace_id = p_workspace
        WHERE a.depth < 100
    )
    SELECT array_agg(lead_id ORDER BY depth, lead_id) FROM absorbed
$$;

-- An erasure as the API shows it (the Erasure schema of src/main/resources/openapi/leadline.yaml).
CREATE FUNCTION lead_erasure_json(e lead_erasure) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', e.id, 'leadId', e.lead_id, 'absorbedLeadIds', to_jsonb(e.absorbed_lead_ids),
                              'erasedAt', event_time(e.erased_at), 'erasedByTokenId', e.erased_by_token_id,
                              'deleted', e.deleted)
$$;

-- Erases a customer in one transaction: answers the erasure record (as the API shows it), or NULL when the
-- workspace has no such lead. The lead's row is locked first, as the intake's store locks it, so a message being
-- stored for the customer either commits before (and is erased with the rest) or waits and then finds no lead
-- and the erased identities (intake_lead_for). Deleted: messages (and the status, edit and revoke updates
-- waiting for them), conversations, notes (status history included), aliases, the identities, the inbox rows,
-- the dead letters of the workspace whose payload names the phone or the BSUID (or an alias), the merges into
-- it, and every outbound event of the lead and of the leads merged into it with their deliveries and attempts.
-- Then one lead.erased event (ids only) goes out through the outbox, and the lead row goes.
CREATE FUNCTION lead_erase(p_workspace bigint, p_lead bigint, p_token_id bigint, p_salt text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    erased      lead%ROWTYPE;
    leads       bigint[];
    identities  text[];     -- 'kind:value', e.g. 'phone:+6281234567890'
    erasure     lead_erasure%ROWTYPE;
    wamids      bytea[];
    n_messages  integer;
    n_pending   integer;
    n_conversations integer;
    n_notes     integer;
    n_status    integer;
    n_aliases   integer;
    n_letters   integer;
    n_events    integer;
    n_deliveries integer;
    n_attempts  integer;
BEGIN
    SELECT * INTO erased FROM lead WHERE id = p_lead AND workspace_id = p_workspace FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    leads := lead_and_absorbed(p_workspace, p_lead);
    SELECT array_agg(i.kind || ':' || i.value ORDER BY i.kind, i.value) INTO identities
    FROM (VALUES ('phone', erased.phone), ('bsuid', erased.bsuid)
          UNION SELECT kind, value FROM lead_alias WHERE lead_id = p_lead) AS i (kind, value)
    WHERE i.value IS NOT NULL;

    SELECT array_agg(erasure_hash(p_salt, 'wamid', wamid)) INTO wamids FROM message WHERE lead_id = p_lead;

    -- Updates waiting for a message are keyed by its wamid alone: those naming the lead's messages go (a stored
    -- message takes its own at once, so these are few); those of a message never stored name no customer and
    -- expire (message_update_pending_ttl). Later ones of an erased message are refused (erased_message).
    DELETE FROM message_pending_update p USING message m
    WHERE m.lead_id = p_lead AND p.workspace_id = p_workspace AND p.wamid = m.wamid;
    GET DIAGNOSTICS n_pending = ROW_COUNT;
    DELETE FROM message WHERE lead_id = p_lead;
    GET DIAGNOSTICS n_messages = ROW_COUNT;
    DELETE FROM conversation WHERE lead_id = p_lead;
    GET DIAGNOSTICS n_conversations = ROW_COUNT;
    SELECT count(*) INTO n_status FROM note WHERE lead_id = p_lead AND kind = 'status_change';
    DELETE FROM note WHERE lead_id = p_lead;   -- its note.deleted events go with the lead's events below
    GET DIAGNOSTICS n_notes = ROW_COUNT;
    DELETE FROM lead_alias WHERE lead_id = p_lead;
    GET DIAGNOSTICS n_aliases = ROW_COUNT;
    DELETE FROM summary_claim WHERE lead_id = p_lead;
    DELETE FROM identity_event WHERE workspace_id = p_workspace AND lead_id = ANY (leads);
    DELETE FROM lead_merge WHERE workspace_id = p_workspace AND into_lead_id = ANY (leads);

    -- The workspace's dead letters (verified for it, or for its number) whose raw payload names an identity: a
    -- phone as its digits (Meta writes 62812..., Kapso +62812...), a BSUID as it is. A scan of the dead letters:
    -- an erasure is rare, and a payload is text no index reads.
    DELETE FROM dead_letter d
    USING workspace w
    WHERE w.id = p_workspace
      AND (d.verified_workspace_id = p_workspace OR d.phone_number_id = w.phone_number_id)
      AND EXISTS (SELECT 1 FROM unnest(identities) i
                  WHERE strpos(d.payload, CASE WHEN i LIKE 'phone:%' THEN ltrim(substr(i, 7), '+') ELSE substr(i, 7) END) > 0);
    GET DIAGNOSTICS n_letters = ROW_COUNT;

    DELETE FROM event_delivery_attempt a USING event e
    WHERE e.lead_id = ANY (leads) AND e.workspace_id = p_workspace AND a.event_id = e.id;
    GET DIAGNOSTICS n_attempts = ROW_COUNT;
    DELETE FROM event_delivery d USING event e
    WHERE e.lead_id = ANY (leads) AND e.workspace_id = p_workspace AND d.event_id = e.id;
    GET DIAGNOSTICS n_deliveries = ROW_COUNT;
    DELETE FROM event WHERE lead_id = ANY (leads) AND workspace_id = p_workspace;
    GET DIAGNOSTICS n_events = ROW_COUNT;

    INSERT INTO lead_erasure (workspace_id, lead_id, absorbed_lead_ids, erased_by_token_id, deleted)
    VALUES (p_workspace, p_lead, leads[2:], p_token_id,
            jsonb_build_object('messages', n_messages, 'pendingUpdates', n_pending, 'conversations', n_conversations,
                               'notes', n_notes, 'statusChanges', n_status, 'aliases', n_aliases,
                               'identities', coalesce(cardinality(identities), 0), 'deadLetters', n_letters,
                               'events', n_events, 'eventDeliveries', n_deliveries, 'deliveryAttempts', n_attempts))
    RETURNING * INTO erasure;
    INSERT INTO erased_identity (workspace_id, identity_hash, erasure_id, erased_at)
    SELECT DISTINCT p_workspace, erasure_hash(p_salt, split_part(i, ':', 1), substr(i, strpos(i, ':') + 1)), erasure.id,
           erasure.erased_at
    FROM unnest(identities) i;
    INSERT INTO erased_message (workspace_id, wamid_hash, erasure_id)
    SELECT p_workspace, w, erasure.id FROM unnest(wamids) w
    ON CONFLICT DO NOTHING;

    -- The lead's last event, through the outbox like every other (its row still holds the sequence).
    PERFORM event_write(p_workspace, p_lead, 'lead.erased', jsonb_build_object('id', p_lead),
                        jsonb_build_object('erasure', jsonb_build_object('erasureId', erasure.id,
                                                                         'absorbedLeadIds', to_jsonb(leads[2:]))));
    DELETE FROM lead WHERE id = p_lead;
    RAISE LOG 'leadline: erased lead % of workspace % (erasure %)', p_lead, p_workspace, erasure.id;
    RETURN lead_erasure_json(erasure);
END
$$;

-- The audit log: who (the admin token, or a workspace API token by its id), what (the action, its target ids
-- and the settings it changed, never a secret or a message's text), when, and from which client address (the
-- connection's, as the HTTP server saw it; X-Forwarded-For is not trusted). Written by the action's own
-- statement where the action is one (docs/privacy.md lists which are recorded right after instead).
CREATE TABLE audit_log (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor           text        NOT NULL CHECK (actor IN ('admin', 'workspace-token')),
    token_id        bigint,     -- api_token.id of a workspace token; NULL for admin
    workspace_id    bigint,     -- the workspace acted on; NULL for an installation-wide action
    action          text        NOT NULL,
    target          jsonb       NOT NULL DEFAULT '{}',
    client_address  text
);
-- GET /api/admin/audit-log: newest first, keyset-paginated on (at, id), all or one workspace's.
CREATE INDEX audit_log_newest ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, at DESC, id DESC);
