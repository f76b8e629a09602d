package dev.leadline.events;

import java.util.HashMap;
import java.util.Map;

/**
 * The parameters of the statements that finish a delivery attempt (sql/events/delivery-done, -retry, -give-up):
 * the delivery's key from its claim, and this attempt's HTTP status, latency and error, each null where there
 * was none (a map keeps the nulls, which camel-sql binds as NULL).
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
