-- POST /api/leads/{id}/erase: lead_erase (V24__erasure_and_audit_log.sql) in one transaction with its audit row;
-- the identities hashed with the installation's privacy.erasure-salt. Answers the erasure record (the Erasure
-- schema) with its id and counts for the log, or no row when the caller's workspace has no such lead.
WITH erasure AS (
    SELECT lead_erase(:#${variable.workspaceId}, :#${variable.leadId}, :#${variable.tokenId},
                      CAST(:#${properties:privacy.erasure-salt} AS text)) AS record
), audit AS (
    INSERT INTO audit_log (actor, token_id, workspace_id, action, target, client_address)
    SELECT 'workspace-token', :#${variable.tokenId}, :#${variable.workspaceId}, 'lead.erase',
           jsonb_build_object('leadId', record -> 'leadId', 'erasureId', record -> 'id',
                              'absorbedLeadIds', record -> 'absorbedLeadIds'),
           :#${variable.clientAddress}
    FROM erasure
    WHERE record IS NOT NULL
)
SELECT record AS erasure, CAST(record ->> 'id' AS bigint) AS "erasureId", record ->> 'deleted' AS deleted
FROM erasure
WHERE record IS NOT NULL
