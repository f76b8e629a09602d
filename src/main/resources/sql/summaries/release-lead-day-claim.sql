-- The lead-day's note is written (or its attempt failed): its claim goes, if this run still holds it.
DELETE FROM summary_claim
WHERE workspace_id = :#workspaceId
  AND lead_id = :#leadDayLeadId
  AND day = CAST(:#leadDayDate AS date)
  AND run_id = :#runId
