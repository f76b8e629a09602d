-- Issue 11: WhatsApp identities of 2026. A lead is found, per workspace, by its canonical E.164 phone, by
-- its business-scoped user id (BSUID), or by both (WHATSAPP_IDENTITIES.md §7). A customer with a username
-- may write with no phone at all, so phone becomes optional; one of the two must be there.

ALTER TABLE lead
    ALTER COLUMN phone DROP NOT NULL,
    ADD COLUMN bsuid         text,   -- exactly as received: case-sensitive, never normalised
    ADD COLUMN parent_bsuid  text,   -- an attribute, never a key
    ADD COLUMN username      text,   -- display only: it may change at any time
    ADD CONSTRAINT lead_has_identity CHECK (phone IS NOT NULL OR bsuid IS NOT NULL),
    -- NULLs never conflict, so this is "unique where bsuid is not null", like lead_one_per_phone for phone.
    ADD CONSTRAINT lead_one_per_bsuid UNIQUE (workspace_id, bsuid);

-- A lead's earlier identities: the phone or BSUID it had before an identity change, and those of a lead
-- merged into it. A late message carrying one still resolves to the lead; a search for an old number
-- still finds it. One owner per identity and workspace.
CREATE TABLE lead_alias (
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    kind          text        NOT NULL CHECK (kind IN ('phone', 'bsuid')),
    value         text        NOT NULL,
    lead_id       bigint      NOT NULL REFERENCES lead (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, kind, value)
);
CREATE INDEX lead_alias_by_lead ON lead_alias (lead_id);
CREATE INDEX lead_alias_value_trigram ON lead_alias USING gin (value gin_trgm_ops);

-- q also matches the username and the BSUID (substring, like the phone).
CREATE INDEX lead_username_trigram ON lead USING gin (username gin_trgm_ops);
CREATE INDEX lead_bsuid_trigram ON lead USING gin (bsuid gin_trgm_ops);

-- A merge deletes the absorbed lead; this keeps where it went. No foreign keys to lead: the lead that
-- absorbed another may later be merged itself, and the rows then form a chain (B -> A -> C) that
-- GET /api/leads/B follows.
CREATE TABLE lead_merge (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint      NOT NULL REFERENCES workspace (id),
    absorbed_lead_id  bigint      NOT NULL UNIQUE,
    into_lead_id      bigint      NOT NULL,
    merged_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lead_merge_into ON lead_merge (into_lead_id);

-- Identity-change events applied, by their key (Meta's message id, or a hash of Kapso's event): a
-- re-sent event changes nothing and adds no second note.
CREATE TABLE identity_event (
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    event_key     text        NOT NULL,
    lead_id       bigint      NOT NULL,   -- no FK: the lead may later be merged away
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, event_key)
);

-- The timeline records merges and identity changes as system notes.
ALTER TABLE note DROP CONSTRAINT note_kind_check;
ALTER TABLE note ADD CONSTRAINT note_kind_check
    CHECK (kind IN ('daily_summary', 'manual', 'status_change', 'merge', 'identity_change'));

-- The lead that holds an identity in a workspace, as its current value or as an alias; NULL if none.
CREATE FUNCTION lead_holding(p_workspace bigint, p_kind text, p_value text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        (SELECT id FROM lead
         WHERE workspace_id = p_workspace
           AND ((p_kind = 'phone' AND phone = p_value) OR (p_kind = 'bsuid' AND bsuid = p_value))),
        (SELECT lead_id FROM lead_alias WHERE workspace_id = p_workspace AND kind = p_kind AND value = p_value))
$$;

