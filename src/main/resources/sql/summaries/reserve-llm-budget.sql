-- Reserves an LLM call's estimated cost in the workspace's spend row of its local day, only if spent + reserved
-- stays within the day's budget (the workspace's own, else llm.daily-budget-usd). One statement: the insert, or
-- the update under the row's lock, checks and reserves in one step, so concurrent runs (threads, instances) can
-- never reserve past the budget together. Answers the day reserved on (settle-llm-spend.sql settles that row,
-- even after midnight), what is now spent or reserved, the budget, and warn: true the one time the day's total
-- reached the warning share. Nothing when it would not fit: the lead-day is written offline.
WITH w AS (
    SELECT id, CAST(now() AT TIME ZONE time_zone AS date) AS day,
           COALESCE(llm_daily_budget_usd, CAST(:#defaultBudgetUsd AS numeric)) AS budget
    FROM workspace
    WHERE id = :#workspaceId
)
INSERT INTO llm_spend AS s (workspace_id, day, budget_usd, reserved_usd, warned_at)
SELECT w.id, w.day, w.budget, CAST(:#estimateUsd AS numeric),
       CASE WHEN CAST(:#estimateUsd AS numeric) >= w.budget * CAST(:#warnShare AS numeric) THEN now() END
FROM w
WHERE CAST(:#estimateUsd AS numeric) <= w.budget
ON CONFLICT (workspace_id, day) DO UPDATE
    SET reserved_usd = s.reserved_usd + EXCLUDED.reserved_usd,
        budget_usd = EXCLUDED.budget_usd,
        warned_at = COALESCE(s.warned_at,
                             CASE WHEN s.spent_usd + s.reserved_usd + EXCLUDED.reserved_usd
                                       >= EXCLUDED.budget_usd * CAST(:#warnShare AS numeric) THEN now() END)
    WHERE s.spent_usd + s.reserved_usd + EXCLUDED.reserved_usd <= EXCLUDED.budget_usd
RETURNING s.day, s.spent_usd + s.reserved_usd AS "committedUsd", s.budget_usd AS "budgetUsd",
          COALESCE(s.warned_at = now(), false) AS warn
