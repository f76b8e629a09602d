-- Issue 12, points 9-11: a message's delivery status, its edits and its deletion, updated in place.

-- The latest delivery status with its time (never moving backwards, see message_status_rank), the
-- error of a failure, and the edit and delete state. A deleted message keeps its text, flagged.
ALTER TABLE message
    ADD COLUMN status        text,
    ADD COLUMN status_at     timestamptz,
    ADD COLUMN error_code    text,
    ADD COLUMN error_title   text,
    ADD COLUMN previous_text text,
    ADD COLUMN edited_at     timestamptz,
    ADD COLUMN deleted_at    timestamptz;

-- The one home of the status order: sent < delivered < read < failed. failed is terminal: once a send
-- failed, a 'read' of it cannot happen, so nothing moves it. NULL for a status we do not keep
-- (Meta's 'deleted', 'warning', ...): such an event changes nothing.
CREATE FUNCTION message_status_rank(p_status text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 END
$$;
ALTER TABLE message ADD CONSTRAINT message_status_known CHECK (status IS NULL OR message_status_rank(status) IS NOT NULL);

-- A status, edit or revoke that arrived before its message: kept for a short while (the hour in
-- message_update_pending_ttl) and applied by the trigger below when the message is stored. Meta sends
-- statuses for messages sent through the API that never reach us as messages: those expire here.
CREATE TABLE message_pending_update (
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    wamid         text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('status', 'edit', 'revoke')),
    status        text,
    error_code    text,
    error_title   text,
    text          text,
    text_truncated boolean    NOT NULL DEFAULT false,
    at            timestamptz NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, wamid, kind)
);
CREATE INDEX message_pending_update_by_age ON message_pending_update (received_at);

CREATE FUNCTION message_update_pending_ttl() RETURNS interval
LANGUAGE sql IMMUTABLE AS $$ SELECT interval '1 hour' $$;

-- An update and the insert of its message serialise on this lock (held to the end of the transaction):
-- without it, a status checked while its message's insert is still uncommitted would be kept pending
-- after the insert had looked for pending updates, and never applied. 1213 keeps these keys apart.
CREATE FUNCTION message_state_lock(p_workspace bigint, p_wamid text) RETURNS void
LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock(1213, hashtext(p_workspace || ':' || p_wamid)) $$;

-- One status, edit or revoke of a stored message, in one round trip. Answers 'messagesUpdated' (the
-- message changed), 'duplicates' (it already had this state or a later one: a re-sent or late event),
-- 'updatesPending' (no such message yet: kept for it), or 'ignored' (a status we do not keep).
CREATE FUNCTION intake_update_message(p_workspace bigint, p_wamid text, p_kind text, p_status text, p_at timestamptz,
                                      p_error_code text, p_error_title text, p_text text, p_text_truncated boolean)
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
        -- The text before this edit is kept; an older edit arriving late, or one after a delete, changes nothing.
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

-- A message being stored takes the updates that arrived before it (and have not expired), whichever
-- way it is stored: intake_store_message needs no change.
CREATE FUNCTION message_apply_pending_updates() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    pending record;
BEGIN
    PERFORM message_state_lock(NEW.workspace_id, NEW.wamid);
    FOR pending IN
        DELETE FROM message_pending_update
        WHERE workspace_id = NEW.workspace_id AND wamid = NEW.wamid
        RETURNING *
    LOOP
        CONTINUE WHEN pending.received_at < now() - message_update_pending_ttl();
        IF pending.kind = 'status' THEN
            NEW.status := pending.status;
            NEW.status_at := pending.at;
            NEW.error_code := CASE WHEN pending.status = 'failed' THEN pending.error_code END;
            NEW.error_title := CASE WHEN pending.status = 'failed' THEN pending.error_title END;
        ELSIF pending.kind = 'edit' THEN
            NEW.previous_text := NEW.text;
            NEW.text := pending.text;
            NEW.text_truncated := pending.text_truncated;
            NEW.edited_at := pending.at;
        ELSE
            NEW.deleted_at := pending.at;
        END IF;
    END LOOP;
    RETURN NEW;
END
$$;

CREATE TRIGGER message_takes_pending_updates BEFORE INSERT ON message
    FOR EACH ROW EXECUTE FUNCTION message_apply_pending_updates();
