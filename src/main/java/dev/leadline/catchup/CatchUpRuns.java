package dev.leadline.catchup;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadline.api.QueryDates;
import dev.leadline.web.ApiException;
import dev.leadline.web.Conflict;
import dev.leadline.web.NotFound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catch-up's bookkeeping that YAML can't say: a manual run's window, where the watermark may move
 * after a page, and the one log line for a workspace that has no Kapso key.
 */
public final class CatchUpRuns {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpRuns.class);
    private final Set<Long> skippedLogged = ConcurrentHashMap.newKeySet();

    /** A workspace without a key is skipped; said once per workspace and process, not every run. */
    public void skipped(long workspaceId) {
        if (skippedLogged.add(workspaceId)) {
            LOG.info("Catch-up skips workspace {}: no Kapso API key set (PUT /api/admin/workspaces/{}/kapso-key)",
                    workspaceId, workspaceId);
        }
    }

    /** The one workspace a manual catch-up names: 404 when there is none, 409 when it has no key. */
    public Map<String, Object> requireCatchUpable(java.util.List<Map<String, Object>> rows) {
        if (rows == null || rows.isEmpty()) {
            throw new NotFound("no such workspace");
        }
        Map<String, Object> workspace = rows.get(0);
        if (workspace.get("keyEnc") == null) {
            Object id = workspace.get("workspaceId");
            throw new Conflict("workspace " + id + " has no Kapso API key: PUT /api/admin/workspaces/"
                    + id + "/kapso-key first");
        }
        return workspace;
    }

    /**
     * POST .../catch-up?since=&until=: the window asked for, or null for a bound not given (the
     * watermark's since, now's until). Only a run without an explicit since moves the watermark: a
     * window chosen by hand says nothing of what came before it.
     */
    public Map<String, Object> manualWindow(String since, String until, Map<String, Object> scheduled) {
        OffsetDateTime from = QueryDates.instant("since", since);
        OffsetDateTime to = QueryDates.instant("until", until);
        Map<String, Object> window = new HashMap<>();
        OffsetDateTime effectiveFrom = from != null ? from : at(scheduled.get("since"));
        OffsetDateTime effectiveTo = to != null ? to : at(scheduled.get("until"));
        if (!effectiveFrom.isBefore(effectiveTo)) {
            throw ApiException.badRequest("since must be before until");
        }
        window.put("since", effectiveFrom);
        window.put("until", effectiveTo);
        window.put("moveWatermark", from == null && to == null);
        return window;
    }

    /** The scheduled window (since from the watermark minus the overlap, until now): it moves the watermark. */
    public Map<String, Object> scheduledWindow(Map<String, Object> workspace) {
        Map<String, Object> window = new HashMap<>();
        window.put("since", at(workspace.get("since")));
        window.put("until", at(workspace.get("until")));
        window.put("moveWatermark", true);
        return window;
    }

    /**
     * After a committed page, the watermark may move to the newest message read so far only while every
     * page came oldest first: on a newest-first listing, older messages are still to come.
     */
    public OffsetDateTime advanceTo(Map<String, Object> window, Map<String, Object> page, boolean ascendingSoFar) {
        Object newest = page.get("newest");
        if (!Boolean.TRUE.equals(window.get("moveWatermark")) || !ascendingSoFar || !Boolean.TRUE.equals(page.get("ascending"))
                || newest == null) {
            return null;
        }
        OffsetDateTime at = at(newest);
        OffsetDateTime until = at(window.get("until"));
        return at.isAfter(until) ? until : at;
    }

    /** The counts of a page with no messages, as the intake's tally gives them. */
    public Map<String, Object> noCounts() {
        Map<String, Object> counts = new HashMap<>();
        counts.put("stored", 0);
        counts.put("duplicates", 0);
        return counts;
    }

    /** Whether every page so far, this one included, came oldest first. */
    public boolean stillAscending(boolean ascendingSoFar, Map<String, Object> page) {
        return ascendingSoFar && Boolean.TRUE.equals(page.get("ascending"));
    }

    /** Another page follows while Kapso gives a cursor after a page with messages. */
    public boolean morePages(Map<String, Object> page) {
        return page.get("after") != null;
    }

    static OffsetDateTime at(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime o) {
            return o;
        }
        if (value instanceof Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        if (value instanceof java.util.Date d) {
            return d.toInstant().atOffset(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(value.toString());
    }
}
