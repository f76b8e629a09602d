-- Workspaces: one per WhatsApp business number that Kapso / Meta deliver for.
CREATE TABLE workspace (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text        NOT NULL,
    phone_number_id  text        NOT NULL UNIQUE,
    webhook_secret   text        NOT NULL,
    default_country  char(2)     NOT NULL,
    time_zone        text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Only a SHA-256 of each bearer token is kept; the token itself is shown once.
CREATE TABLE api_token (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    token_sha256  bytea       NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

CREATE TABLE lead (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint      NOT NULL REFERENCES workspace (id),
    phone             text        NOT NULL,            -- canonical E.164
    name              text,
    status            text        NOT NULL DEFAULT 'new',
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_activity_at  timestamptz NOT NULL,
    version           integer     NOT NULL DEFAULT 0,
    CONSTRAINT lead_one_per_phone UNIQUE (workspace_id, phone)
);
-- The lead list: newest activity first, keyset-paginated on (last_activity_at, id).
CREATE INDEX lead_by_activity ON lead (workspace_id, last_activity_at DESC, id DESC);

CREATE TABLE conversation (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id     bigint      NOT NULL REFERENCES workspace (id),
    lead_id          bigint      NOT NULL REFERENCES lead (id),
    kapso_id         text        NOT NULL,
    status           text,
    last_message_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conversation_one_per_kapso_id UNIQUE (workspace_id, kapso_id)
);
CREATE INDEX conversation_by_lead ON conversation (lead_id);

CREATE TABLE message (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id     bigint      NOT NULL REFERENCES workspace (id),
    lead_id          bigint      NOT NULL REFERENCES lead (id),
    conversation_id  bigint      REFERENCES conversation (id),
    wamid            text        NOT NULL,             -- WhatsApp message id: the dedup key
    direction        text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    type             text        NOT NULL,
    text             text,                             -- readable rendering of any type
    media_url        text,
    sent_at          timestamptz NOT NULL,             -- the sender's timestamp
    received_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_once_per_wamid UNIQUE (workspace_id, wamid)
);
-- "A lead's messages, newest first" and "a lead's messages on a day".
CREATE INDEX message_by_lead_time ON message (lead_id, sent_at DESC, id DESC);
-- "A workspace's messages on a day" (who was active).
CREATE INDEX message_by_workspace_time ON message (workspace_id, sent_at);

-- Authentic events that could not be routed: kept whole, with the reason, for replay.
CREATE TABLE dead_letter (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source           text        NOT NULL,             -- kapso | meta
    event            text,
    reason           text        NOT NULL,
    phone_number_id  text,
    dedup_key        text        UNIQUE,               -- message id when known: a re-sent event is kept once
    idempotency_key  text,
    payload          text        NOT NULL,             -- the event's JSON, as text so that nothing is refused
    received_at      timestamptz NOT NULL DEFAULT now(),
    replayed_at      timestamptz
);
