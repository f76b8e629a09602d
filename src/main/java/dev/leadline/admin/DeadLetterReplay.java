package dev.leadline.admin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.intake.IntakeItem;
import dev.leadline.intake.KapsoEvents;
import dev.leadline.intake.MetaEvents;
import dev.leadline.intake.WebhookJson;
import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;
import org.apache.camel.Body;

/**
 * Turns a kept dead letter back into intake items, through the same readers as a live delivery, so
 * that replaying it stores exactly what the original would have (and nothing twice: message ids).
 */
public final class DeadLetterReplay {

    private final WebhookJson json;
    private final KapsoEvents kapso;
    private final MetaEvents meta;

    public DeadLetterReplay(WebhookJson json, KapsoEvents kapso, MetaEvents meta) {
        this.json = json;
        this.kapso = kapso;
        this.meta = meta;
    }

    public long deadLetterId(String id) {
        return JsonRequests.id(id, "dead letter id");
    }

    public List<Map<String, Object>> items(@Body Map<String, Object> deadLetter) {
        if (deadLetter == null) {
            throw ApiException.notFound("no such dead letter");
        }
        JsonNode payload = json.parse(deadLetter.get("payload").toString().getBytes(StandardCharsets.UTF_8));
        return "meta".equals(deadLetter.get("source")) ? meta.read(payload)
                : kapso.read(payload, (String) deadLetter.get("event"));
    }

    /** The business number the kept event is for: it selects the workspace now. */
    public Map<String, Object> deliveryKey(@Body List<Map<String, Object>> items) {
        return IntakeItem.deliveryKey(items.isEmpty() ? null : (String) items.get(0).get(IntakeItem.PHONE_NUMBER_ID));
    }
}
