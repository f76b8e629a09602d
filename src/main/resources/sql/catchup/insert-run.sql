-- A catch-up of one workspace begins: its record, running until finish-run.sql closes it. Answers nothing
-- when a run of the workspace is still running (index catchup_run_one_running, across instances): the
-- caller is told of that run (running-run.sql) instead of starting a second one.
INSERT INTO catchup_run (workspace_id, trigger, since, until)
VALUES (:#${variable.workspace[workspaceId]}, :#${variable.trigger}, CAST(:#${variable.window[since]} AS timestamptz),
        CAST(:#${variable.window[until]} AS timestamptz))
ON CONFLICT (workspace_id) WHERE status = 'running' DO NOTHING
RETURNING id
