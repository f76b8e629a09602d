package dev.leadline.summary;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Makes a daily summary of the LLM's answer (ChatCompletions.read): its content is JSON in the note schema
 * ({@link NoteSchema}), kept as the note's structured fields, with the summary as its text. An answer that does
 * not match is marked (schemaProblem) for the route to ask once more; if the second answer does not match either,
 * the note keeps its text as it came, and unstructuredReason says why.
 */
public final class StructuredNotes {

    static final int MAX_NOTE_CHARS = 600;
    static final int MAX_ITEM_CHARS = 200;
    static final int MAX_ITEMS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NoteSchema schema;

    public StructuredNotes(NoteSchema schema) {
        this.schema = schema;
    }

    /** The note of one answer; schemaProblem is set (and structured null) when it does not match the schema. */
    public Map<String, Object> read(Map<String, Object> answer) {
        String content = (String) answer.get("content");
        String problem;
        JsonNode fields = null;
        try {
            fields = JSON.readTree(withoutCodeFence(content));
            problem = fields == null ? "the answer is empty" : schema.problem(fields);
        } catch (JsonProcessingException e) {
            problem = "the answer is not JSON: " + OfflineSummariser.cut(e.getOriginalMessage(), 200);
        }
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("generator", answer.get("generator"));
        note.put("promptTokens", answer.get("promptTokens"));
        note.put("completionTokens", answer.get("completionTokens"));
        note.put("offlineReason", null);
        if (problem == null) {
            ObjectNode tidy = tidy((ObjectNode) fields);
            note.put("content", tidy.get("summary").asText());
            note.put("structured", write(tidy));
            note.put("unstructuredReason", null);
        } else {
            note.put("content", OfflineSummariser.cut(ChatCompletions.collapseWhitespace(content), MAX_NOTE_CHARS));
            note.put("structured", null);
            note.put("unstructuredReason", "the LLM's answer did not match the note schema: " + problem);
        }
        note.put("schemaProblem", problem);
        return note;
    }

    /**
     * The note after the second answer to a first that did not match: the second's, if it matches; else its text with
     * the marker. The tokens are both answers'. No second answer (the budget left no room for it): the first's text.
     */
    public Map<String, Object> again(Map<String, Object> first, Map<String, Object> answer) {
        if (answer == null) {
            Map<String, Object> kept = new LinkedHashMap<>(first);
            kept.put("unstructuredReason", first.get("unstructuredReason") + "; not asked again: the LLM budget of the day is spent");
            return kept;
        }
        Map<String, Object> second = read(answer);
        second.put("promptTokens", sum(first.get("promptTokens"), second.get("promptTokens")));
        second.put("completionTokens", sum(first.get("completionTokens"), second.get("completionTokens")));
        if (second.get("schemaProblem") != null) {
            second.put("unstructuredReason", "the LLM's answer did not match the note schema twice: " + second.get("schemaProblem"));
        }
        return second;
    }

    /** Whitespace collapsed, the summary and each item within bounds: what the page shows stays readable. */
    private static ObjectNode tidy(ObjectNode fields) {
        ObjectNode tidy = JSON.createObjectNode();
        fields.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            int max = field.getKey().equals("summary") ? MAX_NOTE_CHARS : MAX_ITEM_CHARS;
            if (value.isTextual()) {
                tidy.put(field.getKey(), OfflineSummariser.cut(ChatCompletions.collapseWhitespace(value.asText().strip()), max));
            } else if (value.isArray()) {
                ArrayNode items = tidy.putArray(field.getKey());
                for (int i = 0; i < Math.min(value.size(), MAX_ITEMS); i++) {
                    items.add(OfflineSummariser.cut(ChatCompletions.collapseWhitespace(value.get(i).asText().strip()), max));
                }
            } else {
                tidy.set(field.getKey(), value);
            }
        });
        return tidy;
    }

    /** Some models wrap JSON in a markdown code fence even when asked for JSON. */
    static String withoutCodeFence(String content) {
        String text = content.strip();
        if (text.startsWith("```") && text.endsWith("```") && text.length() > 6) {
            text = text.substring(3, text.length() - 3);
            return text.startsWith("json") ? text.substring(4) : text;
        }
        return text;
    }

    private static int sum(Object a, Object b) {
        return (a == null ? 0 : ((Number) a).intValue()) + (b == null ? 0 : ((Number) b).intValue());
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of text and arrays always writes
        }
    }
}
