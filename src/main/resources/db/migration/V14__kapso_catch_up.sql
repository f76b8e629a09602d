-- Issue 13: catch-up reads back from Kapso's message history what its webhooks could not deliver.

-- The workspace's optional Kapso API key, AES-GCM encrypted by the service (admin/KapsoKeys) with the key
-- from catchup.key-encryption-key: the database never holds it in clear, and no statement reads it back
-- to a caller. The watermark is the newest instant a catch-up has committed up to.
ALTER TABLE workspace
    ADD COLUMN kapso_api_key_enc   text,
    ADD COLUMN catchup_watermark   timestamptz;

-- Where a message came from: its webhook, or a catch-up that found what the webhooks missed.
ALTER TABLE message
    ADD COLUMN source text NOT NULL DEFAULT 'webhook' CHECK (source IN ('webhook', 'catch-up'));

-- One catch-up of one workspace: its window, what it read and did, how it ended.
CREATE TABLE catchup_run (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    trigger       text        NOT NULL CHECK (trigger IN ('schedule', 'start-up', 'manual')),
    since         timestamptz NOT NULL,
    until         timestamptz NOT NULL,
    pages         int         NOT NULL DEFAULT 0,
    seen          int         NOT NULL DEFAULT 0,
    stored        int         NOT NULL DEFAULT 0,
    duplicates    int         NOT NULL DEFAULT 0,
    status        text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'unauthorized')),
    error         text,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX catchup_run_by_workspace ON catchup_run (workspace_id, started_at DESC);

-- V9's store with the message's source written by its own insert: a duplicate keeps the source it was
-- first stored with. Webhooks leave it at its default; a catch-up passes 'catch-up'.
DROP FUNCTION intake_store_message(bigint, text, text, text, text, text, text, text, text, text, text, text, boolean,
                                   text, timestamptz, timestamptz);
CREATE FUNCTION intake_store_message(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                     p_username text, p_name text, p_conversation_id text,
                                     p_conversation_status text, p_wamid text, p_direction text, p_type text,
                                     p_text text, p_text_truncated boolean, p_media_url text,
                                     p_sent_at timestamptz, p_sender_sent_at timestamptz,
                                     p_source text DEFAULT 'webhook')
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
                         media_url, sent_at, sender_sent_at, source)
    VALUES (p_workspace, found_lead, found_conversation, p_wamid, p_direction, p_type, p_text, p_text_truncated,
            p_media_url, p_sent_at, p_sender_sent_at, p_source)
    ON CONFLICT ON CONSTRAINT message_once_per_wamid DO NOTHING;
    RETURN CASE WHEN FOUND THEN 'stored' ELSE 'duplicates' END;
END
$$;
