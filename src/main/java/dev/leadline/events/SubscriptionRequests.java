package dev.leadline.events;

import java.sql.Array;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadline.api.ApiContract;
import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;

/**
 * The webhook subscriptions API's requests: POST /api/subscriptions {url, types?, enabled?}, PATCH with any of
 * them, POST .../redeliver {eventId} or {since}. The event types are the API contract's EventType enum, its
 * one home; a subscription takes exact types, a family ("lead.*") or everything ("*"). 400 for anything else.
 */
public final class SubscriptionRequests {

    static final Set<String> FIELDS = Set.of("url", "types", "enabled");
    static final int MAX_URL = 2000;
    static final int MAX_TYPES = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookTargets targets;
    private final WebhookSigner signer;

    public SubscriptionRequests(WebhookTargets targets, WebhookSigner signer) {
        this.targets = targets;
        this.signer = signer;
    }

    /** A new subscription's row: its URL (checked by the SSRF guard), types as JSON, enabled, a new secret. */
    public Map<String, Object> creation(Map<String, Object> request) {
        JsonRequests.onlyFields(request, FIELDS);
        Map<String, Object> row = new HashMap<>();
        row.put("url", targets.requireAllowed(JsonRequests.text(request, "url", MAX_URL, true)));
        row.put("types", typesJson(request.containsKey("types") ? request.get("types") : List.of("*")));
        row.put("enabled", !request.containsKey("enabled") || flag(request));
        row.put("secret", signer.newSecret());
        return row;
    }

    /** A PATCH: the fields given (null keeps the stored value); 400 for none. */
    public Map<String, Object> change(Map<String, Object> request) {
        JsonRequests.onlyFields(request, FIELDS);
        if (request.isEmpty()) {
            throw ApiException.badRequest("give at least one of " + new TreeSet<>(FIELDS));
        }
        Map<String, Object> row = new HashMap<>();
        String url = request.containsKey("url") ? JsonRequests.text(request, "url", MAX_URL, true) : null;
        row.put("url", url == null ? null : targets.requireAllowed(url));
        row.put("types", request.containsKey("types") ? typesJson(request.get("types")) : null);
        row.put("enabled", request.containsKey("enabled") ? flag(request) : null);
        return row;
    }

    /** {eventId} or {since}, exactly one. */
    public Map<String, Object> redelivery(Map<String, Object> request) {
        JsonRequests.onlyFields(request, Set.of("eventId", "since"));
        if (request.size() != 1) {
            throw ApiException.badRequest("give exactly one of eventId (one event) or since (every event since that time)");
        }
        Map<String, Object> row = new HashMap<>();
        row.put("eventId", null);
        row.put("since", null);
        if (request.containsKey("eventId")) {
            String id = JsonRequests.text(request, "eventId", 36, true);
            try {
                row.put("eventId", UUID.fromString(id).toString());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("eventId must be an event id (a UUID)");
            }
        } else {
            String since = JsonRequests.text(request, "since", 40, true);
            try {
                row.put("since", OffsetDateTime.parse(since).toString());
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("since must be a time with its offset, e.g. 2026-12-01T00:00:00Z");
            }
        }
        return row;
    }

    public long subscriptionId(String id) {
        return JsonRequests.id(id, "subscription id");
    }

    /** 404 when the caller's workspace has no such subscription. */
    public Map<String, Object> require(Map<String, Object> row) {
        if (row == null || row.isEmpty()) {
            throw ApiException.notFound("no such subscription");
        }
        return shown(row);
    }

    /** A row as the API shows it: its types a list (JDBC answers an array). */
    public Map<String, Object> shown(Map<String, Object> row) {
        Map<String, Object> shown = new LinkedHashMap<>(row);
        if (shown.get("types") instanceof Array array) {
            try {
                shown.put("types", Arrays.asList((Object[]) array.getArray()));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return shown;
    }

    public List<Map<String, Object>> shownAll(List<Map<String, Object>> rows) {
        return rows.stream().map(this::shown).toList();
    }

    /** The types as a JSON array for the statement: each known (the contract's EventType), a family or "*". */
    static String typesJson(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > MAX_TYPES) {
            throw ApiException.badRequest("types must be a list of 1 to " + MAX_TYPES + " event types");
        }
        Set<String> families = new TreeSet<>();
        ApiContract.EVENT_TYPES.forEach(t -> families.add(t.substring(0, t.indexOf('.')) + ".*"));
        Set<String> types = new LinkedHashSet<>();
        for (Object type : list) {
            if (!(type instanceof String t) || !(t.equals("*") || ApiContract.EVENT_TYPES.contains(t) || families.contains(t))) {
                throw ApiException.badRequest("types: " + type + " is not an event type; known: " + ApiContract.EVENT_TYPES
                        + ", a family of them " + families + ", or *");
            }
            types.add(t);
        }
        try {
            return JSON.writeValueAsString(new ArrayList<>(types));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean flag(Map<String, Object> request) {
        if (!(request.get("enabled") instanceof Boolean)) {
            throw ApiException.badRequest("enabled must be true or false");
        }
        return (Boolean) request.get("enabled");
    }
}
