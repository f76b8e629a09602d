-- Claims a lead-day for this run before its LLM call, so that no other run (of this instance or another,
-- scheduled or manual) sends it too. One statement: a lead-day nobody holds is taken, and so is one whose
-- holder is gone: its lease ran out (its process died) or its run is no longer running (stopped and
-- closed as interrupted, aborted, or closed as stale); one held by a running run under a live lease is
-- not. Answers the run id when claimed, nothing otherwise. Two runs claiming at once meet at the primary
-- key: one wins, the other waits for it and then finds it held. The lease is renewed with the run's
-- heartbeat (heartbeat-runs.sql).
INSERT INTO summary_claim (workspace_id, lead_id, day, run_id, expires_at)
VALUES (:#workspaceId, :#leadDayLeadId, CAST(:#leadDayDate AS date),
        :#runId,
        now() + make_interval(secs => CAST(:#claimLeaseSeconds AS integer)))
ON CONFLICT (workspace_id, lead_id, day) DO UPDATE
    SET run_id = EXCLUDED.run_id,
        claimed_at = now(),
        expires_at = EXCLUDED.expires_at
    WHERE summary_claim.expires_at < now()
       OR NOT EXISTS (SELECT 1 FROM summary_run r WHERE r.id = summary_claim.run_id AND r.status = 'running')
RETURNING run_id AS "runId"
