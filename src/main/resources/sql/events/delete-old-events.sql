-- Retention: at most batchSize events older than retentionDays, with their deliveries and their log; never
-- one that a subscription still has to deliver. Answers how many went.
WITH old AS (
    SELECT e.id
    FROM event e
    WHERE e.occurred_at < now() - make_interval(days => CAST(:#retentionDays AS integer))
      AND NOT EXISTS (SELECT 1 FROM event_delivery d WHERE d.event_id = e.id AND d.status = 'pending')
    ORDER BY e.occurred_at
    LIMIT :#batchSize
), deliveries AS (
    DELETE FROM event_delivery d USING old WHERE d.event_id = old.id
), attempts AS (
    DELETE FROM event_delivery_attempt a USING old WHERE a.event_id = old.id
), gone AS (
    DELETE FROM event e USING old WHERE e.id = old.id RETURNING e.id
)
SELECT count(*) AS deleted FROM gone
