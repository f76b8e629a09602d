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
 * kinds and the page size limits, which the Java checks read from here; and the document {@code /api/openapi.json}
 * serves. Read once, when the class loads: a contract that contradicts itself stops the start.
 */
public final class ApiContract {

    static final String RESOURCE = "openapi/leadline.yaml";

    private static final Map<String, Object> DOCUMENT = load();

    public static final Set<String> LEAD_STATUSES = enumOf("LeadStatus");
    public static final Map<String, List<String>> LEAD_WORKFLOW = workflow();
    public static final Set<String> NOTE_KINDS = enumOf("NoteKind");
    public static final int MIN_PAGE_SIZE = pageSize("minimum");
    public static final int MAX_PAGE_SIZE = pageSize("maximum");
    public static final int DEFAULT_PAGE_SIZE = pageSize("default");

    private static final byte[] JSON = json(DOCUMENT);

    /** The whole document as JSON (UTF-8), the aliases expanded; bytes, so that the answer has its Content-Length. */
    public byte[] document() {
        return JSON.clone();
    }

    static Map<String, Object> load() {
        // The document shares its pieces through aliases (one per use): more than the default allows.
        LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).setMaxAliasesForCollections(1000).build();
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return map(new Load(settings).loadFromInputStream(in), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> enumOf(String schema) {
        Object values = map(map(map(DOCUMENT.get("components"), "components").get("schemas"), "components.schemas")
                .get(schema), "components.schemas." + schema).get("enum");
        return Collections.unmodifiableSet(new LinkedHashSet<>(strings(values, "components.schemas." + schema + ".enum")));
    }

    private static Map<String, List<String>> workflow() {
        Map<String, Object> declared = map(map(DOCUMENT.get("components"), "components").get("x-lead-workflow"),
                "components.x-lead-workflow");
        Map<String, List<String>> next = new LinkedHashMap<>();
        declared.forEach((from, to) -> next.put(from, List.copyOf(strings(to, "components.x-lead-workflow." + from))));
        // Every status has its way on, and the workflow names no other status.
        Set<String> named = new LinkedHashSet<>(next.keySet());
        next.values().forEach(named::addAll);
        if (!next.keySet().equals(LEAD_STATUSES) || !LEAD_STATUSES.containsAll(named)) {
            throw new IllegalStateException(RESOURCE + ": x-lead-workflow " + next + " does not match LeadStatus " + LEAD_STATUSES);
        }
        return Collections.unmodifiableMap(next);
    }

    private static int pageSize(String bound) {
        Object value = map(map(map(map(DOCUMENT.get("components"), "components").get("parameters"), "components.parameters")
                .get("limit"), "components.parameters.limit").get("schema"), "components.parameters.limit.schema").get(bound);
        if (!(value instanceof Integer number)) {
            throw new IllegalStateException(RESOURCE + ": components.parameters.limit.schema." + bound + " is not a whole number: " + value);
        }
        return number;
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
