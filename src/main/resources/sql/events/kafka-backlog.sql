-- How far the Kafka relay is behind: its pending deliveries and when the oldest of them was written (NULL
-- when none is pending), for the lag gauges (events/kafka/KafkaLag).
SELECT count(*) AS pending, min(d.created_at) AS oldest
FROM event_delivery d
JOIN event_subscription s ON s.id = d.subscription_id
WHERE s.kind = 'kafka' AND d.status = 'pending'
