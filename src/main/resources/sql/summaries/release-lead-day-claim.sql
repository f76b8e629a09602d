-- The lead-day's note is written (or its attempt failed): its claim goes, if this run still holds it.
DELETE FROM summary_claim
WHERE workspace_id = :#${variable.workspaceId}
  AND lead_id = :#${variable.leadDay[leadId]}
  AND day = CAST(:#${variable.leadDay[day]} AS date)
  AND run_id = :#${variable.runProgress.runId}
