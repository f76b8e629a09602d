-- Opens the run record; finish-run.sql closes it. Answers nothing when a run of the same workspace,
-- days and lead is still running (index summary_run_one_running, which holds across instances): the
-- caller is told of that run instead of starting a second one.
INSERT INTO summary_run (workspace_id, trigger, first_day, last_day, lead_id, forced)
VALUES (:#${variable.workspaceId}, :#${variable.trigger}, CAST(:#${variable.window[firstDay]} AS date),
        CAST(:#${variable.window[lastDay]} AS date), NULLIF(CAST(:#${variable.leadId} AS bigint), 0),
        CAST(:#${variable.force} AS boolean))
ON CONFLICT (workspace_id, first_day, last_day, COALESCE(lead_id, 0)) WHERE status = 'running' DO NOTHING
RETURNING id
