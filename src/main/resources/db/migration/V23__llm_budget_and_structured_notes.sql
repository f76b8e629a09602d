-- What the LLM costs, and a daily budget per workspace that stops a flood of active leads (a campaign, a bot
-- writing through the webhook) from multiplying the bill; and daily summaries as structured fields beside
-- their text. Money is numeric in US dollars, never a float: a note's cost is its tokens times the prices
-- (llm.price-*-usd-per-million), exact to the nano-dollar.

-- A workspace's own LLM budget per local day; NULL: the global default, llm.daily-budget-usd.
ALTER TABLE workspace
    ADD COLUMN llm_daily_budget_usd numeric(12, 2) CHECK (llm_daily_budget_usd >= 0);

-- A workspace's LLM spend per local day (its time zone, the day the calls were made). Before each call the run
-- reserves the call's estimated cost here, in one statement that adds it only while spent + reserved stays within
-- the budget (reserve-llm-budget.sql: the row's lock makes the check and the reservation one step, across the
-- run's threads and every instance); the answer settles it to the actual cost (settle-llm-spend.sql).
CREATE TABLE llm_spend (
    workspace_id       bigint        NOT NULL REFERENCES workspace (id),
    day                date          NOT NULL,
    budget_usd         numeric(12, 2) NOT NULL,          -- the budget the day's last reservation was checked against
    spent_usd          numeric(18, 9) NOT NULL DEFAULT 0, -- settled: the answers' usage times the prices
    reserved_usd       numeric(18, 9) NOT NULL DEFAULT 0, -- estimates of the calls under way
    calls              integer       NOT NULL DEFAULT 0,  -- calls answered
    prompt_tokens      bigint        NOT NULL DEFAULT 0,
    completion_tokens  bigint        NOT NULL DEFAULT 0,
    over_budget        integer       NOT NULL DEFAULT 0,  -- lead-days written offline for want of budget
    warned_at          timestamptz,                       -- when spent + reserved first reached the warning share
    PRIMARY KEY (workspace_id, day)
);

-- A note's cost (daily summaries: 0 when written offline), why a daily summary was written offline
-- (OfflineReason in the API contract), its structured fields (StructuredNote), and, when the LLM's answer did
-- not match the schema twice, why its text is kept as it came instead.
ALTER TABLE note
    ADD COLUMN cost_usd             numeric(18, 9),
    ADD COLUMN offline_reason       text,
    ADD COLUMN structured           jsonb,
    ADD COLUMN unstructured_reason  text;

-- A run's cost (its notes' costs, the calls whose notes another run wrote first included), and its lead-days
-- written offline for want of budget.
ALTER TABLE summary_run
    ADD COLUMN cost_usd     numeric(18, 9) NOT NULL DEFAULT 0,
    ADD COLUMN over_budget  integer        NOT NULL DEFAULT 0;

-- The note as the API shows it (Note in the API contract) leaves in events with its new fields too.
CREATE OR REPLACE FUNCTION event_note(n note) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', n.id, 'kind', n.kind, 'content', n.content, 'addedBy', n.added_by,
                              'addedAt', event_time(n.added_at), 'updatedAt', event_time(n.updated_at), 'day', n.day,
                              'partial', CASE WHEN n.kind = 'daily_summary' THEN n.partial END,
                              'generator', n.generator, 'promptTokens', n.prompt_tokens,
                              'completionTokens', n.completion_tokens, 'costUsd', trim_scale(n.cost_usd),
                              'offlineReason', n.offline_reason, 'structured', n.structured,
                              'unstructuredReason', n.unstructured_reason, 'statusFrom', n.status_from,
                              'statusTo', n.status_to)
$$;

-- A daily summary rewritten in place is note.updated when its fields changed too, not only its text.
DROP TRIGGER note_updated_event ON note;
CREATE TRIGGER note_updated_event AFTER UPDATE ON note FOR EACH ROW
    WHEN (OLD.content IS DISTINCT FROM NEW.content OR OLD.kind IS DISTINCT FROM NEW.kind
          OR OLD.structured IS DISTINCT FROM NEW.structured)
    EXECUTE FUNCTION event_on_note();
