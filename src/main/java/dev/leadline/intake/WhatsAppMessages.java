package dev.leadline.intake;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    /** The types whose part may carry Meta's own media link (image.url, audio.url, ...). */
    private static final Set<String> MEDIA_TYPES = Set.of("image", "video", "document", "sticker", "audio", "voice");
    /** The largest order amounts and quantities read (digits before and after the point); others are unreadable. */
    private static final int MAX_WHOLE_DIGITS = 18;
    private static final int MAX_DECIMALS = 6;
    /** Reads a flow reply's response_json, which arrives as a JSON string. */
    private static final ObjectMapper FLOW_JSON = new ObjectMapper();

    private WhatsAppMessages() {
    }

    /** Fills the item's message fields; its dedup key is the source and the message id. */
    static void read(JsonNode message, Map<String, Object> item) {
        String wamid = textOrNull(message.path("id"));
        item.put(IntakeItem.WAMID, wamid);
        item.put(IntakeItem.DEDUP_KEY, wamid == null ? null : item.get(IntakeItem.SOURCE) + ":" + wamid);
        item.put(IntakeItem.TYPE, textOr(message.path("type"), "unknown"));
        item.put(IntakeItem.TEXT, readableText(message));
        item.put(IntakeItem.MEDIA_URL, mediaUrl(message));
        Instant given = senderTime(message.path("timestamp"));
        boolean believable = believable(given);
        item.put(IntakeItem.SENT_AT, (believable ? given : Instant.now()).atOffset(ZoneOffset.UTC));
        item.put(IntakeItem.SENDER_SENT_AT, believable || given == null || given.isAfter(LATEST_KEPT)
                ? null : given.atOffset(ZoneOffset.UTC));
    }

    /** The sender's time when believable (see senderTime), else now. */
    static OffsetDateTime believableTime(JsonNode timestamp) {
        Instant given = senderTime(timestamp);
        return (believable(given) ? given : Instant.now()).atOffset(ZoneOffset.UTC);
    }

    private static boolean believable(Instant given) {
        return given != null && given.isAfter(EARLIEST) && !given.isAfter(Instant.now().plus(MAX_CLOCK_SKEW));
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
        String transcript = transcript(kapso.path("transcript"));
        JsonNode part = m.path(type);
        // Ours before Kapso's rendering: its kapso.content for media holds the file's name, size, type and
        // an expiring link around the caption or transcript, and for the types below it has none or less.
        String own = ownText(type, m, part, transcript);
        if (own != null) {
            return own;
        }
        String content = textOrNull(kapso.path("content"));
        String mediaUrl = mediaUrl(m);
        if (content != null && (mediaUrl == null || !content.contains(mediaUrl))) {
            return content;
        }
        String known = switch (type) {
            case "location" -> label("location", join(textOrNull(part.path("name")), textOrNull(part.path("address")),
                    part.has("latitude") ? part.path("latitude").asText() + "," + part.path("longitude").asText() : null));
            case "reaction" -> label("reaction", textOrNull(part.path("emoji")));
            case "button" -> textOrNull(part.path("text"));
            case "interactive" -> firstOf(part.path("button_reply").path("title"), part.path("list_reply").path("title"));
            case "template" -> label("template", textOrNull(part.path("name")));
            default -> transcript;
        };
        // Every stored message reads as something: the daily summary reads the text, and an empty one is silence.
        return known != null ? known : "[" + (type.isBlank() ? "unknown" : type) + "]";
    }

    /** Kapso's media link, else Meta's own (image.url, audio.url, ... where the webhook carries one). */
    static String mediaUrl(JsonNode m) {
        String kapso = textOrNull(m.path("kapso").path("media_url"));
        String type = m.path("type").asText("");
        return kapso != null || !MEDIA_TYPES.contains(type) ? kapso : textOrNull(m.path(type).path("url"));
    }

    /** kapso.transcript: an object with text in the contract; a bare string is taken too. */
    private static String transcript(JsonNode transcript) {
        return transcript.isObject() ? textOrNull(transcript.path("text")) : textOrNull(transcript);
    }

    /**
     * The text of the types read from their own fields whatever Kapso's content says (null for the
     * others): media (caption, file name, transcript; never a link), orders, flow and call permission
     * replies, system and unsupported messages, a removed reaction, every contact card, edits and revokes.
     */
    private static String ownText(String type, JsonNode m, JsonNode part, String transcript) {
        return switch (type) {
            case "image", "video", "sticker" -> label(type, textOrNull(part.path("caption")));
            case "document" -> label(type, joinWith(": ", textOrNull(part.path("filename")), textOrNull(part.path("caption"))));
            case "audio", "voice" -> label("audio", transcript);
            case "order" -> label("order", orderText(part));
            case "interactive" -> interactiveText(part);
            case "system" -> label("system", textOrNull(part.path("body")));
            case "unsupported" -> label("unsupported", unsupportedText(m));
            // An empty emoji is WhatsApp's removal of the sender's earlier reaction. It is stored as a
            // message of its own (its own wamid, once), not by deleting the earlier one: deleting would let
            // a late re-delivery of that reaction come back, and the summary reads both in their order.
            case "reaction" -> textOrNull(part.path("emoji")) == null ? "[reaction removed]" : null;
            case "contacts" -> label("contact", contactsText(part));
            case "call" -> WhatsAppCalls.text(part);
            case "revoke" -> "[deleted message]";
            case "edit" -> label("edited", editedText(part));
            default -> null;
        };
    }

    /** The order's note, then its items (count, product ids with quantities) and the total per currency. */
    private static String orderText(JsonNode order) {
        JsonNode items = order.path("product_items");
        List<String> products = new ArrayList<>();
        Map<String, BigDecimal> totals = new LinkedHashMap<>();
        boolean priced = items.size() > 0;
        for (JsonNode item : items) {
            String id = textOr(item.path("product_retailer_id"), "?");
            BigDecimal quantity = decimal(item.path("quantity"));
            BigDecimal price = decimal(item.path("item_price"));
            String currency = textOrNull(item.path("currency"));
            products.add(quantity == null ? id : id + " x" + quantity.stripTrailingZeros().toPlainString());
            if (quantity == null || price == null || currency == null) {
                priced = false; // a total that leaves an item out would mislead: none is shown
            } else {
                totals.merge(currency, price.multiply(quantity), BigDecimal::add);
            }
        }
        List<String> sums = new ArrayList<>();
        totals.forEach((currency, sum) -> sums.add(amount(sum) + " " + currency));
        return joinWith("; ", textOrNull(order.path("text")),
                items.size() == 0 ? null : items.size() + (items.size() == 1 ? " item: " : " items: ") + String.join(", ", products),
                priced ? "total " + String.join(" + ", sums) : null);
    }

    /**
     * A number given as a JSON number or as a string, or null. Only a sane amount is read: "1e999999999"
     * would otherwise be written out as a billion digits.
     */
    private static BigDecimal decimal(JsonNode node) {
        try {
            BigDecimal value = (node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText().trim())).stripTrailingZeros();
            return value.scale() > MAX_DECIMALS || value.precision() - value.scale() > MAX_WHOLE_DIGITS ? null : value;
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** Whole amounts plain, others with at least two decimals (150000, 62.50). */
    private static String amount(BigDecimal sum) {
        BigDecimal plain = sum.stripTrailingZeros();
        return plain.scale() <= 0 ? plain.toPlainString() : plain.setScale(Math.max(2, plain.scale())).toPlainString();
    }

    /** Flow replies (the flow's name and its answers) and call permission replies; null for the other kinds. */
    private static String interactiveText(JsonNode interactive) {
        String kind = interactive.path("type").asText("");
        if ("nfm_reply".equals(kind) || interactive.has("nfm_reply")) {
            JsonNode reply = interactive.path("nfm_reply");
            return label("flow reply", joinWith(": ", textOrNull(reply.path("name")), firstNonNull(
                    flowFields(reply.path("response_json")), textOrNull(reply.path("body")))));
        }
        if ("call_permission_reply".equals(kind) || interactive.has("call_permission_reply")) {
            JsonNode reply = interactive.path("call_permission_reply");
            String response = textOrNull(reply.path("response"));
            String answer = "accept".equals(response) ? "accepted" : "reject".equals(response) ? "rejected" : response;
            JsonNode permanent = reply.path("is_permanent");
            Instant until = senderTime(reply.path("expiration_timestamp"));
            // An expiry is written whenever given, whether or not is_permanent says the grant is temporary.
            String term = permanent.asBoolean(false) ? "permanent"
                    : join(permanent.isBoolean() ? "temporary" : null, until == null ? null : "until " + until);
            return label("call permission", join(answer, term));
        }
        return null;
    }

    /** A flow's response_json (a JSON string) as "key: value" pairs; the flow_token is an id, not an answer. */
    private static String flowFields(JsonNode responseJson) {
        JsonNode fields;
        try {
            fields = responseJson.isObject() ? responseJson : FLOW_JSON.readTree(responseJson.asText(""));
        } catch (IOException e) {
            return null;
        }
        if (fields == null || !fields.isObject()) {
            return null;
        }
        List<String> pairs = new ArrayList<>();
        fields.fields().forEachRemaining(field -> {
            if (!"flow_token".equals(field.getKey())) {
                JsonNode value = field.getValue();
                pairs.add(field.getKey() + ": " + (value.isValueNode() ? value.asText() : value.toString()));
            }
        });
        return pairs.isEmpty() ? null : String.join("; ", pairs);
    }

    /** Why WhatsApp could not deliver the message: errors[0]'s title and details, and the kind it was. */
    private static String unsupportedText(JsonNode m) {
        JsonNode error = m.path("errors").path(0);
        String title = firstOf(error.path("title"), error.path("message"));
        String details = textOrNull(error.path("error_data").path("details"));
        String kind = textOrNull(m.path("unsupported").path("type"));
        return join(title, details == null || details.equals(title) ? null : details, kind == null ? null : "type " + kind);
    }

    /** Every card's name (else its first phone), not only the first card's. */
    private static String contactsText(JsonNode cards) {
        List<String> names = new ArrayList<>();
        for (JsonNode card : cards) {
            String name = firstOf(card.path("name").path("formatted_name"), card.path("phones").path(0).path("phone"));
            if (name != null) {
                names.add(name);
            }
        }
        return names.isEmpty() ? null : String.join(", ", names);
    }

    /** The new text of an edit event, read like any message (edit.message, else the edit's own text). */
    private static String editedText(JsonNode edit) {
        JsonNode edited = edit.path("message");
        return edited.isObject() ? readableText(edited) : textOrNull(edit.path("text").path("body"));
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static String joinWith(String separator, String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p != null) {
                sb.append(sb.isEmpty() ? "" : separator).append(p);
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static String label(String kind, String detail) {
        return detail == null ? "[" + kind + "]" : "[" + kind + "] " + detail;
    }

    private static String join(String... parts) {
        return joinWith(", ", parts);
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
