package dev.leadline.summary;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.leadline.api.QueryDates;
import dev.leadline.web.ApiException;
import dev.leadline.web.Conflict;
import dev.leadline.web.JsonRequests;

/** Validates the parameters of a manual summary run (POST /api/summaries/run). */
public final class SummaryRequests {

    static final Set<String> RUN_FIELDS = Set.of("date", "leadId", "force");
    /** GET /api/summaries/spend: the days it shows by default, and at most. */
    static final int DEFAULT_SPEND_DAYS = 30;
    static final int MAX_SPEND_DAYS = 366;

    /**
     * The parameters of a run, from the query string or a JSON body (read by direct:read-json-request,
     * an empty body being an empty map). Each source is checked for shape here, then both go through
     * the same checks as strings (leadId, force, summaryWindow.forDate). A parameter given both ways
     * must mean the same, else 400: the caller gets the run asked for, or none. (So the REST
     * declaration gives force no defaultValue: Camel would set the header, as if the caller had.)
     *
     * @return date (String, null for the default day), leadId (String, null for all), force (String)
     */
    public Map<String, String> runParameters(Map<String, Object> body, String date, String leadId, String force) {
        JsonRequests.onlyFields(body, RUN_FIELDS);
        Map<String, String> merged = new HashMap<>();
        merged.put("date", agree("date", date, bodyDate(body.get("date")), (a, b) -> sameDate(a, b)));
        merged.put("leadId", agree("leadId", leadId, bodyLeadId(body.get("leadId")), (a, b) -> leadId(a) == leadId(b)));
        merged.put("force", agree("force", force, bodyForce(body.get("force")), (a, b) -> force(a) == force(b)));
        return merged;
    }

    private interface Same {
        boolean test(String query, String body);
    }

    private String agree(String field, String query, String body, Same same) {
        boolean inQuery = query != null && !query.isEmpty();
        if (!inQuery) {
            return body == null ? query : body;
        }
        if (body != null && !same.test(query, body)) {
            throw ApiException.badRequest(field + " is " + query + " in the query string but " + body
                    + " in the body; give it once, or the same in both");
        }
        return query;
    }

    private static boolean sameDate(String query, String body) {
        try {
            return LocalDate.parse(query).equals(LocalDate.parse(body));
        } catch (DateTimeParseException e) {
            return Objects.equals(query, body);
        }
    }

    private static String bodyDate(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw ApiException.badRequest("date must be a string like \"2026-11-24\"");
        }
        return s;
    }

    private static String bodyLeadId(Object value) {
        if (value == null) {
            return null;
        }
        // a JSON integer; 7.0, "7" or true are not lead ids
        if (!(value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger)) {
            throw ApiException.badRequest("leadId must be a positive integer");
        }
        return value.toString();
    }

    private static String bodyForce(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Boolean)) {
            throw ApiException.badRequest("force must be true or false");
        }
        return value.toString();
    }

    /** @return the lead id, or 0 for "every active lead" */
    public long leadId(String leadId) {
        return leadId == null || leadId.isEmpty() ? 0 : JsonRequests.id(leadId, "leadId");
    }

    /**
     * The local days of GET /api/summaries/spend (inclusive): to defaults to today in the workspace's time zone, from
     * to 30 days before to; 400 for a bad date, from after to, or more than 366 days.
     */
    public Map<String, Object> spendRange(String timeZone, String from, String to) {
        LocalDate last = QueryDates.date("to", to);
        if (last == null) {
            last = LocalDate.now(ZoneId.of(timeZone));
        }
        LocalDate first = QueryDates.date("from", from);
        if (first == null) {
            first = last.minusDays(DEFAULT_SPEND_DAYS);
        }
        if (first.isAfter(last)) {
            throw ApiException.badRequest("from " + first + " is after to " + last);
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_SPEND_DAYS) {
            throw ApiException.badRequest("from and to may span at most " + MAX_SPEND_DAYS + " days");
        }
        Map<String, Object> range = new HashMap<>();
        range.put("fromDay", first);
        range.put("toDay", last);
        return range;
    }

    public long runId(String id) {
        return JsonRequests.id(id, "run id");
    }

    public void requireRun(Object run) {
        ApiException.requireFound(run, "no such summary run");
    }

    /**
     * A run of the same workspace, days and lead was already running, so none was opened (runId null):
     * 409 with that run's id, which the caller can follow instead of paying for the same notes twice.
     */
    public void requireOpened(Long runId, Long runningRunId) {
        if (runId == null) {
            throw new Conflict("a summary run of the same days is already running"
                    + (runningRunId == null ? "" : ": follow GET /api/summaries/runs/" + runningRunId),
                    runningRunId == null ? Map.of() : Map.of("runId", runningRunId));
        }
    }

    public boolean force(String force) {
        if (force == null || force.isEmpty() || force.equals("false")) {
            return false;
        }
        if (force.equals("true")) {
            return true;
        }
        throw ApiException.badRequest("force must be true or false");
    }
}
