package dev.leadline.catchup;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.intake.IntakeItem;
import dev.leadline.intake.KapsoEvents;
import dev.leadline.outbound.OutboundFailure;
import dev.leadline.outbound.RetryAfter;
import dev.leadline.web.TextCut;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Kapso's message history (KAPSO_MESSAGES_API.md §2, §5, §6): the query of one page, and a page read into
 * the intake items a webhook would have given (each record becomes a payload-v2 message event, read by
 * KapsoEvents, so both paths store the same thing), with the cursor of the next page.
 */
public final class KapsoHistory {

    /** Every field the mapping needs; without the kapso block there is no direction (§4). */
    static final String FIELDS = "kapso(direction,status,has_media,media_url,media_data,whatsapp_conversation_id,"
            + "contact_name,content,message_type_data)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KapsoEvents events;
    private final int pageSize;
    private final long maxRetryAfterMillis;

    public KapsoHistory(KapsoEvents events, int pageSize, long maxRetryAfterMillis) {
        this.events = events;
        this.pageSize = pageSize;
        this.maxRetryAfterMillis = maxRetryAfterMillis;
    }

    /** The query string of one page: the same filters on every page, with the cursor after the first (§5). */
    public String query(OffsetDateTime since, OffsetDateTime until, String after) {
        StringBuilder q = new StringBuilder()
                .append("since=").append(encode(iso(since)))
                .append("&until=").append(encode(iso(until)))
                .append("&limit=").append(pageSize)
                .append("&fields=").append(encode(FIELDS));
        if (after != null) {
            q.append("&after=").append(encode(after));
        }
        return q.toString();
    }

    /**
     * One answered page: {items, seen, after (null on the last page), newest, ascending}. ascending says
     * whether this page's messages, and this page after the previous one (newest before), come oldest first:
     * only then may the watermark move before the whole pass is done (Kapso does not document the order).
     */
    public Map<String, Object> read(Exchange exchange, String phoneNumberId, Instant previousNewest) {
        Message in = exchange.getMessage();
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = in.getBody(String.class);
        if (status == 401 || status == 403) {
            throw new CatchUpFailure.Unauthorized("Kapso answered HTTP " + status);
        }
        if (OutboundFailure.busyOrFailing(status)) {
            throw new CatchUpFailure.Transient("Kapso answered HTTP " + status, retryAfterMillis(in.getHeader("Retry-After", String.class)));
        }
        if (status != 200) {
            throw new CatchUpFailure.Permanent("Kapso answered HTTP " + status + ": " + cut(body));
        }
        JsonNode page;
        try {
            page = JSON.readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw new CatchUpFailure.Transient("Kapso's page is not JSON", null);
        }
        if (page == null || !page.path("data").isArray()) {
            throw new CatchUpFailure.Transient("Kapso's page has no 'data' array", null);
        }
        List<Map<String, Object>> items = new ArrayList<>();
        boolean ascending = true;
        Instant newest = previousNewest;
        Instant last = previousNewest;
        for (JsonNode record : page.path("data")) {
            Instant at = timestamp(record);
            if (at != null) {
                ascending &= last == null || !at.isBefore(last);
                last = at;
                newest = newest == null || at.isAfter(newest) ? at : newest;
            }
            items.add(item(record, phoneNumberId));
        }
        String after = text(page.path("paging").path("cursors").path("after"));
        if (after == null) {
            after = text(page.path("paging").path("next")) != null ? text(page.path("paging").path("next")) : null;
            // 'next' may be a URL (the SDK says so): it is never parsed, and without a cursor the walk ends
            after = after != null && !after.contains("://") ? after : null;
        }
        Map<String, Object> answer = new HashMap<>();
        answer.put("items", items);
        answer.put("seen", items.size());
        answer.put("after", items.isEmpty() ? null : after);
        answer.put("newest", newest);
        answer.put("ascending", ascending);
        return answer;
    }

    /** One history record as the webhook's payload-v2 message event, read by the webhook's own reader (§6). */
    Map<String, Object> item(JsonNode record, String phoneNumberId) {
        ObjectNode message = record.deepCopy();
        JsonNode kapso = record.path("kapso");
        boolean outbound = "outbound".equals(kapso.path("direction").asText(""));
        if (message.path("kapso").isObject() && text(kapso.path("media_url")) == null && text(kapso.path("media_data").path("url")) != null) {
            ((ObjectNode) message.path("kapso")).put("media_url", kapso.path("media_data").path("url").asText());
        }
        if (message.path("kapso").isObject() && !kapso.path("content").isMissingNode() && !kapso.path("content").isTextual()) {
            // documented as a string, typed as an object by the SDK: the text then comes from the Meta fields
            ((ObjectNode) message.path("kapso")).remove("content");
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("phone_number_id", phoneNumberId);
        event.set("message", message);
        ObjectNode conversation = event.putObject("conversation");
        if (text(kapso.path("whatsapp_conversation_id")) != null) {
            conversation.put("id", kapso.path("whatsapp_conversation_id").asText());
        }
        conversation.put("phone_number_id", phoneNumberId);
        if (text(kapso.path("contact_name")) != null) {
            conversation.putObject("kapso").put("contact_name", kapso.path("contact_name").asText());
        }
        Map<String, Object> item = events.read(event, outbound ? "whatsapp.message.sent" : "whatsapp.message.received").get(0);
        item.put(IntakeItem.ARRIVAL, "catch-up");
        return item;
    }

    private static Instant timestamp(JsonNode record) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(record.path("timestamp").asText("").trim()));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null;
        }
    }

    Long retryAfterMillis(String header) {
        return RetryAfter.millis(header, maxRetryAfterMillis);
    }

    private static String iso(OffsetDateTime at) {
        return at.atZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static String cut(String body) {
        String b = body == null ? "" : body.strip();
        return b.length() <= 300 ? b : TextCut.head(b, 300) + "...";
    }
}
