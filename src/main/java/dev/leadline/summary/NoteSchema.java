package dev.leadline.summary;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.api.ApiContract;

/**
 * The JSON schema a daily summary's LLM answer must match, derived from its one home, StructuredNote in the API
 * contract (openapi/leadline.yaml): each property's type, items, enum and description as written there, an allOf of
 * one schema (how the contract makes an enum nullable) taken in, {@code nullable} dropped (the LLM answers every
 * field; only the offline summariser leaves some null), every property required and no other allowed. Sent as the request's response_format; and
 * each answer is checked against it here, since a provider that does not enforce structured output may answer
 * anything.
 */
public final class NoteSchema {

    static final String NAME = "daily_summary";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode schema;

    public NoteSchema() {
        this(ApiContract.schema("StructuredNote"));
    }

    NoteSchema(Map<String, Object> contractSchema) {
        this.schema = derive(JSON.valueToTree(contractSchema));
    }

    /** The JSON schema (a copy). */
    public ObjectNode schema() {
        return schema.deepCopy();
    }

    /** The request's response_format: {"type": "json_schema", "json_schema": {"name", "strict", "schema"}}. */
    public ObjectNode responseFormat() {
        ObjectNode format = JSON.createObjectNode().put("type", "json_schema");
        format.putObject("json_schema").put("name", NAME).put("strict", true).set("schema", schema());
        return format;
    }

    /** What is wrong with an answer, as a JSON pointer and the rule it breaks; null when it matches. */
    public String problem(JsonNode answer) {
        return problem(schema, answer, "");
    }

    private static String problem(JsonNode schema, JsonNode value, String at) {
        String where = at.isEmpty() ? "the answer" : at;
        switch (schema.path("type").asText()) {
            case "object" -> {
                if (!value.isObject()) {
                    return where + " is not an object";
                }
                for (JsonNode required : schema.path("required")) {
                    if (!value.has(required.asText())) {
                        return where + " lacks " + required.asText();
                    }
                }
                for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    JsonNode property = schema.path("properties").get(field.getKey());
                    if (property == null) {
                        return where + " has a field the schema does not know: " + field.getKey();
                    }
                    String problem = problem(property, field.getValue(), at + "/" + field.getKey());
                    if (problem != null) {
                        return problem;
                    }
                }
                return null;
            }
            case "array" -> {
                if (!value.isArray()) {
                    return where + " is not an array";
                }
                for (int i = 0; i < value.size(); i++) {
                    String problem = problem(schema.path("items"), value.get(i), at + "/" + i);
                    if (problem != null) {
                        return problem;
                    }
                }
                return null;
            }
            case "string" -> {
                if (!value.isTextual()) {
                    return where + " is not a string";
                }
                JsonNode allowed = schema.get("enum");
                if (allowed == null) {
                    return null;
                }
                for (JsonNode one : allowed) {
                    if (one.asText().equals(value.asText())) {
                        return null;
                    }
                }
                return where + " is " + value + ", not one of " + allowed;
            }
            default -> throw new IllegalStateException("StructuredNote in the API contract uses a type NoteSchema does not "
                    + "check: " + schema.path("type"));
        }
    }

    /** The contract's schema as the LLM gets it (see the class comment). */
    static ObjectNode derive(JsonNode contract) {
        ObjectNode out = JSON.createObjectNode();
        JsonNode source = contract;
        if (contract.has("allOf")) {
            if (contract.get("allOf").size() != 1) {
                throw new IllegalStateException("StructuredNote: an allOf of one schema only (a nullable enum), not " + contract);
            }
            source = contract.get("allOf").get(0);
        }
        String type = source.path("type").asText();
        out.put("type", type);
        JsonNode description = contract.has("description") ? contract.get("description") : source.get("description");
        if (description != null) {
            out.set("description", description);
        }
        switch (type) {
            case "object" -> {
                ObjectNode properties = out.putObject("properties");
                ArrayNode required = out.putArray("required");
                source.path("properties").fields().forEachRemaining(p -> {
                    properties.set(p.getKey(), derive(p.getValue()));
                    required.add(p.getKey());
                });
                out.put("additionalProperties", false);
            }
            case "array" -> out.set("items", derive(source.path("items")));
            case "string" -> {
                if (source.has("enum")) {
                    out.set("enum", source.get("enum"));
                }
            }
            default -> throw new IllegalStateException("StructuredNote uses a type the LLM's schema does not take: " + source);
        }
        return out;
    }
}
