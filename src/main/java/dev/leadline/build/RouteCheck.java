package dev.leadline.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.leadline.LeadlineConfiguration;
import dev.leadline.api.InboxConfiguration;
import dev.leadline.catchup.CatchUpConfiguration;
import dev.leadline.events.kafka.KafkaRelayConfiguration;
import dev.leadline.examples.HubSpotExampleConfiguration;
import dev.leadline.intake.IntakeConfiguration;
import dev.leadline.summary.SummaryConfiguration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.catalog.CamelCatalog;
import org.apache.camel.catalog.ConfigurationPropertiesValidationResult;
import org.apache.camel.catalog.DefaultCamelCatalog;
import org.apache.camel.catalog.EndpointValidationResult;
import org.apache.camel.catalog.LanguageValidationResult;

/**
 * The build's route check, run at process-classes by exec-maven-plugin (so {@code -DskipTests} does not
 * skip it). Every route file ({@code routes/*.yaml}, {@code *.camel.yaml} included):
 * <ul>
 *   <li>against camel-yaml-dsl's own JSON schema: a misspelt step or key, a value outside an enum;</li>
 *   <li>each endpoint URI, with its {@code parameters:}, against the Camel catalog: an unknown component or
 *       option, a value of the wrong type;</li>
 *   <li>each simple expression (predicates as predicates) parsed: an unknown function, an unclosed {@code ${};</li>
 *   <li>each call of a bean LeadlineConfiguration or a flow's configuration (CatchUpConfiguration) binds names
 *       one of its public methods, with as many arguments as one of them takes;</li>
 *   <li>each {@code sql:classpath:} endpoint's {@code parametersCount}, if given, is the number of {@code :#}
 *       parameters in its file;</li>
 *   <li>across the files, each {@code direct:} sent to must be some route's {@code from}.</li>
 * </ul>
 * And the camel.* keys of application.properties against the catalog. Each problem names the file and line.
 * Its libraries are provided-scope: used by the build, not packaged.
 */
public final class RouteCheck {

    /** Components the application adds under a name of its own (LeadlineConfiguration), checked as the original. */
    private static final Map<String, String> ALIASES = Map.of(LeadlineConfiguration.CATCH_UP_QUARTZ, "quartz");

    /** Keys whose text value is an endpoint URI (the short form {@code to: direct:x}); the long form has {@code uri:}. */
    private static final Set<String> URI_KEYS = Set.of("from", "to", "toD", "wireTap", "enrich", "pollEnrich", "deadLetterUri");

    /** Keys whose expression is a predicate (true or false), as the last named step above the expression. */
    private static final Set<String> PREDICATE_KEYS = Set.of("when", "onWhen", "filter", "validate", "doWhile",
            "retryWhile", "handled", "continued", "completionPredicate");

