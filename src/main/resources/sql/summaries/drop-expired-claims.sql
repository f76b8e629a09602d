-- Claims whose holder is gone (lease run out: its process died; or its run no longer running) of lead-days
-- that no run took again since: deleted, so the table holds only the lead-days being summarised.
DELETE FROM summary_claim c
WHERE c.workspace_id = :#${variable.workspaceId}
  AND (c.expires_at < now()
       OR NOT EXISTS (SELECT 1 FROM summary_run r WHERE r.id = c.run_id AND r.status = 'running'))
