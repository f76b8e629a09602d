package dev.leadline.intake;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the WhatsApp Cloud API message object that Kapso and Meta both deliver: a readable text for
 * every type, the media link and the sender's timestamp.
 */
final class WhatsAppMessages {

    /** Before WhatsApp Business existed: a timestamp this old is not real. */
    private static final Instant EARLIEST = Instant.parse("2009-01-01T00:00:00Z");
    /** How far ahead of our clock a sender's clock may run before its timestamp is not believed. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** The latest timestamp kept as the sender's own (PostgreSQL and ISO-8601 both hold it). */
    private static final Instant LATEST_KEPT = Instant.parse("9999-12-31T23:59:59Z");

    private WhatsAppMessages() {
    }

    /** Fills the item's message fields; its dedup key is the source and the message id. */
    static void read(JsonNode message, Map<String, Object> item) {
        String wamid = textOrNull(message.path("id"));
        item.put(IntakeItem.WAMID, wamid);
        item.put(IntakeItem.DEDUP_KEY, wamid == null ? null : item.get(IntakeItem.SOURCE) + ":" + wamid);
        item.put(IntakeItem.TYPE, textOr(message.path("type"), "unknown"));
        item.put(IntakeItem.TEXT, readableText(message));
        item.put(IntakeItem.MEDIA_URL, textOrNull(message.path("kapso").path("media_url")));
        Instant now = Instant.now();
        Instant given = senderTime(message.path("timestamp"));
        boolean believable = given != null && given.isAfter(EARLIEST) && !given.isAfter(now.plus(MAX_CLOCK_SKEW));
        item.put(IntakeItem.SENT_AT, (believable ? given : now).atOffset(ZoneOffset.UTC));
        item.put(IntakeItem.SENDER_SENT_AT, believable || given == null || given.isAfter(LATEST_KEPT)
                ? null : given.atOffset(ZoneOffset.UTC));
    }

    /**
     * The sender's time: Unix seconds as a string, or null when missing or unreadable. A time before
     * 2009 or beyond the clock skew ahead is not used as sent_at (the receive time is, so that a
     * future time cannot pin a lead to the top of the list), but is kept as sender_sent_at.
     */
    static Instant senderTime(JsonNode timestamp) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(timestamp.asText().trim()));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null;
        }
    }

    static String readableText(JsonNode m) {
        String type = m.path("type").asText("");
        String body = textOrNull(m.path("text").path("body"));
        if (body != null) {
            return body;
        }
        JsonNode kapso = m.path("kapso");
        String transcript = textOrNull(kapso.path("transcript").path("text"));
        String content = textOrNull(kapso.path("content"));
        if (content != null) {
            return content;
        }
        JsonNode part = m.path(type);
        return switch (type) {
            case "image", "video", "document", "sticker" -> label(type, firstOf(part.path("caption"), part.path("filename")));
            case "audio", "voice" -> label("audio", transcript);
            case "location" -> label("location", join(textOrNull(part.path("name")), textOrNull(part.path("address")),
                    part.has("latitude") ? part.path("latitude").asText() + "," + part.path("longitude").asText() : null));
            case "reaction" -> label("reaction", textOrNull(part.path("emoji")));
            case "button" -> textOrNull(part.path("text"));
            case "interactive" -> firstOf(part.path("button_reply").path("title"), part.path("list_reply").path("title"));
            case "contacts" -> label("contact", textOrNull(part.path(0).path("name").path("formatted_name")));
            case "template" -> label("template", textOrNull(part.path("name")));
            default -> transcript;
        };
    }

    private static String label(String kind, String detail) {
        return detail == null ? "[" + kind + "]" : "[" + kind + "] " + detail;
    }

    private static String join(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p != null) {
                sb.append(sb.isEmpty() ? "" : ", ").append(p);
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static String firstOf(JsonNode a, JsonNode b) {
        String first = textOrNull(a);
        return first != null ? first : textOrNull(b);
    }

    /**
     * A string field, or null when absent or blank. PostgreSQL text cannot hold NUL, so a NUL becomes
     * U+FFFD; everything else is kept verbatim.
     */
    static String textOrNull(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText();
        return text.isBlank() ? null : text.replace('\0', '\uFFFD');
    }

    static String textOr(JsonNode node, String fallback) {
        String text = textOrNull(node);
        return text == null ? fallback : text;
    }
}
