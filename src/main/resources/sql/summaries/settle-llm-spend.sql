-- An LLM call is over: its reservation goes, and what it cost (the answer's usage times the prices; nothing when
-- no answer came) is spent, on the row it reserved on.
UPDATE llm_spend
SET reserved_usd = GREATEST(reserved_usd - CAST(:#estimateUsd AS numeric), 0),
    spent_usd = spent_usd + CAST(:#costUsd AS numeric),
    calls = calls + :#calls,
    prompt_tokens = prompt_tokens + :#promptTokens,
    completion_tokens = completion_tokens + :#completionTokens
WHERE workspace_id = :#workspaceId
  AND day = CAST(:#day AS date)
