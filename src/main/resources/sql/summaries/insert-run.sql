-- Opens the run record; finish-run.sql closes it.
INSERT INTO summary_run (workspace_id, trigger, first_day, last_day, lead_id, forced)
VALUES (:#${variable.workspaceId}, :#${variable.trigger}, CAST(:#${variable.window[firstDay]} AS date),
        CAST(:#${variable.window[lastDay]} AS date), NULLIF(CAST(:#${variable.leadId} AS bigint), 0),
        CAST(:#${variable.force} AS boolean))
RETURNING id
