-- Several instances on one database (issue 10): no lead-day is sent to the LLM twice, and a run whose
-- process died is recognised within a bounded time.

-- A lead-day being summarised: claimed (claim-lead-day.sql) before its LLM call, released when its note is
-- written or its attempt failed. The claim is a lease: the claiming instance renews it with its run's
-- heartbeat (summaries.heartbeat-seconds), so a claim of a process that died expires after
-- summaries.claim-lease-seconds and the next run takes the lead-day.
CREATE TABLE summary_claim (
    workspace_id  bigint      NOT NULL REFERENCES workspace (id),
    lead_id       bigint      NOT NULL REFERENCES lead (id),
    day           date        NOT NULL,
    run_id        bigint      NOT NULL REFERENCES summary_run (id),
    claimed_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, lead_id, day)
);
-- The heartbeat renews a run's claims.
CREATE INDEX summary_claim_by_run ON summary_claim (run_id);

-- A running run's instance reports it alive every summaries.heartbeat-seconds; a run with no report for
-- summaries.stale-run-seconds (its process died) is closed as interrupted by the workspace's next run,
-- which frees its days (summary_run_one_running). NULL until the first report: started_at counts then.
ALTER TABLE summary_run ADD COLUMN heartbeat_at timestamptz;

-- Every unique constraint carries workspace_id, the column a partitioned (e.g. Citus) deployment would
-- distribute by. A lead belongs to one workspace, so adding it changes nothing that is unique today; the
-- constraint keeps its name (insert-daily-summary.sql names it) and lead_id stays first, so the run's
-- probes by (lead_id, kind, day) still use it.
ALTER TABLE note DROP CONSTRAINT note_one_per_lead_kind_day;
ALTER TABLE note ADD CONSTRAINT note_one_per_lead_kind_day UNIQUE (lead_id, kind, day, workspace_id);
