-- What a summary run did, as the notes carrying its id tell it: a run its process left unfinished (killed, or
-- stopped mid-run) never wrote its counts, and is closed with these instead of the zeros it started with.
-- Notes only: the lead-days it skipped or failed left no trace (leads_considered counts at least its notes).
-- A note a later run rewrote carries that run's id since.
CREATE INDEX note_by_run ON note (run_id) WHERE run_id IS NOT NULL;

CREATE FUNCTION summary_run_notes(run bigint)
    RETURNS TABLE (notes integer, rewritten integer, prompt_tokens bigint, completion_tokens bigint,
                   cost_usd numeric, over_budget integer)
    LANGUAGE sql STABLE AS
$$
SELECT CAST(count(*) AS integer),
       CAST(count(*) FILTER (WHERE n.updated_at > n.added_at) AS integer),
       COALESCE(sum(n.prompt_tokens), 0),
       COALESCE(sum(n.completion_tokens), 0),
       COALESCE(sum(n.cost_usd), 0),
       CAST(count(*) FILTER (WHERE n.offline_reason = 'budget') AS integer)
FROM note n
WHERE n.run_id = run
$$;

-- The summary schedule's job is recoverable now (Quartz fires it again on a live instance when the one running it
-- dies): a job stored by an earlier version keeps the flag it was stored with, so it is set here.
UPDATE QRTZ_JOB_DETAILS SET REQUESTS_RECOVERY = true
WHERE JOB_GROUP = 'leadline' AND JOB_NAME = 'daily-summaries';
