package dev.leadline.api;

import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a query result (fetched with one row more than the page size) into a page and the cursor of
 * the next one: {@code {"items": [...], "nextCursor": "..." | null}}.
 */
public final class Pages {

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
