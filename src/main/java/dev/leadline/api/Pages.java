package dev.leadline.api;

import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;

/**
 * Cuts a query result (fetched with one row more than the page size) into a page and the cursor of
 * the next one: {@code {"items": [...], "nextCursor": "..." | null}}.
 */
public final class Pages {

    /** From the API contract's limit parameter (openapi/leadline.yaml), their one home. */
    static final int MIN_LIMIT = ApiContract.MIN_PAGE_SIZE;
    static final int DEFAULT_LIMIT = ApiContract.DEFAULT_PAGE_SIZE;
    static final int MAX_LIMIT = ApiContract.MAX_PAGE_SIZE;

    /** The SQL parameters of a page request: limit, fetch (limit + 1), cursorAt and cursorId. */
    public static Map<String, Object> params(String cursor, String limit) {
        Map<String, Object> params = new HashMap<>();
        int size = pageSize(limit);
        Cursor after = Cursor.decode(cursor);
        params.put("limit", size);
        params.put("fetch", size + 1);
        params.put("cursorAt", after == null ? null : after.at());
        params.put("cursorId", after == null ? null : after.id());
        return params;
    }

    /** For endpoints other than the lead API's: cursor and limit from the query. */
    public Map<String, Object> request(String cursor, String limit) {
        return params(cursor, limit);
    }

    static int pageSize(String limit) {
        if (limit == null || limit.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        Long value = JsonRequests.asciiNumber(limit);
        if (value != null && value >= MIN_LIMIT && value <= MAX_LIMIT) {
            return value.intValue();
        }
        throw ApiException.badRequest("limit must be a whole number from " + MIN_LIMIT + " to " + MAX_LIMIT);
    }

    /** A whole, unpaginated list in the same shape as a page. */
    public Map<String, Object> all(List<Map<String, Object>> rows) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", rows);
        page.put("nextCursor", null);
        return page;
    }

    public Map<String, Object> page(List<Map<String, Object>> rows, int limit, String timeColumn) {
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            Map<String, Object> last = rows.get(limit - 1);
            Timestamp at = (Timestamp) last.get(timeColumn);
            next = new Cursor(at.toInstant().atOffset(ZoneOffset.UTC), ((Number) last.get("id")).longValue()).encode();
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", rows);
        page.put("nextCursor", next);
        return page;
    }
}
