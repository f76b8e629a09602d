package dev.leadline.intake;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Adds up what happened to each item of a delivery into the webhook's answer:
 * {@code {"stored", "duplicates", "conversationsUpdated", "identityChanged", "ignored", "deadLettered", "test"}}, and
 * any other outcome when it occurs (messagesUpdated, updatesPending, notesAdded). Each split exchange names its outcome in the {@code intakeOutcome} variable.
 */
public final class IntakeTally implements AggregationStrategy {

    public static final String OUTCOME = "intakeOutcome";
    private static final String[] COUNTS = {"stored", "duplicates", "conversationsUpdated", "identityChanged", "ignored",
        "deadLettered", "test"};

    @Override
    public Exchange aggregate(Exchange tally, Exchange item) {
        Exchange target = tally != null ? tally : item;
        Map<String, Object> counts = tally != null ? tally.getMessage().getBody(Map.class) : emptyCounts();
        String outcome = item.getVariable(OUTCOME, String.class);
        if (outcome != null) {
            counts.merge(outcome, 1, (a, b) -> (Integer) a + (Integer) b);
        }
        target.getMessage().setBody(counts);
        return target;
    }

    @Override
    public void onCompletion(Exchange exchange, Exchange original) {
        if (!(exchange.getMessage().getBody() instanceof Map<?, ?>)) {
            exchange.getMessage().setBody(emptyCounts());
        }
    }

    private static Map<String, Object> emptyCounts() {
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String c : COUNTS) {
            counts.put(c, 0);
        }
        return counts;
    }
}
