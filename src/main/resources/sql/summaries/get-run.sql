-- A run record, scoped to the caller's workspace.
SELECT id, workspace_id AS "workspaceId", trigger, first_day AS "firstDay", last_day AS "lastDay",
       lead_id AS "leadId", forced, status, error, leads_considered AS "leadsConsidered",
       notes_written AS "notesWritten", notes_rewritten AS "notesRewritten", skipped, failed, prompt_tokens AS "promptTokens",
       completion_tokens AS "completionTokens", trim_scale(cost_usd) AS "costUsd", over_budget AS "overBudget", started_at AS "startedAt", finished_at AS "finishedAt"
FROM summary_run
WHERE id = :#${variable.summaryRunId}
  AND workspace_id = :#${variable.workspaceId}
