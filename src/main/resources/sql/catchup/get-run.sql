-- A run record, as the API shows it (CatchUpRun), scoped to its workspace.
SELECT id AS "runId", workspace_id AS "workspaceId", trigger, since, until, pages, seen, stored, duplicates,
       dead_lettered AS "deadLettered", status, error, started_at AS "startedAt", finished_at AS "finishedAt"
FROM catchup_run
WHERE id = :#${variable.catchUpRunId}
  AND workspace_id = :#${variable.workspaceId}