    /** One mistake: file, line (0 when unknown) and what is wrong. */
    public record Problem(Path file, int line, String what) {
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + what;
        }
    }

    /** The beans the routes call by name: the configurations' @BindToRegistry methods, name to type. */
    private final Map<String, Class<?>> beans = beans(LeadlineConfiguration.class, IntakeConfiguration.class, InboxConfiguration.class,
            CatchUpConfiguration.class, KafkaRelayConfiguration.class, HubSpotExampleConfiguration.class,
            SummaryConfiguration.class);

    private final JsonSchema schema;
    private final CamelCatalog catalog = new DefaultCamelCatalog();
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    public RouteCheck() throws IOException {
        JsonNode schemaJson;
        try (InputStream in = RouteCheck.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            if (in == null) {
                throw new IllegalStateException("schema/camelYamlDsl.json (camel-yaml-dsl) is not on the classpath");
            }
            schemaJson = new ObjectMapper().readTree(in);
        }
        widenScalars(schemaJson);
        // pointers (/0/route/from/steps/1) to find the line; no preload: only the parts of the schema the
        // routes use are compiled (about 2 s instead of 7 s at every build)
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER)
                .preloadJsonSchema(false).build();
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schemaJson, config);
    }

    /**
     * The schema types every option (a string where Camel takes {@code constant: 201}, a boolean or number
     * where the routes write {@code "{{placeholder}}"}); Camel converts scalars and resolves placeholders at
     * start-up, so any scalar is accepted where one is expected. Keys, steps, enums and objects stay strict.
     * (The schema has no oneOf between two scalar types, so widening makes no alternative ambiguous.)
     */
    static void widenScalars(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("deprecated").isBoolean()) {
                object.remove("deprecated"); // an annotation, unknown to draft-04 (the validator warns of it)
            }
            JsonNode type = object.get("type");
            if (type != null && type.isTextual() && Set.of("string", "boolean", "number", "integer").contains(type.asText())) {
                ArrayNode scalars = object.putArray("type");
                scalars.add("string").add("boolean").add("number").add("integer");
            }
            object.elements().forEachRemaining(RouteCheck::widenScalars);
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(RouteCheck::widenScalars);
        }
    }

    /** Route files of a directory: *.yaml and *.yml, which include *.camel.yaml. */
    public static List<Path> routeFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(".+\\.ya?ml")).sorted().toList();
        }
    }

    /** A route file read: its tree, and the line of each node by JSON pointer; or why it is not YAML. */
    private record Parsed(JsonNode routes, Map<String, Integer> lines, Problem notYaml) {
    }

    private Parsed parse(Path file) throws IOException {
        try {
            JsonNode routes = yaml.readTree(file.toFile());
            return new Parsed(routes == null || routes.isMissingNode() ? yaml.createArrayNode() : routes, lines(file), null);
        } catch (JsonProcessingException e) {
            // snakeyaml's message: what it was parsing, where, the source line and what it found instead
            String what = e.getOriginalMessage().lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.startsWith("^")).findFirst().orElse("");
            String found = e.getOriginalMessage().lines().map(String::strip).filter(l -> l.startsWith("expected") || l.startsWith("found"))
                    .reduce((a, b) -> b).map(l -> "; " + l).orElse("");
            // the last mark is where it found what it did not expect (the first, what it was parsing)
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            for (Matcher m = Pattern.compile("line (\\d+), column").matcher(e.getOriginalMessage()); m.find(); ) {
                line = Integer.parseInt(m.group(1));
            }
            return new Parsed(null, Map.of(), new Problem(file, line, "not valid YAML: " + what + found));
        }
    }

    /** One file on its own (checkAll adds what only the whole set shows). */
    public List<Problem> check(Path file) throws IOException {
        return check(file, parse(file));
    }

    private List<Problem> check(Path file, Parsed parsed) {
        if (parsed.notYaml() != null) {
            return List.of(parsed.notYaml());
        }
        JsonNode routes = parsed.routes();
        Map<String, Integer> lines = parsed.lines();
        List<Problem> problems = new ArrayList<>();
        Set<ValidationMessage> errors = schema.validate(routes);
        // A oneOf reports the failures of every alternative; the specific messages (an unknown key, a value
        // outside an enum) name the mistake, the type and required ones are mostly the other alternatives.
        List<ValidationMessage> shown = pick(errors, "additionalProperties", "enum");
        if (shown.isEmpty()) {
            shown = pick(errors, "type", "required");
        }
        if (shown.isEmpty()) {
            shown = errors.stream().toList();
        }
        for (ValidationMessage e : shown) {
            String at = e.getInstanceLocation().toString();
            String key = "additionalProperties".equals(e.getType()) && e.getProperty() != null ? at + "/" + e.getProperty() : at;
            problems.add(new Problem(file, line(lines, key), e.getMessage()));
        }
        endpoints(routes, (pointer, uri) -> {
            EndpointValidationResult r = validate(uri, pointer);
            if (r != null && r.getUnknownComponent() != null) {
                // the catalog counts an unknown component as a success (it may come from a jar it does not know)
                problems.add(new Problem(file, line(lines, pointer), uri + ": " + describe(r)));
            } else if (r != null && !r.isSuccess()) {
                // the line of the option in parameters: when the mistake is there, else the uri's
                String option = firstOption(r);
                String at = option != null && pointer.endsWith("/uri")
                        && lines.containsKey(pointer.substring(0, pointer.length() - 4) + "/parameters/" + escape(option))
                        ? pointer.substring(0, pointer.length() - 4) + "/parameters/" + escape(option) : pointer;
                problems.add(new Problem(file, line(lines, at), uri + ": " + describe(r)));
            }
            String count = parameterCountProblem(uri);
            if (count != null) {
                problems.add(new Problem(file, line(lines, pointer), count));
            }
        });
        simpleExpressions(routes, (pointer, text) -> {
            boolean predicate = predicate(pointer);
            LanguageValidationResult r = predicate
                    ? catalog.validateLanguagePredicate(RouteCheck.class.getClassLoader(), "simple", text)
                    : catalog.validateLanguageExpression(RouteCheck.class.getClassLoader(), "simple", text);
            if (!r.isSuccess()) {
                String error = r.getError() == null ? "invalid" : r.getError().lines().findFirst().orElse("").strip();
                problems.add(new Problem(file, line(lines, pointer), "simple " + (predicate ? "predicate" : "expression")
                        + " " + text + ": " + error));
            }
        });
        beanCalls(routes, (pointer, call) -> {
            String what = beanProblem(call[0], call[1]);
            if (what != null) {
                problems.add(new Problem(file, line(lines, pointer), what));
            }
        });
        problems.sort(Comparator.comparingInt(Problem::line));
        return problems;
    }

    /**
     * Each file, then what only the whole set shows: a {@code direct:} endpoint sent to that no route
     * consumes (a misspelt name fails only when a message gets there, with DirectConsumerNotAvailableException).
     */
    public List<Problem> checkAll(List<Path> files) throws IOException {
        List<Problem> problems = new ArrayList<>();
        Set<String> consumed = new HashSet<>();
        List<Problem> sends = new ArrayList<>();
        for (Path file : files) {
            Parsed parsed = parse(file);
            problems.addAll(check(file, parsed));
            if (parsed.notYaml() != null) {
                continue;
            }
            JsonNode routes = parsed.routes();
            Map<String, Integer> lines = parsed.lines();
            endpoints(routes, (pointer, uri) -> {
                String name = directName(uri);
                if (name == null) {
                    return;
                }
                if (pointer.endsWith("/from/uri") || pointer.endsWith("/from")) {
                    consumed.add(name);
                } else {
                    sends.add(new Problem(file, line(lines, pointer), name));
                }
            });
        }
        for (Problem send : sends) {
            if (!consumed.contains(send.what())) {
                problems.add(new Problem(send.file(), send.line(),
                        "direct:" + send.what() + ": no route has from: direct:" + send.what()));
            }
        }
        return problems;
    }

    /**
     * The camel.* keys of a settings file against the catalog (a misspelt option, a value of the wrong type).
     * Placeholders are accepted; keys Camel's catalog does not describe (camel.server.*) pass unchecked.
     */
    public List<Problem> checkSettings(Path properties) throws IOException {
        List<Problem> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(properties);
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(properties)) {
            settings.load(in);
        }
        for (String key : new TreeSet<>(settings.stringPropertyNames())) {
            if (!key.startsWith("camel.")) {
                continue;
            }
            ConfigurationPropertiesValidationResult r = catalog.validateConfigurationProperty(key + "=" + settings.getProperty(key));
            if (!r.isSuccess()) {
                int line = 0;
                for (int i = 0; i < lines.size() && line == 0; i++) {
                    if (lines.get(i).strip().matches(Pattern.quote(key) + "\\s*[=:].*")) {
                        line = i + 1;
                    }
                }
                String what = r.summaryErrorMessage(false);
                problems.add(new Problem(properties, line, key + ": " + (what == null ? "invalid" : what.strip().replaceAll("\\s+", " "))));
            }
        }
        return problems;
    }

    private static boolean predicate(String pointer) {
        String[] parts = pointer.split("/");
        for (int i = parts.length - 2; i >= 0; i--) { // the last part is "simple" (or "expression" under it)
            if (!parts[i].matches("\\d+|simple|expression")) {
                return PREDICATE_KEYS.contains(parts[i]);
            }
        }
        return false;
    }

    /**
     * Every simple expression: {@code simple: ...} (or its {@code expression:}) and a log step's message, a
     * simple template. A {@code resource:} reference names a file, not an expression.
     */
    static void simpleExpressions(JsonNode node, BiConsumer<String, String> each) {
        walk(node, "", (pointer, n) -> {
            if (!n.isObject()) {
                return;
            }
            JsonNode simple = n.get("simple");
            if (simple != null && simple.isObject()) {
                simple = simple.get("expression");
                pointer = pointer + "/simple/expression";
            } else {
                pointer = pointer + "/simple";
            }
            if (simple != null && simple.isTextual() && !simple.asText().startsWith("resource:")) {
                each.accept(pointer, simple.asText());
            }
        });
        walk(node, "", (pointer, n) -> {
            JsonNode log = n.isObject() ? n.get("log") : null;
            if (log != null && log.isTextual()) {
                each.accept(pointer + "/log", log.asText());
            } else if (log != null && log.path("message").isTextual()) {
                each.accept(pointer + "/log/message", log.get("message").asText());
            }
        });
    }

    static Map<String, Class<?>> beans(Class<?>... configurations) {
        Map<String, Class<?>> beans = new HashMap<>();
        for (Class<?> configuration : configurations) {
            for (Method m : configuration.getDeclaredMethods()) {
                BindToRegistry bind = m.getAnnotation(BindToRegistry.class);
                if (bind != null) {
                    beans.put(bind.value().isEmpty() ? m.getName() : bind.value(), m.getReturnType());
                }
            }
        }
        return beans;
    }

    /** Every bean call by name ({@code bean:} step or {@code method:} expression): its pointer, ref and method. */
    static void beanCalls(JsonNode node, BiConsumer<String, String[]> each) {
        walk(node, "", (pointer, n) -> {
            if (n.isObject() && n.path("ref").isTextual() && n.path("method").isTextual()) {
                each.accept(pointer + "/method", new String[] {n.get("ref").asText(), n.get("method").asText()});
            }
        });
    }

    private static final Pattern SQL_FILE = Pattern.compile("^sql:classpath:([^?]+)(?:\\?.*?\\bparametersCount=(\\d+))?");

    /**
     * What is wrong with the parametersCount of a statement in a classpath file: camel-sql binds that many
     * values without asking PostgreSQL for the statement's parameters, so it must be the file's count
     * of {@code :#} parameters, comments aside. Null when right, or not given.
     */
    static String parameterCountProblem(String uri) {
        Matcher m = SQL_FILE.matcher(uri);
        if (!m.find() || m.group(2) == null) {
            return null;
        }
        try (InputStream in = RouteCheck.class.getClassLoader().getResourceAsStream(m.group(1))) {
            if (in == null) {
                return "sql file " + m.group(1) + " not found on the classpath";
            }
            String sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replaceAll("--[^\\n]*", "");
            int found = sql.split(":#", -1).length - 1;
            int given = Integer.parseInt(m.group(2));
            return found == given ? null
                    : m.group(1) + ": parametersCount " + given + ", but the file has " + found + " :# parameter(s)";
        } catch (IOException e) {
            return "sql file " + m.group(1) + ": " + e.getMessage();
        }
    }

    /**
     * What is wrong with a call of a bean LeadlineConfiguration binds: no public method of that name, or none
     * taking as many arguments as the call passes ({@code foo(${body}, 'x')}; {@code foo} alone lets Camel
     * bind them). A bean bound elsewhere (in configure()) is not known here and passes.
     */
    String beanProblem(String ref, String call) {
        Class<?> type = beans.get(ref);
        if (type == null) {
            return null;
        }
        int paren = call.indexOf('(');
        String name = (paren < 0 ? call : call.substring(0, paren)).strip();
        List<Method> named = Stream.of(type.getMethods()).filter(m -> m.getName().equals(name)).toList();
        if (named.isEmpty()) {
            return "bean " + ref + " (" + type.getSimpleName() + ") has no method " + name;
        }
        if (paren < 0 || !call.strip().endsWith(")")) {
            return null;
        }
        int arguments = arguments(call.substring(paren + 1, call.strip().length() - 1));
        if (named.stream().noneMatch(m -> m.getParameterCount() == arguments || m.isVarArgs())) {
            return "bean " + ref + "." + name + " takes " + named.stream().map(m -> String.valueOf(m.getParameterCount()))
                    .distinct().sorted().reduce((a, b) -> a + " or " + b).orElse("") + " argument(s), the route passes " + arguments;
        }
        return null;
    }

    /** How many arguments a method call's parameter text has: commas outside quotes, ${...} and parentheses. */
    static int arguments(String parameters) {
        if (parameters.isBlank()) {
            return 0;
        }
        int count = 1;
        int depth = 0;
        char quote = 0;
        for (char c : parameters.toCharArray()) {
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                count++;
            }
        }
        return count;
    }

    /** The name of a direct: endpoint (direct:x, direct://x?options), or null for any other. */
    static String directName(String uri) {
        if (!uri.startsWith("direct:") || uri.contains("${") || uri.contains("{{")) {
            return null;
        }
        String name = uri.substring("direct:".length());
        name = name.startsWith("//") ? name.substring(2) : name;
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }

    private static List<ValidationMessage> pick(Set<ValidationMessage> errors, String... types) {
        Set<String> wanted = Set.of(types);
        return errors.stream().filter(e -> wanted.contains(e.getType()))
                .sorted(Comparator.comparing((ValidationMessage e) -> e.getInstanceLocation().toString()))
                .toList();
    }

    /** Every endpoint: its JSON pointer (of the uri) and the full URI, its parameters: map appended. */
    static void endpoints(JsonNode node, BiConsumer<String, String> each) {
        walk(node, "", (pointer, n) -> {
            if (n.isObject()) {
                JsonNode uri = n.get("uri");
                if (uri != null && uri.isTextual()) {
                    StringBuilder full = new StringBuilder(uri.asText());
                    n.path("parameters").fields().forEachRemaining(p -> full.append(full.indexOf("?") < 0 ? '?' : '&')
                            .append(p.getKey()).append('=').append(p.getValue().asText()));
                    each.accept(pointer + "/uri", full.toString());
                }
                n.fields().forEachRemaining(f -> {
                    if (URI_KEYS.contains(f.getKey()) && f.getValue().isTextual()) {
                        each.accept(pointer + "/" + f.getKey(), f.getValue().asText());
                    }
                });
            }
        });
    }

    private static void walk(JsonNode node, String pointer, BiConsumer<String, JsonNode> visit) {
        visit.accept(pointer, node);
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> walk(f.getValue(), pointer + "/" + escape(f.getKey()), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visit);
            }
        }
    }

    /** The catalog's verdict on an endpoint URI, or null when it can't be checked before start-up. */
    EndpointValidationResult validate(String uri, String pointer) {
        if (uri.contains("${") || uri.startsWith("{{")) {
            return null; // a dynamic URI (toD), or one whose component comes from a setting (llm.base-url: https://...)
        }
        int colon = uri.indexOf(':');
        String scheme = colon > 0 ? uri.substring(0, colon) : uri;
        String checked = ALIASES.containsKey(scheme) ? ALIASES.get(scheme) + uri.substring(colon) : uri;
        boolean consumer = pointer.endsWith("/from/uri") || pointer.endsWith("/from");
        return catalog.validateEndpointProperties(checked, false, consumer, !consumer);
    }

    private static String describe(EndpointValidationResult r) {
        if (r.getUnknownComponent() != null) {
            return "unknown component '" + r.getUnknownComponent() + "'";
        }
        return r.summaryErrorMessage(false).strip().replaceAll("\\s+", " ");
    }

    /** The first option the catalog found fault with, if the mistake is in an option. */
    private static String firstOption(EndpointValidationResult r) {
        return Stream.of(r.getUnknown(), r.getNotConsumerOnly(), r.getNotProducerOnly(), r.getRequired(),
                        r.getInvalidEnum(), r.getInvalidBoolean(), r.getInvalidInteger(), r.getInvalidNumber(),
                        r.getInvalidDuration(), r.getInvalidReference(), r.getInvalidArray(), r.getInvalidMap())
                .filter(Objects::nonNull)
                .flatMap(options -> (options instanceof Map<?, ?> map ? map.keySet() : (Collection<?>) options).stream())
                .map(Object::toString).findFirst().orElse(null);
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static int line(Map<String, Integer> lines, String pointer) {
        // the nearest enclosing node that has a line (a pointer to a missing key names its parent)
        for (String p = pointer; ; p = p.substring(0, p.lastIndexOf('/'))) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
        }
    }

    /** The line of every key and value, by JSON pointer (the form the schema validator reports). */
    private Map<String, Integer> lines(Path file) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = yaml.getFactory().createParser(file.toFile())) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                String pointer = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY
                        ? parser.getParsingContext().getParent().pathAsPointer().toString()
                        : parser.getParsingContext().pathAsPointer().toString();
                lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
            }
        }
        return lines;
    }

    /**
     * Checks every route file of the directory (args[0], default routes) and, when given, the camel.* keys
     * of a settings file (args[1]); throws if anything has a problem.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "routes");
        RouteCheck check = new RouteCheck();
        List<Path> files = routeFiles(dir);
        List<Problem> found = new ArrayList<>(check.checkAll(files));
        if (args.length > 1) {
            found.addAll(check.checkSettings(Path.of(args[1])));
        }
        // each named as the project sees it (routes/x.yaml), whatever directory Maven was started from
        Path base = dir.toAbsolutePath().getParent();
        List<Problem> problems = found.stream().map(p -> base == null || !p.file().toAbsolutePath().startsWith(base) ? p
                : new Problem(base.relativize(p.file().toAbsolutePath()), p.line(), p.what())).toList();
        problems.forEach(p -> System.err.println("route check: " + p));
        System.out.println("route check: " + files.size() + " files" + (args.length > 1 ? " and " + Path.of(args[1]).getFileName() : "")
                + ", " + problems.size() + " problem(s)");
        if (files.isEmpty()) {
            throw new IllegalStateException("route check: no route files in " + dir);
        }
        if (!problems.isEmpty()) {
            // exec:java runs in Maven's JVM: an exception fails the build, System.exit would end Maven itself
            throw new IllegalStateException("route check: " + problems.size() + " problem(s), the first: " + problems.get(0));
        }
    }
}
