-- A lead-day the budget left no room for (reserve-llm-budget.sql answered nothing) is counted on the workspace's
-- spend row of its local day, which the spend API shows.
INSERT INTO llm_spend AS s (workspace_id, day, budget_usd, over_budget)
SELECT id, CAST(now() AT TIME ZONE time_zone AS date),
       COALESCE(llm_daily_budget_usd, CAST(:#defaultBudgetUsd AS numeric)), 1
FROM workspace
WHERE id = :#workspaceId
ON CONFLICT (workspace_id, day) DO UPDATE
    SET over_budget = s.over_budget + 1
