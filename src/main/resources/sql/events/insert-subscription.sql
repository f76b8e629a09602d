-- POST /api/subscriptions: a webhook subscription of the caller's workspace, enabled or not. The secret is
-- answered here and never again (the other statements leave it out).
INSERT INTO event_subscription (workspace_id, kind, url, types, secret, enabled)
VALUES (:#${variable.workspaceId}, 'webhook', :#url, ARRAY(SELECT jsonb_array_elements_text(CAST(:#types AS jsonb))),
        :#secret, :#enabled)
RETURNING id, url, types, enabled, disabled_reason AS "disabledReason", consecutive_failures AS "consecutiveFailures",
          last_error AS "lastError", created_at AS "createdAt", secret
