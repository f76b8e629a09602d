-- An admin action of several statements (a dead-letter replay, a bulk replay or a catch-up started, Kapso keys
-- re-encrypted), recorded right after it succeeded: auditAction, auditWorkspaceId (NULL: installation-wide) and
-- auditTarget (a JSON object of ids and counts) from the route; the client address from authenticate-admin.
INSERT INTO audit_log (actor, workspace_id, action, target, client_address)
VALUES ('admin', CAST(:#${variable.auditWorkspaceId} AS bigint), :#${variable.auditAction},
        CAST(:#${variable.auditTarget} AS jsonb), :#${variable.clientAddress})
