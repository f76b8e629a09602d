package dev.leadline.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * HubSpot's CRM objects API on loopback, as HubSpot documents it (docs/example-hubspot.md), with the state a real account would
 * keep: contacts and notes by their unique key property, note-to-contact associations. It checks the wire format
 * of every request (path and method, the Bearer token, JSON content type, the body's shape) and answers a wrong
 * one 400 with HubSpot's error shape, recording it in {@link #problems()} so a test can fail on it. Scripted
 * answers (a 429 with Retry-After) go first.
 */
public final class StubHubSpot implements AutoCloseable {

    public static final String TOKEN = "pat-test-hubspot-token";
    public static final String LEAD_KEY = "leadline_lead_key";
    public static final String NOTE_KEY = "leadline_note_key";
    public static final String BASE_PATH = "/crm/objects/2026-03";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ASSOCIATE = Pattern.compile(BASE_PATH + "/notes/([^/]+)/associations/contacts/([^/]+)");

    /** One request as received, with when it came. */
    public record Request(String method, String path, JsonNode body, long atMillis) {
    }

    /** A record of the account: its id and properties as last written. */
    public record Record(String id, Map<String, String> properties) {
    }

    /** A scripted answer. */
    public record Scripted(int status, String retryAfter) {
    }

    private final HttpServer server;
    private final AtomicLong ids = new AtomicLong(1000);
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Scripted> scripted = new ConcurrentLinkedQueue<>();
    private final Map<String, Record> contacts = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Record> notes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Set<String> associations = Collections.synchronizedSet(new LinkedHashSet<>());

    public StubHubSpot() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", TestPorts.next()), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "stub-hubspot");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The service settings that point the example at this stub. */
    public Map<String, String> serviceProperties() {
        return Map.of("examples.hubspot.base-url", "http://127.0.0.1:" + port() + BASE_PATH,
                "examples.hubspot.access-token", TOKEN,
                "examples.hubspot.lead-key-property", LEAD_KEY,
                "examples.hubspot.note-key-property", NOTE_KEY);
    }

    public void enqueue(Scripted answer) {
        scripted.add(answer);
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Requests that did not follow the documented wire format (empty when all did). */
    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** Contacts by the value of their key property. */
    public Map<String, Record> contacts() {
        synchronized (contacts) {
            return Map.copyOf(contacts);
        }
    }

    /** Notes by the value of their key property. */
    public Map<String, Record> notes() {
        synchronized (notes) {
            return Map.copyOf(notes);
        }
    }

    /** "noteId->contactId" pairs. */
    public Set<String> associations() {
        synchronized (associations) {
            return Set.copyOf(associations);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body;
            try {
                body = raw.length == 0 ? null : JSON.readTree(raw);
            } catch (IOException e) {
                body = null;
            }
            requests.add(new Request(method, path, body, System.currentTimeMillis()));
            Scripted next = scripted.poll();
            if (next != null) {
                if (next.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", next.retryAfter());
                }
                answer(exchange, next.status(), error(next.status(), "RATE_LIMITS", "You have reached your secondly limit."));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (!("Bearer " + TOKEN).equals(auth)) {
                refuse(exchange, 401, "INVALID_AUTHENTICATION", method + " " + path + ": Authorization was " + auth);
                return;
            }
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.startsWith("application/json")) {
                refuse(exchange, 415, "VALIDATION_ERROR", method + " " + path + ": Content-Type was " + type);
                return;
            }
            if (body == null) {
                refuse(exchange, 400, "VALIDATION_ERROR", method + " " + path + ": the body is not JSON");
                return;
            }
            Matcher associate = ASSOCIATE.matcher(path);
            if (method.equals("POST") && path.equals(BASE_PATH + "/contacts/batch/upsert")) {
                upsert(exchange, body, LEAD_KEY, contacts, List.of(), Set.of("phone", "firstname", "hs_lead_status"));
            } else if (method.equals("POST") && path.equals(BASE_PATH + "/notes/batch/upsert")) {
                upsert(exchange, body, NOTE_KEY, notes, List.of("hs_timestamp", "hs_note_body"), Set.of("hs_timestamp", "hs_note_body"));
            } else if (method.equals("PUT") && associate.matches()) {
                associate(exchange, body, associate.group(1), associate.group(2));
            } else {
                refuse(exchange, 404, "OBJECT_NOT_FOUND", "no such endpoint: " + method + " " + path);
            }
        }
    }

    /** {"inputs": [{"idProperty", "id", "properties"}]} (1-100 inputs), every property a string. */
    private void upsert(HttpExchange exchange, JsonNode body, String keyProperty, Map<String, Record> records,
                        List<String> required, Set<String> known) throws IOException {
        String where = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        JsonNode inputs = body.get("inputs");
        if (body.size() != 1 || inputs == null || !inputs.isArray() || inputs.isEmpty() || inputs.size() > 100) {
            refuse(exchange, 400, "VALIDATION_ERROR", where + ": the body must be {\"inputs\": [1-100 inputs]}: " + body);
            return;
        }
        ArrayNode results = JSON.createArrayNode();
        for (JsonNode input : inputs) {
            JsonNode properties = input.get("properties");
            if (!keyProperty.equals(input.path("idProperty").asText()) || !input.path("id").isTextual()
                    || input.path("id").asText().isBlank() || properties == null || !properties.isObject()) {
                refuse(exchange, 400, "VALIDATION_ERROR", where + ": an input needs idProperty " + keyProperty
                        + ", a string id and a properties object: " + input);
                return;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (var field : (Iterable<Map.Entry<String, JsonNode>>) properties::fields) {
                if (!known.contains(field.getKey()) || !field.getValue().isTextual()) {
                    refuse(exchange, 400, "VALIDATION_ERROR", where + ": property " + field.getKey() + " is unknown or not a string");
                    return;
                }
                values.put(field.getKey(), field.getValue().asText());
            }
            for (String name : required) {
                if (!values.containsKey(name)) {
                    refuse(exchange, 400, "VALIDATION_ERROR", where + ": property " + name + " is required");
                    return;
                }
            }
            if (values.containsKey("hs_timestamp")) {
                try {
                    Instant.parse(values.get("hs_timestamp"));
                } catch (DateTimeParseException e) {
                    refuse(exchange, 400, "VALIDATION_ERROR", where + ": hs_timestamp is not ISO-8601: " + values.get("hs_timestamp"));
                    return;
                }
            }
            String key = input.get("id").asText();
            boolean created;
            Record record;
            synchronized (records) {
                Record before = records.get(key);
                created = before == null;
                Map<String, String> merged = new LinkedHashMap<>(created ? Map.of(keyProperty, key) : before.properties());
                merged.putAll(values);
                record = new Record(created ? String.valueOf(ids.incrementAndGet()) : before.id(), merged);
                records.put(key, record);
            }
            ObjectNode result = results.addObject();
            result.put("id", record.id());
            result.put("new", created);
            result.set("properties", JSON.valueToTree(record.properties()));
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", "COMPLETE");
        answer.set("results", results);
        answer(exchange, 200, answer);
    }

    /** [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}] between records that exist. */
    private void associate(HttpExchange exchange, JsonNode body, String noteId, String contactId) throws IOException {
        String where = "PUT " + exchange.getRequestURI().getPath();
        if (!body.isArray() || body.size() != 1 || !"HUBSPOT_DEFINED".equals(body.get(0).path("associationCategory").asText())
                || body.get(0).path("associationTypeId").asInt() != 202 || !body.get(0).path("associationTypeId").isInt()) {
            refuse(exchange, 400, "VALIDATION_ERROR", where + ": the body must be [{HUBSPOT_DEFINED, 202}]: " + body);
            return;
        }
        boolean noteExists = notes().values().stream().anyMatch(n -> n.id().equals(noteId));
        boolean contactExists = contacts().values().stream().anyMatch(c -> c.id().equals(contactId));
        if (!noteExists || !contactExists) {
            refuse(exchange, 404, "OBJECT_NOT_FOUND", where + ": no such note or contact");
            return;
        }
        associations.add(noteId + "->" + contactId);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("fromObjectId", noteId);
        answer.put("toObjectId", contactId);
        answer.putArray("labels");
        answer(exchange, 200, answer);
    }

    private void refuse(HttpExchange exchange, int status, String category, String problem) throws IOException {
        problems.add(problem);
        answer(exchange, status, error(status, category, problem));
    }

    private static ObjectNode error(int status, String category, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("status", "error");
        error.put("message", message);
        error.put("category", category);
        error.put("correlationId", "stub-" + status);
        return error;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
