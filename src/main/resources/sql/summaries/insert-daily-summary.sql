-- Exactly one summary per lead and day: a rerun, a crash mid-run or a concurrent run writes nothing
-- new; a forced run replaces the note in place. Answers the note id, or nothing when skipped.
INSERT INTO note (workspace_id, lead_id, kind, content, added_by, day, generator, prompt_tokens, completion_tokens, run_id)
VALUES (:#${variable.workspaceId}, :#${variable.leadDay[leadId]}, 'daily_summary', :#content, 'system-daily-summary',
        CAST(:#${variable.leadDay[day]} AS date), :#generator, :#promptTokens, :#completionTokens,
        :#${variable.runProgress.runId})
ON CONFLICT ON CONSTRAINT note_one_per_lead_kind_day DO UPDATE
    SET content = EXCLUDED.content,
        generator = EXCLUDED.generator,
        prompt_tokens = EXCLUDED.prompt_tokens,
        completion_tokens = EXCLUDED.completion_tokens,
        run_id = EXCLUDED.run_id,
        added_at = now()
    WHERE CAST(:#${variable.force} AS boolean)
RETURNING id
