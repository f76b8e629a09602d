-- Which catchup.key-encryption-key sealed each workspace's Kapso API key: its key id (admin/KapsoKeys, a
-- fingerprint, never the key), written with the sealed key and cleared with it. Keys sealed before this
-- version have none; POST /api/admin/kapso-keys/re-encrypt seals them again and records it.
ALTER TABLE workspace ADD COLUMN kapso_api_key_id text;

-- A bulk dead-letter replay (POST /api/admin/dead-letters/replay) runs in the background, like a summary
-- run: this record is what GET /api/admin/dead-letters/replay-runs/{id} answers, its counts brought up to
-- date after every page of letters (heartbeat_at with them).
CREATE TABLE dead_letter_replay_run (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reason               text        NOT NULL,
    max_letters          integer,                        -- the request's limit; NULL: every letter
    status               text        NOT NULL DEFAULT 'running'
                                     CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
    error                text,
    matched              integer     NOT NULL DEFAULT 0,
    replayed             integer     NOT NULL DEFAULT 0,
    still_dead_lettered  integer     NOT NULL DEFAULT 0,
    refused              integer     NOT NULL DEFAULT 0,
    failed               integer     NOT NULL DEFAULT 0,
    limit_reached        boolean     NOT NULL DEFAULT false,
    intake               jsonb       NOT NULL DEFAULT '{}',
    problems             jsonb       NOT NULL DEFAULT '[]',
    started_at           timestamptz NOT NULL DEFAULT now(),
    heartbeat_at         timestamptz NOT NULL DEFAULT now(),
    finished_at          timestamptz
);
-- One running replay per reason, across instances: a second one would replay the same letters at the same
-- time; it is refused (409 with the running one's id). md5: a reason may be longer than an index entry.
CREATE UNIQUE INDEX dead_letter_replay_run_one_running ON dead_letter_replay_run (md5(reason)) WHERE status = 'running';
