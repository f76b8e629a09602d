package dev.leadline.api;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.leadline.intake.PhoneCanonicalizer;
import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;

/**
 * Validates the query parameters of the lead read API and turns them into the named SQL parameters
 * of the statements in sql/api. Every value is bound, never concatenated.
 */
public final class LeadQueries {

    static final Set<String> NOTE_KINDS = Set.of("daily_summary", "manual", "status_change");
    static final Set<String> STATUSES = Set.of("new", "contacted", "qualified", "proposal", "won", "lost");

    private final PhoneCanonicalizer phones;

    public LeadQueries(PhoneCanonicalizer phones) {
        this.phones = phones;
    }

    /** GET /api/leads: status, activeSince, q, cursor, limit. */
    public Map<String, Object> leadList(@Variable("workspaceId") long workspaceId,
                                        @Variable("defaultCountry") String defaultCountry,
                                        @Header("status") String status,
                                        @Header("activeSince") String activeSince,
                                        @Header("q") String q,
                                        @Header("cursor") String cursor,
                                        @Header("limit") String limit) {
        Map<String, Object> params = page(workspaceId, cursor, limit);
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("status must be one of " + STATUSES);
        }
        params.put("status", status);
        params.put("activeSince", QueryDates.instant("activeSince", activeSince));
        params.put("namePattern", null);
        params.put("phonePattern", null);
        if (q != null && !q.isBlank()) {
            String term = q.strip();
            if (term.length() > 100) {
                throw ApiException.badRequest("q is longer than 100 characters");
            }
            // PostgreSQL text cannot hold NUL, and no name or phone holds a control character.
            if (term.chars().anyMatch(Character::isISOControl)) {
                throw ApiException.badRequest("q must not contain control characters");
            }
            params.put("namePattern", "%" + escapeLike(term) + "%");
            params.put("phonePattern", phonePattern(term, defaultCountry));
        }
        return params;
    }

    /** GET /api/leads/{id}/messages: cursor, limit. */
    public Map<String, Object> messagePage(@Variable("workspaceId") long workspaceId,
                                           @Header("id") String leadId,
                                           @Header("cursor") String cursor,
                                           @Header("limit") String limit) {
        Map<String, Object> params = page(workspaceId, cursor, limit);
        params.put("leadId", leadId(leadId));
        return params;
    }

    /** GET /api/leads/{id}/timeline: kind, from and to (local dates, inclusive), cursor, limit. */
    public Map<String, Object> timelinePage(@Variable("workspaceId") long workspaceId,
                                            @Variable("timeZone") String timeZone,
                                            @Header("id") String leadId,
                                            @Header("kind") String kind,
                                            @Header("from") String from,
                                            @Header("to") String to,
                                            @Header("cursor") String cursor,
                                            @Header("limit") String limit) {
        Map<String, Object> params = page(workspaceId, cursor, limit);
        params.put("leadId", leadId(leadId));
        if (kind != null && !NOTE_KINDS.contains(kind)) {
            throw ApiException.badRequest("kind must be one of " + NOTE_KINDS);
        }
        params.put("kind", kind);
        ZoneId zone = ZoneId.of(timeZone);
        LocalDate fromDay = QueryDates.date("from", from);
        LocalDate toDay = QueryDates.date("to", to);
        if (fromDay != null && toDay != null && toDay.isBefore(fromDay)) {
            throw ApiException.badRequest("to is before from");
        }
        params.put("fromAt", fromDay == null ? null : fromDay.atStartOfDay(zone).toOffsetDateTime());
        params.put("toAt", toDay == null ? null : toDay.plusDays(1).atStartOfDay(zone).toOffsetDateTime());
        // A daily summary is filtered by the day it covers, not by when it was written.
        params.put("fromDay", fromDay);
        params.put("toDay", toDay);
        return params;
    }

    public long leadId(@Header("id") String id) {
        return JsonRequests.id(id, "lead id");
    }

    /**
     * The rows of a page query joined to its lead (list-lead-messages.sql, list-lead-timeline.sql): none
     * means the lead is not in the caller's workspace (404); the one row of NULLs of a lead with an
     * empty page is dropped.
     */
    public List<Map<String, Object>> rowsOfLead(@Body List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            throw ApiException.notFound("no such lead");
        }
        return rows.size() == 1 && rows.get(0).get("id") == null ? List.of() : rows;
    }

    /** A lead of another workspace is answered exactly like one that does not exist. */
    public void requireLead(Object row) {
        ApiException.requireFound(row, "no such lead");
    }

    private static Map<String, Object> page(long workspaceId, String cursor, String limit) {
        Map<String, Object> params = Pages.params(cursor, limit);
        params.put("workspaceId", workspaceId);
        return params;
    }

    /**
     * A phone search matches any format the user types: a full number is canonicalised; a partial
     * one in national format (leading 0) is matched after the country code.
     */
    private String phonePattern(String term, String defaultCountry) {
        String digits = term.replaceAll("[^0-9]", "");
        if (digits.length() < 3) {
            return null;
        }
        String e164 = phones.toE164(term, defaultCountry);
        if (e164 != null) {
            return "%" + e164.substring(1) + "%";
        }
        if (digits.startsWith("0") && !digits.startsWith("00")) {
            return "%" + phones.countryCallingCode(defaultCountry) + digits.substring(1) + "%";
        }
        return "%" + digits + "%";
    }

    private static String escapeLike(String term) {
        return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
