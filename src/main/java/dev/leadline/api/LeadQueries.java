package dev.leadline.api;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.leadline.intake.PhoneCanonicalizer;
import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;
import dev.leadline.web.NotFound;

/**
 * Validates the query parameters of the lead read API and turns them into the named SQL parameters
 * of the statements in sql/api. Every value is bound, never concatenated.
 */
public final class LeadQueries {

    /** Both from the API contract (openapi/leadline.yaml), their one home. */
    static final Set<String> NOTE_KINDS = ApiContract.NOTE_KINDS;
    static final Set<String> STATUSES = ApiContract.LEAD_STATUSES;

    private final PhoneCanonicalizer phones;

    public LeadQueries(PhoneCanonicalizer phones) {
        this.phones = phones;
    }

    /** GET /api/leads: status, activeSince, q, cursor, limit; 400 for any of them out of range. */
    public Map<String, Object> leadList(long workspaceId, String defaultCountry, String status, String activeSince,
                                        String q, String awaitingReply, String intent, String cursor, String limit) {
        Map<String, Object> params = page(workspaceId, cursor, limit);
        if (awaitingReply != null && !awaitingReply.equals("true") && !awaitingReply.equals("false")) {
            throw ApiException.badRequest("awaitingReply must be true or false");
        }
        params.put("awaitingReply", "true".equals(awaitingReply));
        params.put("notAwaitingReply", "false".equals(awaitingReply));
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("status must be one of " + STATUSES);
        }
        params.put("status", status);
        if (intent != null && !ApiContract.NOTE_INTENTS.contains(intent)) {
            throw ApiException.badRequest("intent must be one of " + ApiContract.NOTE_INTENTS);
        }
        params.put("intent", intent);
        params.put("activeSince", QueryDates.instant("activeSince", activeSince));
        params.put("namePattern", null);
        params.put("phonePattern", null);
        params.put("phoneCanonicalPrefix", null);
        params.put("usernamePattern", null);
        params.put("bsuidPattern", null);
        if (q != null && !q.isBlank()) {
            String term = q.strip();
            if (term.length() > 100) {
                throw ApiException.badRequest("q is longer than 100 characters");
            }
            // PostgreSQL text cannot hold NUL, and no name, phone, username or BSUID holds a control character.
            if (term.chars().anyMatch(Character::isISOControl)) {
                throw ApiException.badRequest("q must not contain control characters");
            }
            params.put("namePattern", "%" + escapeLike(term) + "%");
            // Another script's digits (Arabic-Indic, fullwidth, ...) are the same digits, as intake reads them.
            String phoneTerm = asciiDigits(term);
            String digits = phoneTerm.replaceAll("[^0-9]", "");
            // Fewer than 3 digits make no trigram: the term then searches names only.
            if (digits.length() >= 3) {
                params.put("phonePattern", "%" + digits + "%");
                params.put("phoneCanonicalPrefix", canonicalPrefix(phoneTerm, digits, defaultCountry));
            }
            // Neither a username nor a BSUID holds whitespace: a term with some searches names and phones only.
            if (term.chars().noneMatch(Character::isWhitespace)) {
                // A username is shown (and may be stored) as "@name": typed with or without the "@", it matches.
                String username = term.startsWith("@") ? term.substring(1) : term;
                if (!username.isEmpty()) {
                    params.put("usernamePattern", "%" + escapeLike(username) + "%");
                }
                // A BSUID is case-sensitive ("ID.1748..."): matched as typed.
                params.put("bsuidPattern", "%" + escapeLike(term) + "%");
            }
        }
        return params;
    }

    /** GET /api/leads/{id}/messages: cursor, limit (400 when out of range). */
    public Map<String, Object> messagePage(long workspaceId, long leadId, String cursor, String limit) {
        Map<String, Object> params = page(workspaceId, cursor, limit);
        params.put("leadId", leadId);
        return params;
    }

    /**
     * GET /api/leads/{id}/timeline: kind, from and to (local dates of the workspace's time zone, inclusive),
     * cursor, limit; 400 for any of them out of range, or to before from.
     */
    public Map<String, Object> timelinePage(long workspaceId, String timeZone, long leadId, String kind,
                                            String from, String to, String cursor, String limit) {
        Map<String, Object> params = page(workspaceId, cursor, limit);
        params.put("leadId", leadId);
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

    /** The {id} of the path: 400 when it is not a positive number. */
    public long leadId(String id) {
        return JsonRequests.id(id, "lead id");
    }

    /**
     * The rows of a page query joined to its lead (list-lead-messages.sql, list-lead-timeline.sql): none
     * means the lead is not in the caller's workspace (404); the one row of NULLs of a lead with an
     * empty page is dropped.
     */
    public List<Map<String, Object>> rowsOfLead(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            throw new NotFound("no such lead");
        }
        return rows.size() == 1 && rows.get(0).get("id") == null ? List.of() : rows;
    }

    /** 404 when there is no such lead: one of another workspace is answered exactly like one that does not exist. */
    public void requireLead(Object row) {
        ApiException.requireFound(row, "no such lead");
    }

    /**
     * The lead as read; when there is none, a 404 whose detail names the lead it was merged into, if it
     * was (a merge: the absorbed lead's row is deleted, its messages and notes moved).
     */
    public Map<String, Object> requireLeadOrMerge(Map<String, Object> lead, Long mergedInto, long leadId) {
        if (lead == null && mergedInto != null) {
            throw new NotFound("lead " + leadId + " was merged into lead " + mergedInto);
        }
        requireLead(lead);
        return lead;
    }

    private static Map<String, Object> page(long workspaceId, String cursor, String limit) {
        Map<String, Object> params = Pages.params(cursor, limit);
        params.put("workspaceId", workspaceId);
        return params;
    }

    /**
     * What people type is often the last digits of a number ("48178111"), which must match as typed;
     * but a national ("0852 4817 8111") or "00" international form only matches once canonicalised.
     * Both are searched: the typed digits by the caller (a substring), this form here: the beginning of
     * a stored E.164 number, "+" and digits (null when it adds nothing). A full number becomes its E.164
     * form; a partial one with a trunk "0" is read after the default country's calling code, with "00" as
     * the international prefix.
     */
    private String canonicalPrefix(String term, String digits, String defaultCountry) {
        String canonical;
        String e164 = phones.toE164(term, defaultCountry);
        if (e164 != null) {
            canonical = e164.substring(1);
        } else if (digits.startsWith("00")) {
            canonical = digits.substring(2);
        } else if (digits.startsWith("0")) {
            canonical = phones.countryCallingCode(defaultCountry) + digits.substring(1);
        } else {
            return null;
        }
        return canonical.length() < 3 || canonical.equals(digits) ? null : "+" + canonical;
    }

    /**
     * The term with every decimal digit in ASCII, a fullwidth plus as '+': what libphonenumber makes of a
     * phone typed in another script (PhoneNumberUtil.normalizeDigitsOnly reads them the same way).
     */
    static String asciiDigits(String term) {
        StringBuilder out = new StringBuilder(term.length());
        term.codePoints().forEach(c -> {
            if (c == '\uFF0B') {
                out.append('+');
            } else if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
                out.append((char) ('0' + Character.digit(c, 10)));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static String escapeLike(String term) {
        return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
