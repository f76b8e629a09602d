-- Closes the run record with its counts, and answers it.
UPDATE summary_run
SET status = :#${variable.runStatus},
    error = CAST(:#${variable.runError} AS text),
    leads_considered = :#${variable.runProgress.considered},
    notes_written = :#${variable.runProgress.written},
    notes_rewritten = :#${variable.runProgress.rewritten},
    skipped = :#${variable.runProgress.skipped},
    failed = :#${variable.runProgress.failed},
    prompt_tokens = :#${variable.runProgress.promptTokens},
    completion_tokens = :#${variable.runProgress.completionTokens},
    cost_usd = :#${variable.runProgress.costUsd},
    over_budget = :#${variable.runProgress.overBudget},
    finished_at = now()
WHERE id = :#${variable.runProgress.runId}
RETURNING id, workspace_id AS "workspaceId", trigger, first_day AS "firstDay", last_day AS "lastDay",
          lead_id AS "leadId", forced, status, error, leads_considered AS "leadsConsidered",
          notes_written AS "notesWritten", notes_rewritten AS "notesRewritten", skipped, failed, prompt_tokens AS "promptTokens",
          completion_tokens AS "completionTokens", trim_scale(cost_usd) AS "costUsd", over_budget AS "overBudget", started_at AS "startedAt", finished_at AS "finishedAt"
