-- A catch-up of one workspace begins: its record, running until finish-run.sql closes it.
INSERT INTO catchup_run (workspace_id, trigger, since, until)
VALUES (:#${variable.workspace[workspaceId]}, :#${variable.trigger}, CAST(:#${variable.window[since]} AS timestamptz),
        CAST(:#${variable.window[until]} AS timestamptz))
RETURNING id
