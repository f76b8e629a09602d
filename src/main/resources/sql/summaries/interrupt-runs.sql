-- The summary runs a stop cut off on this instance (their ids, an array): closed as interrupted, with the
-- work their notes show (summary_run_notes) as their counts.
UPDATE summary_run r
SET status = 'interrupted', finished_at = now(), error = 'the service stopped during the run',
    (leads_considered, notes_written, notes_rewritten, prompt_tokens, completion_tokens, cost_usd, over_budget) =
        (SELECT GREATEST(r.leads_considered, w.notes), w.notes, w.rewritten, w.prompt_tokens, w.completion_tokens,
                w.cost_usd, w.over_budget
         FROM summary_run_notes(r.id) w)
WHERE r.id = ANY (?) AND r.status = 'running'
