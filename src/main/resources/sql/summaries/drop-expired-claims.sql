-- Claims whose lease ran out (their process died) of lead-days that no run took again since: gone, so
-- the table holds only the lead-days being summarised.
DELETE FROM summary_claim
WHERE workspace_id = :#${variable.workspaceId}
  AND expires_at < now()
