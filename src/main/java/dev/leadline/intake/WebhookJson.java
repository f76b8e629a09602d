package dev.leadline.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.web.StrictJson;

/** Parses a webhook body into a tree, strictly (bounded depth, nothing after it, valid Unicode): see StrictJson. */
public final class WebhookJson {

    private final StrictJson json;

    public WebhookJson(int maxDepth) {
        this.json = new StrictJson(maxDepth);
    }

    public JsonNode parse(byte[] body) {
        return json.readObject(body);
    }
}
