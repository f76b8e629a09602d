-- Group commit: the messages of concurrent deliveries stored in one transaction, in one round trip, each by V24's
-- intake_store_message exactly as alone (deduplication, the lead's upsert and the erasure check unchanged). Each
-- item runs in a block of its own (a subtransaction): an item that fails (a lock wait past db.lock-timeout-ms, a
-- deadlock, a concurrent merge) is rolled back alone and reported with its SQLSTATE, and its neighbours commit.
-- A statement timeout is not caught: it fails the whole group, as it failed the one message before.
-- p_lock_wait, when given, is how long each item of the group may wait for a lock (lock_timeout, for this
-- transaction only): short, so that a lead another transaction holds does not hold up the whole group. The caller
-- stores such an item again alone, with the pool's own lock timeout (p_lock_wait null). After the first such
-- item the rest of the group waits 1 ms for any lock: a group of many messages to a held lead would otherwise
-- wait p_lock_wait for each of them, and every delivery in it with them.
-- The arrays are the items in the order the caller wants their locks taken; one row per item, by its index.
CREATE FUNCTION intake_store_messages(p_workspace bigint[], p_phone text[], p_bsuid text[], p_parent_bsuid text[],
                                      p_username text[], p_name text[], p_conversation_id text[],
                                      p_conversation_status text[], p_wamid text[], p_direction text[], p_type text[],
                                      p_text text[], p_text_truncated boolean[], p_media_url text[],
                                      p_sent_at timestamptz[], p_sender_sent_at timestamptz[], p_source text[],
                                      p_erasure_salt text, p_lock_wait text)
RETURNS TABLE (item integer, outcome text, sql_state text, error text)
LANGUAGE plpgsql AS $$
BEGIN
    IF p_lock_wait IS NOT NULL THEN
        PERFORM set_config('lock_timeout', p_lock_wait, true);
    END IF;
    FOR i IN 1 .. coalesce(cardinality(p_wamid), 0) LOOP
        item := i;
        sql_state := NULL;
        error := NULL;
        BEGIN
            outcome := intake_store_message(p_workspace[i], p_phone[i], p_bsuid[i], p_parent_bsuid[i], p_username[i],
                                            p_name[i], p_conversation_id[i], p_conversation_status[i], p_wamid[i],
                                            p_direction[i], p_type[i], p_text[i], p_text_truncated[i],
                                            p_media_url[i], p_sent_at[i], p_sender_sent_at[i], p_source[i],
                                            p_erasure_salt);
        EXCEPTION WHEN OTHERS THEN
            outcome := NULL;
            GET STACKED DIAGNOSTICS sql_state = RETURNED_SQLSTATE, error = MESSAGE_TEXT;
            IF sql_state = '55P03' AND p_lock_wait IS NOT NULL THEN
                PERFORM set_config('lock_timeout', '1ms', true);
            END IF;
        END;
        RETURN NEXT;
    END LOOP;
END
$$;
