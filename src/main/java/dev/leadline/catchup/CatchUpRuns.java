package dev.leadline.catchup;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.leadline.api.QueryDates;
import dev.leadline.web.ApiException;
import dev.leadline.web.Conflict;
import dev.leadline.web.NotFound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catch-up's bookkeeping that YAML can't say: a manual run's window, where the watermark may move
 * after a page, the cursors a run was given, a fire's budget, the runs this instance is running (for their
 * heartbeat), and the one log line for a workspace that has no Kapso key.
 */
public final class CatchUpRuns {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpRuns.class);
    private final Set<Long> skippedLogged = ConcurrentHashMap.newKeySet();
    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    /** A run opened on this instance: reported alive by the heartbeat until {@link #closed}. */
    public void opened(Long runId) {
        if (runId != null) {
            running.add(runId);
        }
    }

    public void closed(Long runId) {
        if (runId != null) {
            running.remove(runId);
        }
    }

    /** This instance's running runs: what a stop leaves unfinished. */
    public Set<Long> activeRunIds() {
        return Set.copyOf(running);
    }

    /** This instance's running runs as a PostgreSQL array literal ({12,13}), or null when there are none. */
    public String activeRunIdArray() {
        List<Long> ids = new ArrayList<>(running);
        if (ids.isEmpty()) {
            return null;
        }
        StringJoiner array = new StringJoiner(",", "{", "}");
        ids.forEach(id -> array.add(id.toString()));
        return array.toString();
    }

    /**
     * A run was not opened (runId null): another of the workspace is running. 409 with that run's id, for a
     * manual run, which the caller can follow instead.
     */
    public void requireOpened(Long runId, Long runningRunId, Object workspaceId) {
        if (runId == null) {
            throw new Conflict("a catch-up of workspace " + workspaceId + " is already running"
                    + (runningRunId == null ? "" : ": follow GET /api/admin/workspaces/" + workspaceId + "/catch-up/runs/" + runningRunId),
                    runningRunId == null ? Map.of() : Map.of("runId", runningRunId));
        }
    }

    /** The run id of GET .../catch-up/runs/{runId}: 400 when it is not a positive number. */
    public long runId(String id) {
        try {
            long value = Long.parseLong(id == null ? "" : id.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("runId must be a positive number");
    }

    public void requireRun(Object run) {
        ApiException.requireFound(run, "no such catch-up run");
    }

    /** The cursors a run was given so far: a cursor given again would page for ever. */
    public Set<String> cursors() {
        return new HashSet<>();
    }

    public boolean repeated(Set<String> cursors, String after) {
        return after != null && cursors.contains(after);
    }

    public void remember(Set<String> cursors, String after) {
        cursors.add(after);
    }

    /**
     * A fire's budget (scheduled, start-up): it starts no workspace once budgetSeconds have passed, but always
     * its first. Shared by the split's copies of the exchange (a variable holds the same object in each).
     */
    public static final class Fire {
        private final long deadlineNanos;
        private final AtomicBoolean startedOne = new AtomicBoolean();

        Fire(long budgetSeconds) {
            this.deadlineNanos = System.nanoTime() + budgetSeconds * 1_000_000_000L;
        }
    }

    public Fire fire(long budgetSeconds) {
        return new Fire(budgetSeconds);
    }

    /** Whether the fire has spent its budget (and started a workspace already). */
    public boolean fireSpent(Fire fire) {
        return fire.startedOne.get() && System.nanoTime() - fire.deadlineNanos >= 0;
    }

    public void started(Fire fire) {
        fire.startedOne.set(true);
    }

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
        counts.put("deadLettered", 0);
        return counts;
    }

    /** Whether every page so far, this one included, came oldest first. */
    public boolean stillAscending(boolean ascendingSoFar, Map<String, Object> page) {
        return ascendingSoFar && Boolean.TRUE.equals(page.get("ascending"));
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
