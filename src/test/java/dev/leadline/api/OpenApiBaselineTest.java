package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import org.junit.jupiter.api.Test;

/**
 * The hand-written contract may only gain detail over the document camel-openapi-java generated before it
 * (src/test/resources/openapi-baseline.json, fetched from the service at ef5b456): every path, method,
 * parameter, request body, response code and header, schema and schema property of the baseline is still
 * there, with the same type, format, model and (at least the same) enum values.
 */
class OpenApiBaselineTest {

    @Test
    void theServedDocumentKeepsEveryDetailOfTheGeneratedOne() throws Exception {
        JsonNode baseline;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi-baseline.json")) {
            baseline = JSON.readTree(in);
        }
        JsonNode doc = JSON.readTree(LeadlineApp.shared().get("/api/openapi.json", null).body());
        List<String> missing = new ArrayList<>();
        int operations = 0;

        assertEquals(baseline.at("/info/title"), doc.at("/info/title"));
        for (Iterator<String> names = baseline.at("/components/securitySchemes").fieldNames(); names.hasNext(); ) {
            String name = names.next();
            same(baseline.at("/components/securitySchemes/" + name), doc.at("/components/securitySchemes/" + name),
                    "securitySchemes." + name, List.of("type", "scheme"), missing);
        }
        for (Map.Entry<String, JsonNode> path : iterable(baseline.get("paths"))) {
            for (Map.Entry<String, JsonNode> method : iterable(path.getValue())) {
                operations++;
                String where = method.getKey().toUpperCase() + " " + path.getKey();
                JsonNode before = method.getValue();
                JsonNode after = doc.path("paths").path(path.getKey()).path(method.getKey());
                if (!after.isObject()) {
                    missing.add(where);
                    continue;
                }
                same(before, after, where, List.of("operationId"), missing);
                if (after.path("summary").asText().isBlank()) {
                    missing.add(where + " summary");
                }
                for (JsonNode parameter : before.path("parameters")) {
                    JsonNode now = null;
                    for (JsonNode candidate : after.path("parameters")) {
                        if (candidate.path("name").equals(parameter.get("name")) && candidate.path("in").equals(parameter.get("in"))) {
                            now = candidate;
                        }
                    }
                    String p = where + " parameter " + parameter.get("name").asText();
                    if (now == null) {
                        missing.add(p);
                        continue;
                    }
                    same(parameter, now, p, List.of("required"), missing);
                    if (parameter.hasNonNull("description") && now.path("description").asText().isBlank()) {
                        missing.add(p + " description");
                    }
                    schema(parameter.path("schema"), now.path("schema"), p, missing);
                }
                if (before.has("requestBody")) {
                    same(before.at("/requestBody/content/application~1json/schema"), after.at("/requestBody/content/application~1json/schema"),
                            where + " request body", List.of("$ref"), missing);
                    same(before.get("requestBody"), after.path("requestBody"), where + " request body", List.of("required"), missing);
                }
                for (Map.Entry<String, JsonNode> response : iterable(before.get("responses"))) {
                    String r = where + " " + response.getKey();
                    JsonNode now = after.path("responses").path(response.getKey());
                    if (!now.isObject()) {
                        missing.add(r);
                        continue;
                    }
                    same(response.getValue().at("/content/application~1json/schema"), now.at("/content/application~1json/schema"),
                            r, List.of("$ref"), missing);
                    for (Iterator<String> headers = response.getValue().path("headers").fieldNames(); headers.hasNext(); ) {
                        String header = headers.next();
                        if (!now.path("headers").has(header)) {
                            missing.add(r + " header " + header);
                        }
                    }
                }
            }
        }
        for (Map.Entry<String, JsonNode> schema : iterable(baseline.at("/components/schemas"))) {
            String s = "schema " + schema.getKey();
            JsonNode now = doc.at("/components/schemas/" + schema.getKey());
            if (!now.isObject()) {
                missing.add(s);
                continue;
            }
            for (JsonNode required : schema.getValue().path("required")) {
                if (!now.path("required").toString().contains(required.toString())) {
                    missing.add(s + " required " + required);
                }
            }
            for (Map.Entry<String, JsonNode> property : iterable(schema.getValue().path("properties"))) {
                schema(property.getValue(), now.path("properties").path(property.getKey()), s + "." + property.getKey(), missing);
            }
        }
        assertEquals(19, operations, "the baseline's operations were all compared");
        assertTrue(missing.isEmpty(), "lost from the generated document: " + missing);
    }

    /** Type, format, model, nullability, description and enum values kept; the array's items alike. */
    private static void schema(JsonNode before, JsonNode after, String where, List<String> missing) {
        if (after.isMissingNode()) {
            missing.add(where);
            return;
        }
        same(before, after, where, List.of("type", "format", "$ref", "nullable"), missing);
        if (before.hasNonNull("description") && after.path("description").asText().isBlank()) {
            missing.add(where + " description");
        }
        for (JsonNode value : before.path("enum")) {
            if (!after.path("enum").toString().contains(value.toString())) {
                missing.add(where + " enum value " + value);
            }
        }
        if (before.has("items")) {
            schema(before.get("items"), after.path("items"), where + "[]", missing);
        }
    }

    private static void same(JsonNode before, JsonNode after, String where, List<String> fields, List<String> missing) {
        for (String field : fields) {
            if (before.has(field) && !before.get(field).equals(after.path(field))) {
                missing.add(where + " " + field + ": was " + before.get(field) + ", now " + after.path(field));
            }
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
