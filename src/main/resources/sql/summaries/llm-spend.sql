-- GET /api/summaries/spend: the workspace's LLM budget per day now (its own, else llm.daily-budget-usd) and its
-- spend rows of the range, newest first, as the API shows them (LlmSpendDay); by llm_spend's key. Money without
-- the column's trailing zeros (0.0003, not 0.000300000).
SELECT COALESCE(w.llm_daily_budget_usd, CAST(:#${properties:llm.daily-budget-usd} AS numeric)) AS "dailyBudgetUsd",
       COALESCE((SELECT jsonb_agg(jsonb_build_object('day', s.day, 'budgetUsd', s.budget_usd, 'spentUsd', trim_scale(s.spent_usd),
                                                     'reservedUsd', trim_scale(s.reserved_usd), 'calls', s.calls,
                                                     'promptTokens', s.prompt_tokens,
                                                     'completionTokens', s.completion_tokens,
                                                     'overBudget', s.over_budget) ORDER BY s.day DESC)
                 FROM llm_spend s
                 WHERE s.workspace_id = w.id
                   AND s.day BETWEEN CAST(:#fromDay AS date) AND CAST(:#toDay AS date)), '[]') AS days
FROM workspace w
WHERE w.id = :#workspaceId
