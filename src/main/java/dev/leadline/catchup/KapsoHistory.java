package dev.leadline.catchup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import dev.leadline.outbound.RetryAfter;
import dev.leadline.web.LogSafe;
import dev.leadline.web.TextCut;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.core5.http.io.EofSensorInputStream;

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

    /** The item of a record that is no message: why, for its dead letter. */
    public static final String UNREADABLE = "unreadable";
    /** How much of Kapso's own words a failure quotes. */
    static final int MAX_QUOTED = 300;

    private final KapsoEvents events;
    private final int pageSize;
    private final long maxRetryAfterMillis;
    private final long maxPageBytes;
    private final long timeoutMillis;

    public KapsoHistory(KapsoEvents events, int pageSize, long maxRetryAfterMillis, long maxPageBytes, long timeoutMillis) {
        this.events = events;
        this.pageSize = pageSize;
        this.maxRetryAfterMillis = maxRetryAfterMillis;
        this.maxPageBytes = maxPageBytes;
        this.timeoutMillis = timeoutMillis;
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
     * Kapso's answer as text, read at most maxPageBytes from the stream (camel-http hands the response over
     * unread: disableStreamCache, and the route caches no stream). A page past the cap, declared or as read, is
     * refused without reading the rest: the connection is dropped. A page that takes longer than timeoutMillis
     * to read is a timeout. The message's body is emptied.
     */
    public String body(Exchange exchange) {
        Message in = exchange.getMessage();
        Object raw = in.getBody();
        if (raw == null) {
            return "";
        }
        if (!(raw instanceof InputStream)) {
            String text = in.getBody(String.class);
            in.setBody(null);
            if (text != null && text.length() > maxPageBytes) {
                throw tooLarge();
            }
            return text == null ? "" : text;
        }
        InputStream stream = (InputStream) raw;
        // the stream leaves the message whatever happens: nothing downstream may read (or cache) it again
        in.setBody(null);
        long declared = in.getHeader("Content-Length", -1L, Long.class);
        if (declared > maxPageBytes) {
            drop(stream);
            throw tooLarge();
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 8192), maxPageBytes));
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = stream.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                if (out.size() > maxPageBytes) {
                    drop(stream);
                    throw tooLarge();
                }
                if (System.nanoTime() > deadline) {
                    drop(stream);
                    throw new CatchUpFailure.Transient("Kapso's page took longer than catchup.timeout-ms (" + timeoutMillis
                            + " ms) to read", null);
                }
            }
            stream.close();
        } catch (IOException e) {
            drop(stream);
            throw new CatchUpFailure.Transient("Kapso's page could not be read: " + e.getClass().getSimpleName(), null);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private CatchUpFailure.Permanent tooLarge() {
        return new CatchUpFailure.Permanent("Kapso's page is larger than catchup.max-page-bytes (" + maxPageBytes
                + " bytes): not read; lower catchup.page-size or raise catchup.max-page-bytes");
    }

    /** Gives the connection up rather than reading the rest of an answer leadline will not use. */
    private static void drop(InputStream stream) {
        try {
            if (stream instanceof EofSensorInputStream sensor) {
                sensor.abort();
            } else {
                stream.close();
            }
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }

    /** 408, 429, 5xx: Kapso busy or failing; worth another try, after its Retry-After when it sent one. */
    public void busy(int status, String retryAfter) {
        throw new CatchUpFailure.Transient("Kapso answered HTTP " + status, retryAfterMillis(retryAfter));
    }

    /** 401, 403, 404: the workspace's configuration (its key, its number), not Kapso's failure. */
    public void misconfigured(int status, String body, String apiKey) {
        throw new CatchUpFailure.Misconfigured("Kapso answered HTTP " + status + ": " + kapsoSaid(body, apiKey));
    }

    /** Any other status: a refusal retrying cannot help. */
    public void refused(int status, String body, String apiKey) {
        throw new CatchUpFailure.Permanent("Kapso answered HTTP " + status + ": " + kapsoSaid(body, apiKey));
    }

    /**
     * Kapso's words, fit for a log line and the run record: the workspace's key masked wherever Kapso echoed it
     * (as sent, or URL-encoded), control characters escaped (a newline cannot forge a log line), and cut to
     * MAX_QUOTED characters.
     */
    public static String kapsoSaid(String body, String apiKey) {
        String said = body == null ? "" : body.strip();
        if (apiKey != null && !apiKey.isEmpty()) {
            said = said.replace(apiKey, "[key]").replace(encode(apiKey), "[key]");
        }
        said = LogSafe.escape(said);
        return said.length() <= MAX_QUOTED ? said : TextCut.head(said, MAX_QUOTED) + "...";
    }

    /**
     * One answered page (its text, as body() read it): {items, seen, after (null on the last page), newest,
     * ascending}. ascending says whether this page's messages, and this page after the previous one (newest
     * before), come oldest first: only then may the watermark move before the whole pass is done (Kapso does
     * not document the order). A record that is no message becomes an item to keep as a dead letter
     * (unreadable: why), and the page goes on.
     */
    public Map<String, Object> read(String body, String phoneNumberId, Instant previousNewest) {
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
        if (!record.isObject()) {
            return unreadable(record, phoneNumberId, "Kapso history record is not a JSON object (" + record.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT) + "): no message to store");
        }
        try {
            return message(record, phoneNumberId);
        } catch (RuntimeException e) {
            return unreadable(record, phoneNumberId, "Kapso history record is not a message the webhook reader takes: "
                    + LogSafe.escape(e.getMessage()));
        }
    }

    /**
     * A record to keep as a dead letter: the webhook event it would have been (so that a replay reads it as a
     * webhook's), and why it was not read.
     */
    private static Map<String, Object> unreadable(JsonNode record, String phoneNumberId, String why) {
        ObjectNode event = JSON.createObjectNode();
        event.put("phone_number_id", phoneNumberId);
        event.set("message", record);
        Map<String, Object> item = IntakeItem.create("kapso", "whatsapp.message.received", IntakeItem.IGNORE);
        item.put(IntakeItem.PAYLOAD, event.toString());
        item.put(IntakeItem.PHONE_NUMBER_ID, phoneNumberId);
        item.put(IntakeItem.ARRIVAL, "catch-up");
        item.put(UNREADABLE, why);
        return item;
    }

    private Map<String, Object> message(JsonNode record, String phoneNumberId) {
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
}
