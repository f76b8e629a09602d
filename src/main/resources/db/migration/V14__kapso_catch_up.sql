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

-- The webhook store with the message's source, in the same round trip: a message caught up is marked
-- only when this call stored it (a duplicate keeps the source it was first stored with).
CREATE FUNCTION intake_store_message(p_workspace bigint, p_phone text, p_bsuid text, p_parent_bsuid text,
                                     p_username text, p_name text, p_conversation_id text,
                                     p_conversation_status text, p_wamid text, p_direction text, p_type text,
                                     p_text text, p_text_truncated boolean, p_media_url text,
                                     p_sent_at timestamptz, p_sender_sent_at timestamptz, p_source text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    outcome text;
BEGIN
    outcome := intake_store_message(p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name,
                                    p_conversation_id, p_conversation_status, p_wamid, p_direction, p_type,
                                    p_text, p_text_truncated, p_media_url, p_sent_at, p_sender_sent_at);
    IF outcome = 'stored' AND p_source <> 'webhook' THEN
        UPDATE message SET source = p_source WHERE workspace_id = p_workspace AND wamid = p_wamid;
    END IF;
    RETURN outcome;
END
$$;