-- Keeps a lead's own identity of a kind: the one in its column stays; a different one becomes its alias.
CREATE FUNCTION lead_keep_identity(p_workspace bigint, p_lead bigint, p_kind text, p_value text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    current_value text;
BEGIN
    IF p_value IS NULL THEN
        RETURN;
    END IF;
    SELECT CASE p_kind WHEN 'phone' THEN phone ELSE bsuid END INTO current_value FROM lead WHERE id = p_lead;
    IF current_value IS NULL THEN
        DELETE FROM lead_alias WHERE workspace_id = p_workspace AND kind = p_kind AND value = p_value;
        IF p_kind = 'phone' THEN
            UPDATE lead SET phone = p_value WHERE id = p_lead;
        ELSE
            UPDATE lead SET bsuid = p_value WHERE id = p_lead;
        END IF;
    ELSIF current_value <> p_value THEN
        INSERT INTO lead_alias (workspace_id, kind, value, lead_id)
        VALUES (p_workspace, p_kind, p_value, p_lead)
        ON CONFLICT (workspace_id, kind, value) DO UPDATE SET lead_id = EXCLUDED.lead_id;
    END IF;
END
$$;

-- Gives a lead a new identity of a kind (an identity change): the new value takes the column, and the
-- value it replaces is kept as an alias.
CREATE FUNCTION lead_take_identity(p_workspace bigint, p_lead bigint, p_kind text, p_value text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    replaced text;
BEGIN
    IF p_value IS NULL THEN
        RETURN;
    END IF;
    SELECT CASE p_kind WHEN 'phone' THEN phone ELSE bsuid END INTO replaced FROM lead WHERE id = p_lead;
    IF replaced IS NOT NULL AND replaced <> p_value THEN
        INSERT INTO lead_alias (workspace_id, kind, value, lead_id)
        VALUES (p_workspace, p_kind, replaced, p_lead)
        ON CONFLICT (workspace_id, kind, value) DO UPDATE SET lead_id = EXCLUDED.lead_id;
    END IF;
    DELETE FROM lead_alias WHERE workspace_id = p_workspace AND kind = p_kind AND value = p_value;
    IF p_kind = 'phone' THEN
        UPDATE lead SET phone = p_value WHERE id = p_lead;
    ELSE
        UPDATE lead SET bsuid = p_value WHERE id = p_lead;
    END IF;
END
$$;

-- Merges two leads of one workspace into the older one and answers its id, or NULL when either lead is
-- gone (merged concurrently: the caller looks again). Everything moves: messages, conversations, notes
-- (status history included), aliases; both identities are kept (one in the column, the other as alias);
-- the merge goes on the timeline. A daily summary of a day both leads had keeps its text as a merge note,
-- and the surviving day's note, whose message count no longer matches, is rewritten by the next run.
CREATE FUNCTION lead_merge_pair(p_workspace bigint, p_a bigint, p_b bigint, p_why text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    survivor  lead%ROWTYPE;
    absorbed  lead%ROWTYPE;
    locked    integer;
    moved_messages integer;
    moved_notes integer;
BEGIN
    -- Both rows, locked in id order so that two merges cannot deadlock each other.
    SELECT count(*) INTO locked
    FROM (SELECT id FROM lead WHERE id IN (p_a, p_b) AND workspace_id = p_workspace ORDER BY id FOR UPDATE) l;
    IF locked < 2 THEN
        RETURN NULL;
    END IF;
    SELECT * INTO survivor FROM lead WHERE id IN (p_a, p_b) ORDER BY created_at, id LIMIT 1;
    SELECT * INTO absorbed FROM lead WHERE id IN (p_a, p_b) AND id <> survivor.id;

    UPDATE note n
    SET kind = 'merge', day = NULL, lead_id = survivor.id,
        content = 'Daily summary of ' || n.day || ' for lead #' || absorbed.id || ' before it was merged here: '
                  || n.content
    WHERE n.lead_id = absorbed.id AND n.kind = 'daily_summary'
      AND EXISTS (SELECT 1 FROM note s WHERE s.lead_id = survivor.id AND s.kind = 'daily_summary' AND s.day = n.day);
    UPDATE note SET lead_id = survivor.id WHERE lead_id = absorbed.id;
    GET DIAGNOSTICS moved_notes = ROW_COUNT;
    UPDATE message SET lead_id = survivor.id WHERE lead_id = absorbed.id;
    GET DIAGNOSTICS moved_messages = ROW_COUNT;
    UPDATE conversation SET lead_id = survivor.id WHERE lead_id = absorbed.id;
    UPDATE lead_alias SET lead_id = survivor.id WHERE lead_id = absorbed.id;
    -- Claims are leases of a run in progress: that run's note for the absorbed lead fails and is retried.
    DELETE FROM summary_claim WHERE lead_id = absorbed.id;
    DELETE FROM lead WHERE id = absorbed.id;

    PERFORM lead_keep_identity(p_workspace, survivor.id, 'phone', absorbed.phone);
    PERFORM lead_keep_identity(p_workspace, survivor.id, 'bsuid', absorbed.bsuid);
    UPDATE lead
    SET parent_bsuid = COALESCE(parent_bsuid, absorbed.parent_bsuid),
        username = COALESCE(username, absorbed.username),
        name = COALESCE(name, absorbed.name),
        last_activity_at = GREATEST(last_activity_at, absorbed.last_activity_at),
        version = version + 1
    WHERE id = survivor.id;

    INSERT INTO lead_merge (workspace_id, absorbed_lead_id, into_lead_id) VALUES (p_workspace, absorbed.id, survivor.id);
    INSERT INTO note (workspace_id, lead_id, kind, content, added_by)
    VALUES (p_workspace, survivor.id, 'merge',
            'Lead #' || absorbed.id || ' (' || concat_ws(', ', 'phone ' || absorbed.phone, 'BSUID ' || absorbed.bsuid,
                                                        'status ' || absorbed.status)
            || ') merged into this lead: ' || p_why || '. Moved ' || moved_messages || ' messages and '
            || moved_notes || ' notes.',
            'system-identity');
    RAISE LOG 'leadline: merged lead % into lead % in workspace %: %', absorbed.id, survivor.id, p_workspace, p_why;
    RETURN survivor.id;
END
$$;

-- The lead of an inbound or outbound message: matched by BSUID first, then by phone (each as current
-- value or alias), created when neither matches, completed when the message carries an identity the
-- lead lacks, and merged when phone and BSUID point at two leads. Race-free: creation relies on the
-- unique constraints (a loser looks again), and every write that a concurrent change could invalidate
-- is retried from the lookup.
CREATE FUNCTION intake_lead_for(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                p_username text, p_name text, p_activity_at timestamptz, p_touch boolean)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    by_bsuid  bigint;
    by_phone  bigint;
    found_id  bigint;
    lead_phone text;
    lead_bsuid text;
BEGIN
    IF p_phone IS NULL AND p_bsuid IS NULL THEN
        RAISE EXCEPTION 'a lead needs a phone or a BSUID' USING ERRCODE = '22023';
    END IF;
    LOOP
        by_bsuid := CASE WHEN p_bsuid IS NULL THEN NULL ELSE lead_holding(p_workspace, 'bsuid', p_bsuid) END;
        by_phone := CASE WHEN p_phone IS NULL THEN NULL ELSE lead_holding(p_workspace, 'phone', p_phone) END;

        IF by_bsuid IS NULL AND by_phone IS NULL THEN
            -- No target: ON CONFLICT on any unique constraint (phone or BSUID); a concurrent first
            -- message that won the race is found on the next look.
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
            CONTINUE;   -- look again, whether the merge happened here or concurrently
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
            CONTINUE;   -- merged away concurrently
        END IF;

        -- Link: an identity the lead lacks is filled in; one it has differently becomes an alias. Two
        -- first messages may race to claim the same identity for two leads: the loser looks again (and merges).
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

-- An identity change (Meta user_changed_number / user_changed_user_id, Kapso contact.identity_changed):
-- the lead found by its previous identity (else by its new one) takes the new phone or BSUID, keeps the
-- old as an alias, and gets a system note; a new identity that another lead holds merges the two.
-- Answers 'identityChanged', 'duplicates' (this event was applied before), or 'no-lead' (nothing known
-- matches: nothing written, so that the kept event can be replayed later).
CREATE FUNCTION intake_change_identity(p_workspace bigint, p_event_key text, p_previous_bsuid text,
                                       p_previous_phone text, p_bsuid text, p_parent_bsuid text, p_phone text,
                                       p_username text, p_name text, p_note text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    target  bigint;
    other   bigint;
    identity text[];   -- {kind, value}
BEGIN
    IF EXISTS (SELECT 1 FROM identity_event WHERE workspace_id = p_workspace AND event_key = p_event_key) THEN
        RETURN 'duplicates';
    END IF;
    target := COALESCE(lead_holding(p_workspace, 'bsuid', p_previous_bsuid),
                       lead_holding(p_workspace, 'phone', p_previous_phone),
                       lead_holding(p_workspace, 'bsuid', p_bsuid),
                       lead_holding(p_workspace, 'phone', p_phone));
    IF target IS NULL THEN
        RETURN 'no-lead';
    END IF;
    INSERT INTO identity_event (workspace_id, event_key, lead_id) VALUES (p_workspace, p_event_key, target)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'duplicates';   -- the same event, applied concurrently
    END IF;

    -- A new identity that belongs to another lead: the two are one customer. So is a previous one that
    -- another lead holds (the previous BSUID and the previous phone may have made two leads, not yet
    -- linked). Looked up one at a time, as the first merge may absorb the lead that the next one names.
    FOREACH identity SLICE 1 IN ARRAY ARRAY[ARRAY['bsuid', p_bsuid], ARRAY['phone', p_phone],
                                            ARRAY['bsuid', p_previous_bsuid], ARRAY['phone', p_previous_phone]]
    LOOP
        other := lead_holding(p_workspace, identity[1], identity[2]);
        IF other IS NOT NULL AND other <> target THEN
            target := lead_merge_pair(p_workspace, target, other, 'an identity change gave one the identity of the other');
            IF target IS NULL THEN
                RAISE EXCEPTION 'lead merged concurrently' USING ERRCODE = '40001';
            END IF;
        END IF;
    END LOOP;

    PERFORM 1 FROM lead WHERE id = target FOR UPDATE;
    IF NOT FOUND THEN
        -- Merged away by a message while this waited for its row: nothing of this is kept, the sender retries.
        RAISE EXCEPTION 'lead merged concurrently' USING ERRCODE = '40001';
    END IF;
    PERFORM lead_take_identity(p_workspace, target, 'bsuid', p_bsuid);
    PERFORM lead_take_identity(p_workspace, target, 'phone', p_phone);
    -- Previous identities the event names but the lead never had in its column are aliases too.
    INSERT INTO lead_alias (workspace_id, kind, value, lead_id)
    SELECT p_workspace, v.kind, v.value, target
    FROM (VALUES ('bsuid', p_previous_bsuid), ('phone', p_previous_phone)) AS v (kind, value)
    WHERE v.value IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM lead l WHERE l.id = target
                      AND v.value = CASE v.kind WHEN 'phone' THEN l.phone ELSE l.bsuid END)
    ON CONFLICT (workspace_id, kind, value) DO UPDATE SET lead_id = EXCLUDED.lead_id;
    UPDATE lead
    SET parent_bsuid = COALESCE(p_parent_bsuid, parent_bsuid),
        username = COALESCE(p_username, username),
        name = COALESCE(name, p_name),
        version = version + 1
    WHERE id = target;
    UPDATE identity_event SET lead_id = target WHERE workspace_id = p_workspace AND event_key = p_event_key;
    INSERT INTO note (workspace_id, lead_id, kind, content, added_by)
    VALUES (p_workspace, target, 'identity_change', p_note, 'system-identity');
    RETURN 'identityChanged';
END
$$;

-- One message, one round trip, one transaction: find or create the lead (intake_lead_for), upsert the
-- Kapso conversation, insert the message once by its WhatsApp id, and move last activity forward.
-- GREATEST keeps a late or re-sent message from moving it back. A message already stored (a retry, a
-- replay) writes nothing at all (two concurrent copies of a new message may both get this far; only one
-- message is kept). A function rather than one statement of CTEs: a merge inside the lookup moves
-- conversation rows that the same statement could then not update again.
-- Answers 'stored' or 'duplicates'.
CREATE FUNCTION intake_store_message(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                     p_username text, p_name text, p_conversation_id text,
                                     p_conversation_status text, p_wamid text, p_direction text, p_type text,
                                     p_text text, p_text_truncated boolean, p_media_url text,
                                     p_sent_at timestamptz, p_sender_sent_at timestamptz)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    found_lead          bigint;
    found_conversation  bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM message WHERE workspace_id = p_workspace AND wamid = p_wamid) THEN
        RETURN 'duplicates';
    END IF;
    found_lead := intake_lead_for(p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name, p_sent_at, true);
    IF p_conversation_id IS NOT NULL THEN
        INSERT INTO conversation (workspace_id, lead_id, kapso_id, status, last_message_at)
        VALUES (p_workspace, found_lead, p_conversation_id, p_conversation_status, p_sent_at)
        ON CONFLICT ON CONSTRAINT conversation_one_per_kapso_id DO UPDATE
            SET status = COALESCE(EXCLUDED.status, conversation.status),
                last_message_at = GREATEST(conversation.last_message_at, EXCLUDED.last_message_at)
        RETURNING id INTO found_conversation;
    END IF;
    INSERT INTO message (workspace_id, lead_id, conversation_id, wamid, direction, type, text, text_truncated,
                         media_url, sent_at, sender_sent_at)
    VALUES (p_workspace, found_lead, found_conversation, p_wamid, p_direction, p_type, p_text, p_text_truncated,
            p_media_url, p_sent_at, p_sender_sent_at)
    ON CONFLICT ON CONSTRAINT message_once_per_wamid DO NOTHING;
    RETURN CASE WHEN FOUND THEN 'stored' ELSE 'duplicates' END;
END
$$;

-- A conversation event (created, ended, inactive): find or create the lead and upsert the conversation
-- with the new status. An existing lead's activity is not touched (only messages are activity); a lead
-- first seen through such an event starts with the time it was seen.
CREATE FUNCTION intake_update_conversation(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                           p_username text, p_name text, p_conversation_id text,
                                           p_conversation_status text)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    found_lead bigint;
BEGIN
    found_lead := intake_lead_for(p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name, now(), false);
    INSERT INTO conversation (workspace_id, lead_id, kapso_id, status)
    VALUES (p_workspace, found_lead, p_conversation_id, p_conversation_status)
    ON CONFLICT ON CONSTRAINT conversation_one_per_kapso_id DO UPDATE
        SET status = EXCLUDED.status;
END
$$;
