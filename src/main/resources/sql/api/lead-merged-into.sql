-- For a lead id that GET /api/leads/{id} did not find: the lead it was merged into (a merge
-- deletes the absorbed lead and records it in lead_merge), followed along later merges to the lead that
-- holds it now (one column: the lead id itself); no row when it was never merged in the caller's workspace.
WITH RECURSIVE chain (lead_id, depth) AS (
    SELECT into_lead_id, 1
    FROM lead_merge
    WHERE absorbed_lead_id = :#${variable.leadId} AND workspace_id = :#${variable.workspaceId}
    UNION ALL
    SELECT m.into_lead_id, chain.depth + 1
    FROM chain
    JOIN lead_merge m ON m.absorbed_lead_id = chain.lead_id AND m.workspace_id = :#${variable.workspaceId}
    WHERE chain.depth < 100
)
SELECT lead_id FROM chain ORDER BY depth DESC LIMIT 1
