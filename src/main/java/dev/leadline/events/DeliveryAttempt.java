package dev.leadline.events;

import java.util.HashMap;
import java.util.Map;

/**
 * A delivery attempt as the statements that finish it take it (sql/events/delivery-retry, -give-up, and, one
 * element of a round's JSON array, deliveries-done): the delivery's key from its claim, and this attempt's
 * HTTP status, latency and error, each null where there was none (a map keeps the nulls, which camel-sql
 * binds as NULL).
 */
public final class DeliveryAttempt {

    private DeliveryAttempt() {
    }

    public static Map<String, Object> of(Map<String, Object> delivery, Integer status, Long latencyMs, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("subscriptionId", delivery.get("subscriptionId"));
        params.put("leadId", delivery.get("leadId"));
        params.put("seq", delivery.get("seq"));
        params.put("status", status);
        params.put("latencyMs", latencyMs);
        params.put("error", error == null || error.length() <= 500 ? error : error.substring(0, 500));
        return params;
    }
}
