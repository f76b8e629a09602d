-- One batch of the purge: at most batchSize of a workspace's messages sent more than retentionDays ago, oldest
-- first (index message_by_workspace_time), in one short transaction. Rows another deleter holds are skipped, not
-- waited for: two purges share the work. Answers how many went.
WITH doomed AS (
    SELECT id
    FROM message
    WHERE workspace_id = :#workspaceId
      AND sent_at < now() - make_interval(days => CAST(:#retentionDays AS integer))
    ORDER BY sent_at
    LIMIT :#batchSize
    FOR UPDATE SKIP LOCKED
), gone AS (
    DELETE FROM message m USING doomed WHERE m.id = doomed.id RETURNING m.id
)
SELECT count(*) AS deleted FROM gone
