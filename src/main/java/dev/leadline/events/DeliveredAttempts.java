package dev.leadline.events;

import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.AbstractListAggregationStrategy;
import org.apache.camel.support.DefaultExchange;

/**
 * The split of a relay round (routes/event-webhooks.camel.yaml, routes/event-kafka.camel.yaml) gathered into the
 * attempts its receivers took (variable outcome "delivered"; the body, a {@link DeliveryAttempt}), so that the
 * round records them all in one statement (sql/events/deliveries-done.sql). Every other outcome was recorded
 * by its own branch as it happened.
 */
public final class DeliveredAttempts extends AbstractListAggregationStrategy<Object> {

    /**
     * The list is held by an exchange of its own: the split copies the result's variables onto the round's
     * exchange, and one delivery's (its status, its error) must not reach the next round's deliveries.
     */
    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        return super.aggregate(oldExchange != null ? oldExchange : new DefaultExchange(newExchange.getContext()), newExchange);
    }

    @Override
    public Object getValue(Exchange exchange) {
        return "delivered".equals(exchange.getVariable("outcome")) ? exchange.getMessage().getBody() : null;
    }
}
