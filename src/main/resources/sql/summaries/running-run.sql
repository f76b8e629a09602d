-- The run that kept insert-run.sql from opening another: the newest of the same workspace, days and
-- lead (it may have finished in between; its record says so).
SELECT id
FROM summary_run
WHERE workspace_id = :#${variable.workspaceId}
  AND first_day = CAST(:#${variable.window[firstDay]} AS date)
  AND last_day = CAST(:#${variable.window[lastDay]} AS date)
  AND COALESCE(lead_id, 0) = CAST(:#${variable.leadId} AS bigint)
ORDER BY id DESC
LIMIT 1
