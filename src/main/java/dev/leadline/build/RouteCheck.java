package dev.leadline.build;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.catalog.DefaultCamelCatalog;
import org.apache.camel.catalog.EndpointValidationResult;

/**
 * SPIKE (issue 14): the build's route check, run at process-classes by exec-maven-plugin: every route file
 * against camel-yaml-dsl's own JSON schema, then every endpoint URI against the Camel catalog.
 */
public final class RouteCheck {

    /** A scalar Camel converts (201 where a string is expected) or a placeholder resolved at start-up. */
    static boolean coerced(JsonNode value) {
        return value != null && (value.isNumber() || value.isBoolean() || (value.isTextual() && value.asText().contains("{{")));
    }

    /** Every type error is a coercion, so the other (oneOf, required) messages are only their echoes. */
    static boolean coercionOnly(Set<ValidationMessage> errors) {
        return errors.stream().filter(e -> "type".equals(e.getType())).allMatch(e -> coerced(e.getInstanceNode()))
                && errors.stream().anyMatch(e -> "type".equals(e.getType()));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "routes");
        JsonSchema schema;
        try (InputStream in = RouteCheck.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        DefaultCamelCatalog catalog = new DefaultCamelCatalog();
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode routes = yaml.readTree(file.toFile());
            Set<ValidationMessage> errors = schema.validate(routes);
            // The schema's oneOf alternatives report every branch that failed; the specific messages
            // (an unknown key, a wrong type, a value outside an enum) name the mistake. Camel coerces scalars
            // and resolves {{placeholders}} at start-up, so those type differences are not mistakes.
            List<ValidationMessage> specific = errors.stream().filter(e -> switch (e.getType()) {
                case "additionalProperties", "enum" -> true;
                case "type" -> !coerced(e.getInstanceNode());
                default -> false;
            }).toList();
            boolean onlyCoercions = specific.isEmpty() && errors.stream().allMatch(e -> !"additionalProperties".equals(e.getType())
                    && (!"type".equals(e.getType()) || coerced(e.getInstanceNode())) && coercionOnly(errors));
            if (!onlyCoercions) {
                (specific.isEmpty() ? errors.stream().limit(1).toList() : specific)
                        .forEach(e -> problems.add(file + ": " + e.getMessage()));
            }
            // an endpoint is its uri plus its parameters: map (the YAML DSL's long form)
            routes.findParents("uri").forEach(endpoint -> {
                JsonNode uri = endpoint.get("uri");
                if (!uri.isTextual() || uri.asText().contains("{{")) {
                    return;
                }
                StringBuilder full = new StringBuilder(uri.asText());
                JsonNode parameters = endpoint.path("parameters");
                parameters.fields().forEachRemaining(p -> full.append(full.indexOf("?") < 0 ? '?' : '&')
                        .append(p.getKey()).append('=').append(p.getValue().asText().contains("{{") ? "0" : p.getValue().asText()));
                EndpointValidationResult r = catalog.validateEndpointProperties(full.toString());
                if (!r.isSuccess()) {
                    problems.add(file + ": " + full + ": " + r.summaryErrorMessage(false).strip().replaceAll("\\s+", " "));
                }
            });
        }
        problems.forEach(System.err::println);
        System.out.println("route check: " + files.size() + " files, " + problems.size() + " problem(s)");
        if (!problems.isEmpty()) {
            // exec:java runs in Maven's JVM: an exception fails the build, System.exit would end Maven itself
            throw new IllegalStateException("route check: " + problems.size() + " problem(s) in " + dir + ", listed above");
        }
    }
}
