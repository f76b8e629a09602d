-- The Kafka topic's one subscription (kind kafka: every workspace's events), kept in step with
-- events.kafka.brokers at every start: enabled where brokers are set, so that each new event gets its Kafka
-- delivery (event_write); disabled where not, so that new events get none. Deliveries already pending stay,
-- and go out once it is enabled again. Two instances starting at once meet in the conflict, not a duplicate.
INSERT INTO event_subscription (kind, enabled, disabled_reason)
VALUES ('kafka', CAST(:#enabled AS boolean),
        CASE WHEN CAST(:#enabled AS boolean) THEN NULL ELSE 'events.kafka.brokers is not set' END)
ON CONFLICT (kind) WHERE kind = 'kafka'
DO UPDATE SET enabled = EXCLUDED.enabled, disabled_reason = EXCLUDED.disabled_reason
RETURNING id, enabled
