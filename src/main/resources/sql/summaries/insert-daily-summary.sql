-- Exactly one summary per lead and day. The note records what it covered (the day's message count and
-- newest message id) and whether its day was still going on (partial). It is rewritten in place (same
-- row, same added_at, so a timeline cursor never skips it; updated_at moves) only when forced, or when
-- it covers more than the note has: a later or late-arriving message, or the day since completed. A
-- concurrent run that covers no more writes nothing. Answers the note id and whether it was a rewrite
-- (xmax is 0 on an insert, set on an update), or nothing when skipped. With its cost, its structured fields (or why
-- its text is kept unstructured) and, written offline, why.
INSERT INTO note (workspace_id, lead_id, kind, content, added_by, day, generator, prompt_tokens, completion_tokens,
                  cost_usd, offline_reason, structured, unstructured_reason,
                  run_id, covered_messages, covered_until_message_id, partial)
VALUES (:#workspaceId, :#leadDayLeadId, 'daily_summary', :#content, 'system-daily-summary',
        CAST(:#leadDayDate AS date), :#generator, :#promptTokens, :#completionTokens,
        CAST(:#costUsd AS numeric), CAST(:#offlineReason AS text), CAST(:#structured AS jsonb),
        CAST(:#unstructuredReason AS text),
        :#runId, CAST(:#${variable.digest.coveredMessages} AS integer),
        CAST(:#${variable.digest.coveredUntilMessageId} AS bigint),
        now() < CAST(CAST(:#leadDayDate AS date) + 1 AS timestamp) AT TIME ZONE CAST(:#timeZone AS text))
ON CONFLICT ON CONSTRAINT note_one_per_lead_kind_day DO UPDATE
    SET content = EXCLUDED.content,
        generator = EXCLUDED.generator,
        prompt_tokens = EXCLUDED.prompt_tokens,
        completion_tokens = EXCLUDED.completion_tokens,
        cost_usd = EXCLUDED.cost_usd,
        offline_reason = EXCLUDED.offline_reason,
        structured = EXCLUDED.structured,
        unstructured_reason = EXCLUDED.unstructured_reason,
        run_id = EXCLUDED.run_id,
        covered_messages = EXCLUDED.covered_messages,
        covered_until_message_id = EXCLUDED.covered_until_message_id,
        partial = EXCLUDED.partial,
        updated_at = now()
    WHERE CAST(:#force AS boolean)
       OR note.covered_messages IS NULL
       OR EXCLUDED.covered_messages > note.covered_messages
       OR EXCLUDED.covered_until_message_id > note.covered_until_message_id
       OR (note.partial AND NOT EXCLUDED.partial)
RETURNING id, NOT (xmax = 0) AS rewritten
