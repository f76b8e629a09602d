-- Identity changes can arrive out of order (01 -> 02 after 02 -> 03). Each lead keeps the time of the newest
-- change it took; an older change arriving late never overwrites a newer one: its identities become aliases
-- of the lead (so a message carrying one still finds it), and its note still goes on the timeline.
ALTER TABLE lead ADD COLUMN identity_changed_at timestamptz;

DROP FUNCTION intake_change_identity(bigint, text, text, text, text, text, text, text, text, text);

-- As before (V9), with the event's own time p_at (NULL: now). Answers 'identityChanged', 'duplicates' or
-- 'no-lead'.
CREATE FUNCTION intake_change_identity(p_workspace bigint, p_event_key text, p_previous_bsuid text,
                                       p_previous_phone text, p_bsuid text, p_parent_bsuid text, p_phone text,
                                       p_username text, p_name text, p_note text, p_at timestamptz)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    target    bigint;
    other     bigint;
    identity  text[];   -- {kind, value}
    at        timestamptz := COALESCE(p_at, now());
    newest    timestamptz;
BEGIN
    IF EXISTS (SELECT 1 FROM identity_event WHERE workspace_id = p_workspace AND event_key = p_event_key) THEN
        RETURN 'duplicates';
    END IF;
    target := COALESCE(lead_holding(p_workspace, 'bsuid', p_previous_bsuid),
                       lead_holding(p_workspace, 'phone', p_previous_phone),
                       lead_holding(p_workspace, 'bsuid', p_bsuid),
                       lead_holding(p_workspace, 'phone', p_phone));
    IF target IS NULL THEN
        RETURN 'no-lead';
    END IF;
    INSERT INTO identity_event (workspace_id, event_key, lead_id) VALUES (p_workspace, p_event_key, target)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'duplicates';   -- the same event, applied concurrently
    END IF;

    -- A new identity that belongs to another lead: the two are one customer. So is a previous one that
    -- another lead holds. Looked up one at a time, as the first merge may absorb the lead the next one names.
    FOREACH identity SLICE 1 IN ARRAY ARRAY[ARRAY['bsuid', p_bsuid], ARRAY['phone', p_phone],
                                            ARRAY['bsuid', p_previous_bsuid], ARRAY['phone', p_previous_phone]]
    LOOP
        other := lead_holding(p_workspace, identity[1], identity[2]);
        IF other IS NOT NULL AND other <> target THEN
            target := lead_merge_pair(p_workspace, target, other, 'an identity change gave one the identity of the other');
            IF target IS NULL THEN
                RAISE EXCEPTION 'lead merged concurrently' USING ERRCODE = '40001';
            END IF;
        END IF;
    END LOOP;

    SELECT identity_changed_at INTO newest FROM lead WHERE id = target FOR UPDATE;
    IF NOT FOUND THEN
        -- Merged away by a message while this waited for its row: nothing of this is kept, the sender retries.
        RAISE EXCEPTION 'lead merged concurrently' USING ERRCODE = '40001';
    END IF;
    IF newest IS NULL OR at >= newest THEN
        PERFORM lead_take_identity(p_workspace, target, 'bsuid', p_bsuid);
        PERFORM lead_take_identity(p_workspace, target, 'phone', p_phone);
    ELSE
        -- Older than the change the lead already took: the lead keeps its identities, these are aliases.
        PERFORM lead_keep_identity(p_workspace, target, 'bsuid', p_bsuid);
        PERFORM lead_keep_identity(p_workspace, target, 'phone', p_phone);
    END IF;
    -- Previous identities the event names but the lead never had in its column are aliases too.
    INSERT INTO lead_alias (workspace_id, kind, value, lead_id)
    SELECT p_workspace, v.kind, v.value, target
    FROM (VALUES ('bsuid', p_previous_bsuid), ('phone', p_previous_phone)) AS v (kind, value)
    WHERE v.value IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM lead l WHERE l.id = target
                      AND v.value = CASE v.kind WHEN 'phone' THEN l.phone ELSE l.bsuid END)
    ON CONFLICT (workspace_id, kind, value) DO UPDATE SET lead_id = EXCLUDED.lead_id;
    UPDATE lead
    SET parent_bsuid = CASE WHEN newest IS NULL OR at >= newest THEN COALESCE(p_parent_bsuid, parent_bsuid)
                            ELSE COALESCE(parent_bsuid, p_parent_bsuid) END,
        username = COALESCE(p_username, username),
        name = COALESCE(name, p_name),
        identity_changed_at = GREATEST(identity_changed_at, at),
        version = version + 1
    WHERE id = target;
    UPDATE identity_event SET lead_id = target WHERE workspace_id = p_workspace AND event_key = p_event_key;
    INSERT INTO note (workspace_id, lead_id, kind, content, added_by)
    VALUES (p_workspace, target, 'identity_change', p_note, 'system-identity');
    RETURN 'identityChanged';
END
$$;
