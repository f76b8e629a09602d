package dev.leadline.web;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a request body as one JSON object, refusing (400) what a lenient reader would let through:
 * nesting deeper than the limit (a hostile body could exhaust the stack), anything after the object
 * ({@code {"a":1} trailing}), and text that is not valid Unicode. Jackson refuses invalid UTF-8 such as
 * 0xFF, but decodes a lone UTF-16 surrogate, as the escape {@code \ud800} or as the bytes ED A0 80,
 * into a string PostgreSQL would store as '?': such a body is refused the same way as 0xFF.
 */
public final class StrictJson {

    private final ObjectMapper mapper;

    public StrictJson(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** The body as a JSON object, or an {@link ApiException} 400 that says what is wrong with it. */
    public JsonNode readObject(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        requireValidUnicode(root);
        return root;
    }

    private static void requireValidUnicode(JsonNode node) {
        if (node.isTextual()) {
            requireValidUnicode(node.textValue());
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                requireValidUnicode(field.getKey());
                requireValidUnicode(field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                requireValidUnicode(element);
            }
        }
    }

    private static void requireValidUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.badRequest(String.format("invalid Unicode: a lone surrogate U+%04X (as the escape "
                        + "\\u%04x or its UTF-8 bytes); send valid UTF-8 text", (int) c, (int) c));
            }
        }
    }
}
