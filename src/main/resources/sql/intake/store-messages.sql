-- The messages of a group commit (intake/MessageGroupCommit), in one round trip and one transaction:
-- intake_store_messages (V26__intake_group_commit.sql) stores each as intake_store_message does alone, and
-- answers one row per item: its index (from 1), its outcome ('stored', 'duplicates' or 'erased'), or the
-- SQLSTATE and message of its failure. Parameters: one array per column of store-message.sql, the
-- installation's erasure salt, and how long each item may wait for a lock (null: the pool's db.lock-timeout-ms).
SELECT item, outcome, sql_state, error
FROM intake_store_messages(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                           CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                           CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                           CAST(? AS boolean[]), CAST(? AS text[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]),
                           CAST(? AS text[]), CAST(? AS text), CAST(? AS text))
