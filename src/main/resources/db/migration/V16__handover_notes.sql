-- Meta's business AI agent and the handover protocol: who holds a conversation changes (the agent took
-- over, it was handed back) and a handover may carry the agent's summary of the conversation so far. Both
-- are timeline notes of the customer's lead, written by the intake: 'handover' and 'ai_agent_summary'.
ALTER TABLE note DROP CONSTRAINT note_kind_check;
ALTER TABLE note ADD CONSTRAINT note_kind_check
    CHECK (kind IN ('daily_summary', 'manual', 'status_change', 'merge', 'identity_change', 'handover',
                    'ai_agent_summary'));

-- The webhook event a note was written for (source and its key): a re-sent event adds nothing. Other notes
-- have none, and NULLs never conflict. Per workspace, so that a merge moving notes between leads keeps it.
ALTER TABLE note ADD COLUMN event_key text;
CREATE UNIQUE INDEX note_once_per_event ON note (workspace_id, event_key) WHERE event_key IS NOT NULL;

-- One note from a webhook event, once, on the lead of the customer it names (found or created like a
-- message's, without moving its last activity: a handover is not something the customer said). In one round
-- trip. Answers 'notesAdded' or 'duplicates'.
CREATE FUNCTION intake_add_event_note(p_workspace bigint, p_event_key text, p_phone text, p_bsuid text,
                                      p_parent_bsuid text, p_username text, p_name text, p_kind text,
                                      p_content text, p_at timestamptz, p_added_by text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    found_lead bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM note WHERE workspace_id = p_workspace AND event_key = p_event_key) THEN
        RETURN 'duplicates';
    END IF;
    found_lead := intake_lead_for(p_workspace, p_phone, p_bsuid, p_parent_bsuid, p_username, p_name, p_at, false);
    INSERT INTO note (workspace_id, lead_id, kind, content, added_by, added_at, event_key)
    VALUES (p_workspace, found_lead, p_kind, p_content, p_added_by, p_at, p_event_key)
    ON CONFLICT (workspace_id, event_key) WHERE event_key IS NOT NULL DO NOTHING;
    RETURN CASE WHEN FOUND THEN 'notesAdded' ELSE 'duplicates' END;
END
$$;
