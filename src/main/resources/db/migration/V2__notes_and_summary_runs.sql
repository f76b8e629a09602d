-- One row per summary run and workspace: what it covered and how it went.
CREATE TABLE summary_run (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id       bigint      NOT NULL REFERENCES workspace (id),
    trigger            text        NOT NULL,          -- schedule | manual
    first_day          date        NOT NULL,          -- local days covered, inclusive
    last_day           date        NOT NULL,
    lead_id            bigint,                        -- a manual run for one lead
    forced             boolean     NOT NULL DEFAULT false,
    status             text        NOT NULL DEFAULT 'running', -- running | completed | aborted
    error              text,
    leads_considered   integer     NOT NULL DEFAULT 0,
    notes_written      integer     NOT NULL DEFAULT 0,
    skipped            integer     NOT NULL DEFAULT 0,
    failed             integer     NOT NULL DEFAULT 0,
    prompt_tokens      bigint      NOT NULL DEFAULT 0,
    completion_tokens  bigint      NOT NULL DEFAULT 0,
    started_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz
);
CREATE INDEX summary_run_by_workspace ON summary_run (workspace_id, started_at DESC);

-- The lead timeline: daily summaries, manual notes, status changes.
CREATE TABLE note (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id       bigint      NOT NULL REFERENCES workspace (id),
    lead_id            bigint      NOT NULL REFERENCES lead (id),
    kind               text        NOT NULL CHECK (kind IN ('daily_summary', 'manual', 'status_change')),
    content            text        NOT NULL,
    added_by           text        NOT NULL,
    added_at           timestamptz NOT NULL DEFAULT now(),
    day                date,                          -- the local day a daily summary covers
    generator          text,                          -- the model id, or 'offline'
    prompt_tokens      integer,
    completion_tokens  integer,
    run_id             bigint      REFERENCES summary_run (id),
    -- Exactly one summary per lead and day, whatever reruns, crashes or concurrent runs do.
    -- Other kinds have no day, and NULLs never conflict.
    CONSTRAINT note_one_per_lead_kind_day UNIQUE (lead_id, kind, day)
);
-- The timeline, newest first, keyset-paginated on (added_at, id).
CREATE INDEX note_timeline ON note (lead_id, added_at DESC, id DESC);
