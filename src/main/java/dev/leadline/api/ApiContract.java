package dev.leadline.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The API contract, {@code openapi/leadline.yaml}: the one home of the lead statuses, their workflow, the note
 * kinds, the event types and the page size limits, which the Java checks read from here; and the document {@code /api/openapi.json}
 * serves. Read once, when the class loads: a contract that contradicts itself stops the start.
 */
public final class ApiContract {

    static final String RESOURCE = "openapi/leadline.yaml";

    private static final Map<String, Object> DOCUMENT = load();

    public static final Set<String> LEAD_STATUSES = enumOf(DOCUMENT, "LeadStatus");
    public static final Map<String, List<String>> LEAD_WORKFLOW = workflow(DOCUMENT, LEAD_STATUSES);
    public static final Set<String> NOTE_KINDS = enumOf(DOCUMENT, "NoteKind");
    public static final Set<String> EVENT_TYPES = enumOf(DOCUMENT, "EventType");
    public static final Set<String> NOTE_INTENTS = enumOf(DOCUMENT, "NoteIntent");
    public static final Set<String> NOTE_SENTIMENTS = enumOf(DOCUMENT, "NoteSentiment");
    public static final Set<String> OFFLINE_REASONS = enumOf(DOCUMENT, "OfflineReason");
    public static final int MIN_PAGE_SIZE = pageSize(DOCUMENT, "minimum");
    public static final int MAX_PAGE_SIZE = pageSize(DOCUMENT, "maximum");
    public static final int DEFAULT_PAGE_SIZE = pageSize(DOCUMENT, "default");

    static {
        if (MIN_PAGE_SIZE < 1 || MIN_PAGE_SIZE > DEFAULT_PAGE_SIZE || DEFAULT_PAGE_SIZE > MAX_PAGE_SIZE) {
            throw new IllegalStateException(RESOURCE + ": components.parameters.limit needs 1 <= minimum <= default <= maximum");
        }
    }

    private static final byte[] JSON = json(DOCUMENT);

    /** The whole document as JSON (UTF-8), the aliases expanded; bytes, so that the answer has its Content-Length. */
    public byte[] document() {
        return JSON.clone();
    }

    /**
     * A schema of components.schemas as written (the aliases expanded), for code that derives from it: the JSON
     * schema the LLM answers a daily summary in is StructuredNote's (summary/NoteSchema).
     */
    public static Map<String, Object> schema(String name) {
        return map(at(DOCUMENT, "components.schemas." + name), "components.schemas." + name);
    }

    private static Map<String, Object> load() {
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> parse(InputStream yaml) {
        // The document shares its pieces through aliases, one per use: more than snakeyaml's default allows.
        LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).setMaxAliasesForCollections(1000).build();
        return map(new Load(settings).loadFromInputStream(yaml), "the document");
    }

    static Set<String> enumOf(Map<String, Object> document, String schema) {
        String where = "components.schemas." + schema + ".enum";
        return Collections.unmodifiableSet(new LinkedHashSet<>(strings(at(document, where), where)));
    }

    /** components.x-lead-workflow: every status has its ways on (a key), and it names no other status. */
    static Map<String, List<String>> workflow(Map<String, Object> document, Set<String> statuses) {
        Map<String, List<String>> next = new LinkedHashMap<>();
        map(at(document, "components.x-lead-workflow"), "components.x-lead-workflow")
                .forEach((from, to) -> next.put(from, List.copyOf(strings(to, "components.x-lead-workflow." + from))));
        Set<String> named = new LinkedHashSet<>(next.keySet());
        next.values().forEach(named::addAll);
        if (!next.keySet().equals(statuses) || !statuses.containsAll(named)) {
            throw new IllegalStateException(RESOURCE + ": components.x-lead-workflow " + next
                    + " does not have exactly the statuses of LeadStatus " + statuses);
        }
        return Collections.unmodifiableMap(next);
    }

    static int pageSize(Map<String, Object> document, String bound) {
        String where = "components.parameters.limit.schema." + bound;
        if (!(at(document, where) instanceof Integer value)) {
            throw new IllegalStateException(RESOURCE + ": " + where + " is not a whole number");
        }
        return value;
    }

    /** The node at a dotted path of mapping keys. */
    private static Object at(Map<String, Object> document, String path) {
        Object node = document;
        String walked = "";
        for (String key : path.split("\\.")) {
            node = map(node, walked.isEmpty() ? "the document" : walked).get(key);
            walked = walked.isEmpty() ? key : walked + "." + key;
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String where) {
        if (!(node instanceof Map)) {
            throw new IllegalStateException(RESOURCE + ": " + where + " is missing or not a mapping");
        }
        return (Map<String, Object>) node;
    }

    private static List<String> strings(Object node, String where) {
        if (!(node instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalStateException(RESOURCE + ": " + where + " is missing or not a list");
        }
        List<String> values = new ArrayList<>();
        for (Object value : list) {
            if (!(value instanceof String text)) {
                throw new IllegalStateException(RESOURCE + ": " + where + " holds a value that is not text: " + value);
            }
            values.add(text);
        }
        return values;
    }

    private static byte[] json(Map<String, Object> document) {
        try {
            return new ObjectMapper().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(RESOURCE + " cannot be written as JSON", e);
        }
    }
}
