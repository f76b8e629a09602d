package dev.leadline.examples;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadline.outbound.OutboundFailure;
import dev.leadline.outbound.RetryAfter;
import dev.leadline.web.ApiException;

/**
 * The JSON of the example's HubSpot calls (HubSpot's CRM objects API, docs/example-hubspot.md), from
 * leadline's event envelope ({id, type, workspaceId, leadId, sequence, occurredAt, data, changes?|merge?}), and
 * the reading of HubSpot's answers. Which event makes which call is decided in routes/example-hubspot.camel.yaml;
 * this only speaks JSON.
 * <ul>
 *   <li>a lead is a contact, upserted by the custom unique property {@code leadKeyProperty} holding
 *       {@code "<workspaceId>:<leadId>"} (phone is not unique in HubSpot, so it is a plain property);</li>
 *   <li>a daily summary is a note, upserted by the custom unique property {@code noteKeyProperty} holding
 *       {@code "<workspaceId>:<noteId>"}, so that a redelivered event updates the same note instead of adding one.</li>
 * </ul>
 */
public final class HubSpotRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** HubSpot-defined association type: note to contact. */
    static final int NOTE_TO_CONTACT = 202;
    /** What a HubSpot record id may be before it goes into a path. */
    private static final Pattern RECORD_ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");

    private final String leadKeyProperty;
    private final String noteKeyProperty;
    private final Map<String, String> leadStatuses;
    private final long maxRetryAfterMillis;

    /**
     * @param leadStatuses leadline status to HubSpot's hs_lead_status, as {@code "new:NEW,contacted:..."}; a
     *                     status it does not name leaves hs_lead_status as it is in HubSpot
     */
    public HubSpotRequests(String leadKeyProperty, String noteKeyProperty, String leadStatuses, long maxRetryAfterMillis) {
        this.leadKeyProperty = leadKeyProperty.strip();
        this.noteKeyProperty = noteKeyProperty.strip();
        this.leadStatuses = statuses(leadStatuses);
        this.maxRetryAfterMillis = maxRetryAfterMillis;
    }

    static Map<String, String> statuses(String mapping) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (String pair : mapping == null ? new String[0] : mapping.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] parts = pair.split(":", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("examples.hubspot.lead-statuses: '" + pair.strip()
                        + "' is not <leadline status>:<hs_lead_status value>");
            }
            statuses.put(parts[0].strip(), parts[1].strip());
        }
        return statuses;
    }

    /** The HubSpot hs_lead_status of a leadline status, or null when the mapping does not name it. */
    public String leadStatus(String status) {
        return status == null ? null : leadStatuses.get(status);
    }

    /** The contact's key: {@code "<workspaceId>:<leadId>"}. */
    public String leadKey(Map<String, Object> event) {
        return event.get("workspaceId") + ":" + event.get("leadId");
    }

    /**
     * lead.created, lead.updated, lead.merged (whose data is the surviving lead): the batch upsert of its contact
     * with the lead's phone, name and status; a field leadline does not have is left out, not blanked.
     */
    public String contactUpsert(Map<String, Object> event) {
        Map<String, Object> lead = data(event);
        Map<String, Object> properties = new LinkedHashMap<>();
        putIfPresent(properties, "phone", lead.get("phone"));
        putIfPresent(properties, "firstname", lead.get("name"));
        putIfPresent(properties, "hs_lead_status", leadStatus((String) lead.get("status")));
        return upsert(leadKeyProperty, leadKey(event), properties);
    }

    /**
     * For a note: its lead's contact, by key alone (the upsert creates it if leadline's lead.created has not
     * reached HubSpot yet, and answers its record id either way).
     */
    public String contactKeyUpsert(Map<String, Object> event) {
        return upsert(leadKeyProperty, leadKey(event), Map.of());
    }

    /** A daily summary (note.created, note.updated): the batch upsert of its note, keyed by the note. */
    public String noteUpsert(Map<String, Object> event) {
        Map<String, Object> note = data(event);
        Map<String, Object> properties = new LinkedHashMap<>();
        // hs_timestamp is required: when leadline wrote the summary, in ISO-8601 UTC
        properties.put("hs_timestamp", OffsetDateTime.parse((String) note.get("addedAt")).toInstant().toString());
        properties.put("hs_note_body", note.get("content"));
        return upsert(noteKeyProperty, event.get("workspaceId") + ":" + note.get("id"), properties);
    }

    /** The body of PUT .../notes/{noteId}/associations/contacts/{contactId}: note to contact, HubSpot-defined. */
    public String noteToContact() {
        return write(List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", NOTE_TO_CONTACT)));
    }

    /**
     * HubSpot's answer to a batch upsert: the one record's id. Another status, or a 207 with errors, is thrown
     * as a {@link HubSpotFailure} with HubSpot's message and its Retry-After.
     */
    public String recordId(Integer httpStatus, String body, String retryAfter) {
        JsonNode answer = accepted(httpStatus, body, retryAfter);
        String id = answer.path("results").path(0).path("id").asText("");
        if (!RECORD_ID.matcher(id).matches()) {
            throw new HubSpotFailure("HubSpot answered " + httpStatus + " without a usable results[0].id", httpStatus, null);
        }
        return id;
    }

    /** Any 2xx without record errors passes; otherwise as {@link #recordId}. */
    public JsonNode accepted(Integer httpStatus, String body, String retryAfter) {
        int status = httpStatus == null ? 0 : httpStatus;
        JsonNode answer = read(body);
        if (status / 100 != 2 || answer.path("numErrors").asInt(0) > 0 || !answer.path("errors").isEmpty()) {
            String message = answer.path("message").asText(answer.path("errors").path(0).path("message").asText(""));
            throw new HubSpotFailure("HubSpot answered " + status + (message.isEmpty() ? "" : ": " + message)
                    + (OutboundFailure.busyOrFailing(status) ? "" : " (check examples.hubspot.access-token and that the "
                    + "properties " + leadKeyProperty + " and " + noteKeyProperty + " exist with unique values)"),
                    status, RetryAfter.millis(retryAfter, maxRetryAfterMillis));
        }
        return answer;
    }

    /**
     * The answer (rendered by errorResponses) leadline's webhook relay gets when HubSpot kept failing after our retries: 503 (busy or failing:
     * the relay tries again later, with its own backoff) or 502 (a refusal: the delivery log shows why, and the
     * relay still retries, so a fixed setting lets the event through).
     */
    public ApiException unavailable(Throwable failure) {
        Integer status = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutboundFailure outbound) {
                status = outbound.getStatus();
                break;
            }
        }
        boolean busy = status == null || OutboundFailure.busyOrFailing(status);
        return new ApiException(busy ? 503 : 502, busy ? "hubspot_unavailable" : "hubspot_refused",
                OutboundFailure.reason(failure));
    }

    private static String upsert(String idProperty, String id, Map<String, Object> properties) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("idProperty", idProperty);
        input.put("id", id);
        input.put("properties", properties);
        return write(Map.of("inputs", List.of(input)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> event) {
        Object data = event.get("data");
        if (!(data instanceof Map)) {
            throw ApiException.badRequest("the event has no data object");
        }
        return (Map<String, Object>) data;
    }

    private static void putIfPresent(Map<String, Object> properties, String name, Object value) {
        if (value != null && !value.toString().isBlank()) {
            properties.put(name, value.toString());
        }
    }

    private static JsonNode read(String body) {
        try {
            JsonNode answer = body == null || body.isBlank() ? null : JSON.readTree(body);
            return answer == null ? JSON.createObjectNode() : answer;
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
