package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;

/** The OpenAPI document parses and describes every REST route: parameters, statuses, error shape. */
class OpenApiTest {

    static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    @Test
    void theDocumentListsEveryRestRouteWithItsResponsesAndErrorShape() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        HttpResponse<String> response = app.get("/api/openapi.json", null);
        assertEquals(200, response.statusCode());
        JsonNode doc = JSON.readTree(response.body());
        assertTrue(doc.get("openapi").asText().startsWith("3."));
        JsonNode error = doc.at("/components/schemas/ErrorBody/properties");
        assertTrue(error.has("error") && error.has("detail"), "the error shape is described");

        int verbs = 0;
        for (RestDefinition rest : app.context().getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                verbs++;
                String path = rest.getPath() + verb.getPath();
                JsonNode operation = doc.path("paths").path(path).path(verb.asVerb().toLowerCase(Locale.ROOT));
                assertTrue(operation.isObject(), verb.asVerb() + " " + path + " is in the document");
                assertTrue(operation.path("summary").asText().length() > 10, path + " is described");
                assertTrue(operation.path("responses").has("401"), path + " documents 401");
                assertTrue(operation.path("responses").fieldNames().next().startsWith("2"), path + " documents its success");
                operation.path("responses").fields().forEachRemaining(r -> {
                    if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                        assertTrue(r.getValue().at("/content/application~1json/schema/$ref").asText().contains("Error"),
                                path + " " + r.getKey() + " has the error shape");
                    }
                });
                Matcher param = PATH_PARAM.matcher(path);
                while (param.find()) {
                    assertTrue(operation.path("parameters").toString().contains("\"name\":\"" + param.group(1) + "\""),
                            path + " documents path parameter " + param.group(1));
                }
            }
        }
        assertEquals(36, verbs, "every REST endpoint counted (the admin API: bulk replay runs, Kapso key re-encryption, catch-up runs, the audit log; webhook subscriptions; the overview; the LLM spend; a lead's export and erasure)");
    }
}
