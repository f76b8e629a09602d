package dev.leadline.web;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.type.TypeReference;

/**
 * Reads a REST request body: a JSON object, with only the fields the endpoint knows (a misspelt field
 * is an error, not silently ignored), and typed accessors that say which field is wrong.
 */
public final class JsonRequests {

    private final RequestGuard guard;
    private final StrictJson json;

    public JsonRequests(RequestGuard guard, int maxDepth) {
        this.guard = guard;
        this.json = new StrictJson(maxDepth);
    }

    /** A form post, which the HTTP server has already read into a map, is not JSON: 415. */
    public void requireNotForm(Object body, String contentType) {
        if (body instanceof Map<?, ?>) {
            guard.requireJson(contentType);
        }
    }

    /**
     * The body as a JSON object (415 for another content type, 413 over the limit, 400 if malformed); an
     * empty body is an empty object (every field absent). Camel converts the request body to bytes.
     */
    public Map<String, Object> object(byte[] body, String contentType) {
        if (body == null || body.length == 0) {
            return Map.of();
        }
        guard.requireJson(contentType);
        guard.requireWithinLimit(body);
        // Strict: nothing after the object, valid Unicode (see StrictJson).
        return json.mapper().convertValue(json.readObject(body), new TypeReference<Map<String, Object>>() { });
    }

    public static void onlyFields(Map<String, Object> request, Set<String> known) {
        Set<String> unknown = new TreeSet<>(request.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown field(s) " + unknown + "; known: " + new TreeSet<>(known));
        }
    }

    /** A trimmed string field of 1..max characters, or null when absent and not required. */
    public static String text(Map<String, Object> request, String field, int max, boolean required) {
        Object value = request.get(field);
        if (value == null) {
            if (required) {
                throw ApiException.badRequest(field + " is required");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            throw ApiException.badRequest(field + " must be a string");
        }
        String trimmed = s.strip();
        if (trimmed.isEmpty()) {
            throw ApiException.badRequest(field + " must not be empty");
        }
        if (trimmed.length() > max) {
            throw ApiException.badRequest(field + " is longer than " + max + " characters");
        }
        if (trimmed.indexOf('\0') >= 0) {
            throw ApiException.badRequest(field + " must not contain NUL characters");
        }
        return trimmed;
    }

    public static boolean flag(Map<String, Object> request, String field) {
        Object value = request.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            throw ApiException.badRequest(field + " must be true or false");
        }
        return b;
    }

    /** A path id: a positive number in ASCII digits, else 400. */
    public static long id(String value, String what) {
        Long id = asciiNumber(value);
        if (id != null && id > 0) {
            return id;
        }
        throw ApiException.badRequest(what + " must be a positive number");
    }

    /**
     * A whole number written in ASCII digits only, or null when it is not one (or does not fit a long).
     * Long.parseLong alone would also read a sign and the digits of other scripts: "/api/leads/٠١" would be lead 1.
     */
    public static Long asciiNumber(String value) {
        if (value == null || value.isEmpty() || value.length() > 19 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }
}
