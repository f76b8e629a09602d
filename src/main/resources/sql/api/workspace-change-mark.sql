-- What changed last in a workspace: its newest event's position (every change of a lead, a message or a note
-- writes one), 0 before any. The lead list's ETag; the last entry of index event_by_workspace.
SELECT coalesce(max(position), 0) FROM event WHERE workspace_id = :#workspaceId
