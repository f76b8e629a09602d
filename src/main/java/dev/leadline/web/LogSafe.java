package dev.leadline.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request data made safe for a log line: control characters (CR, LF, tabs, ANSI escapes, ...,
 * including Unicode line and paragraph separators) become visible escapes such as {@code \n} or
 * {@code \u001b}, so that a phone_number_id with a newline cannot forge a log line.
 */
public final class LogSafe {

    public static String escape(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? String.format("\\u%04x", (int) c) : null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                out.append(replacement != null ? replacement : String.valueOf(c));
            }
        }
        return out == null ? text : out.toString();
    }

    /** Every value of a map escaped, for a log line in YAML that names the fields. */
    public Map<String, String> fields(Map<String, Object> values) {
        Map<String, String> escaped = new LinkedHashMap<>();
        values.forEach((key, value) -> escaped.put(key, escape(value)));
        return escaped;
    }
}
