-- Runs of the workspace still "running" that no live instance runs any more: closed as interrupted, which
-- frees their days and their claims, with the work their notes show (summary_run_notes) as their counts.
-- Two signs of a dead run:
-- - three missed heartbeats (one every summaries.heartbeat-seconds): its process died without closing it
--   (a stopping service closes its own);
-- - recovering: this is Quartz's recovery fire of the schedule, so the instance that ran the schedule's
--   previous fire stopped checking in in the middle of it; the schedule is stateful (never two fires at
--   once, across instances), so a scheduled run still running is that dead fire's.
UPDATE summary_run r
SET status = 'interrupted', finished_at = now(),
    error = 'no progress report: the process running it died',
    (leads_considered, notes_written, notes_rewritten, prompt_tokens, completion_tokens, cost_usd, over_budget) =
        (SELECT GREATEST(r.leads_considered, w.notes), w.notes, w.rewritten, w.prompt_tokens, w.completion_tokens,
                w.cost_usd, w.over_budget
         FROM summary_run_notes(r.id) w)
WHERE r.workspace_id = :#${variable.workspaceId}
  AND r.status = 'running'
  AND (COALESCE(r.heartbeat_at, r.started_at) < now() - 3 * make_interval(secs => CAST(:#${properties:summaries.heartbeat-seconds} AS integer))
       OR (CAST(:#${variable.recovering} AS boolean) IS TRUE AND r.trigger = 'schedule'))
