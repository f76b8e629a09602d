package dev.leadline.admin;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadline.web.ApiException;
import dev.leadline.web.Conflict;
import dev.leadline.web.ErrorResponses;
import dev.leadline.web.JsonRequests;
import dev.leadline.web.LogSafe;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /api/admin/dead-letters/replay: replays every dead letter of one reason that no replay has taken
 * out of the dead letters yet, each through the single replay's route, independently (a refused or
 * failed letter is counted and the next one replayed). The letters are read a page of ids at a time, in
 * id order, so that no more than one page is held, and each letter's payload is read only when it is
 * replayed. As the split's aggregation strategy it counts each letter's outcome into the run's
 * {@link Progress} (the bulkReplay variable), which its record (dead_letter_replay_run) takes after every
 * page: the request answers 202 at once, and GET /api/admin/dead-letters/replay-runs/{id} follows the run.
 */
public final class BulkReplay implements AggregationStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(BulkReplay.class);

    static final Set<String> FIELDS = Set.of("reason", "limit");
    /** Letter ids read per page. */
    static final int PAGE_SIZE = 100;
    /** Refused and failed letters listed in the answer, at most (all are counted, and logged). */
    static final int MAX_PROBLEMS = 100;
    static final int MAX_REASON = 1000;

    /** The request's reason and limit, the letters taken so far, and their outcomes. */
    public static final class Progress {
        final String reason;
        final Integer limit;
        /** Its record's id, once opened. */
        long runId;
        /** Letters kept after the request began are not part of it: the run ends. */
        final OffsetDateTime receivedUntil = OffsetDateTime.now(ZoneOffset.UTC);
        long afterId;
        boolean more = true;
        int matched;
        int replayed;
        int stillDeadLettered;
        int refused;
        int failed;
        final Map<String, Integer> intake = new LinkedHashMap<>();
        final List<Map<String, Object>> problems = new ArrayList<>();

        Progress(String reason, Integer limit) {
            this.reason = reason;
            this.limit = limit;
        }

        public boolean isMore() {
            return more;
        }

        public long getRunId() {
            return runId;
        }

        public String getReason() {
            return reason;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The runs this instance has open: what a stop leaves unfinished (see db/InterruptedRunRecords). */
    private final Set<Long> active = ConcurrentHashMap.newKeySet();

    /** {"reason": "...", "limit": n}: the reason exactly as the dead letters show it; limit optional, 1 or more. */
    public Progress start(Map<String, Object> request) {
        JsonRequests.onlyFields(request, FIELDS);
        String reason = JsonRequests.text(request, "reason", MAX_REASON, true);
        Object limit = request.get("limit");
        if (limit != null && !(limit instanceof Integer n && n > 0)) {
            throw ApiException.badRequest("limit must be a whole number from 1 to " + Integer.MAX_VALUE);
        }
        return new Progress(reason, (Integer) limit);
    }

    /** The next page's query: letters of the reason, not replayed yet, after the last id taken. */
    public Map<String, Object> page(Progress progress) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("reason", progress.reason);
        params.put("afterId", progress.afterId);
        params.put("receivedUntil", progress.receivedUntil);
        params.put("pageSize", progress.limit == null ? PAGE_SIZE : Math.min(PAGE_SIZE, progress.limit - progress.matched));
        return params;
    }

    /** Takes a page of letter ids for replay; the run goes on while pages come back full and the limit allows. */
    public List<Map<String, Object>> take(Progress progress, @Body List<Map<String, Object>> rows) {
        int asked = (Integer) page(progress).get("pageSize");
        if (!rows.isEmpty()) {
            progress.afterId = ((Number) rows.get(rows.size() - 1).get("id")).longValue();
        }
        progress.matched += rows.size();
        progress.more = rows.size() == asked && (progress.limit == null || progress.matched < progress.limit);
        return rows;
    }

    /**
     * One letter's replay, done: refused (409: another workspace's secret verified it) or failed (any other
     * error, e.g. an unreadable payload or the database), else what the intake did with its event, which is
     * still a dead letter or no longer one.
     */
    @Override
    public Exchange aggregate(Exchange done, Exchange letter) {
        Progress progress = letter.getVariable("bulkReplay", Progress.class);
        Object deadLetterId = letter.getVariable("deadLetterId");
        // The body the letter's steps left: the intake's counts, or what the replay failed with.
        Object outcome = letter.getException() != null ? letter.getException() : letter.getMessage().getBody();
        synchronized (progress) {
            if (outcome instanceof Map<?, ?> counts) {
                counts.forEach((name, n) -> progress.intake.merge(String.valueOf(name), ((Number) n).intValue(), Integer::sum));
                if (((Number) counts.get("deadLettered")).intValue() > 0) {
                    progress.stillDeadLettered++;
                } else {
                    progress.replayed++;
                }
            } else {
                Throwable failure = outcome instanceof Throwable t ? t
                        : new IllegalStateException("the replay of dead letter " + deadLetterId + " left no outcome");
                ApiException problem = ErrorResponses.classify(failure);
                if (problem.status() == 409) {
                    progress.refused++;
                } else {
                    progress.failed++;
                }
                LOG.warn("Dead letter {} not replayed ({} {}): {}", deadLetterId, problem.status(), problem.error(),
                        LogSafe.escape(problem.status() >= 500 ? failure : problem.detail()),
                        problem.status() == 500 ? failure : null);
                if (progress.problems.size() < MAX_PROBLEMS) {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("deadLetterId", deadLetterId);
                    item.put("status", problem.status());
                    item.put("error", problem.error());
                    item.put("detail", problem.detail());
                    progress.problems.add(item);
                }
            }
        }
        // Nothing of a letter is kept past it.
        letter.getMessage().setBody(null);
        return done == null ? letter : done;
    }

    /**
     * The run's record opened (runId), else a run of the same reason was running (runningRunId): 409 with its
     * id, to follow instead of replaying the same letters twice at the same time.
     */
    public void requireOpened(Progress progress, Long runId, Long runningRunId) {
        if (runId == null) {
            throw new Conflict("a bulk replay of the reason \"" + progress.reason + "\" is already running"
                    + (runningRunId == null ? "" : ": follow GET /api/admin/dead-letters/replay-runs/" + runningRunId),
                    runningRunId == null ? Map.of() : Map.of("runId", runningRunId));
        }
        progress.runId = runId;
        active.add(runId);
    }

    /** The run's record is closed (or could not be): it is no longer this instance's to close at a stop. */
    public void finished(Progress progress) {
        active.remove(progress.runId);
    }

    public Set<Long> activeRunIds() {
        return Set.copyOf(active);
    }

    /**
     * The parameters of the run's statements (insert-replay-run.sql, update-replay-run.sql): what it has matched
     * so far and what became of each letter, with its status (running, or completed or failed at its end).
     */
    public Map<String, Object> record(Progress progress, String status, String error) {
        Map<String, Object> record = new LinkedHashMap<>();
        synchronized (progress) {
            record.put("runId", progress.runId);
            record.put("reason", progress.reason);
            record.put("limit", progress.limit);
            record.put("status", status);
            record.put("finished", !"running".equals(status));
            record.put("error", error);
            record.put("matched", progress.matched);
            record.put("replayed", progress.replayed);
            record.put("stillDeadLettered", progress.stillDeadLettered);
            record.put("refused", progress.refused);
            record.put("failed", progress.failed);
            record.put("limitReached", progress.limit != null && progress.matched >= progress.limit);
            try {
                record.put("intake", JSON.writeValueAsString(progress.intake));
                record.put("problems", JSON.writeValueAsString(progress.problems));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return record;
    }

    /**
     * update-replay-run.sql answered nothing: the record was closed meanwhile (interrupted, for want of progress),
     * perhaps a new run of the reason opened: this one stops after its page.
     */
    public void closedMeanwhile(Progress progress, Object updated) {
        if (updated == null && progress.more) {
            LOG.warn("Bulk replay run {} stops: its record was closed meanwhile (no progress for admin.replay-stale-run-seconds)",
                    progress.runId);
            progress.more = false;
        }
    }

    /** The parameters of close-stale-replay-runs.sql for a polled run. */
    public Map<String, Object> polled(long runId) {
        Map<String, Object> params = new HashMap<>();
        params.put("runId", runId);
        params.put("reason", null);
        return params;
    }

    /** A run's record as the API answers it (get-replay-run.sql): intake and problems as JSON; 404 when there is none. */
    public Map<String, Object> run(@Body Map<String, Object> row) throws JsonProcessingException {
        ApiException.requireFound(row, "no such bulk replay run");
        Map<String, Object> run = new LinkedHashMap<>(row);
        run.put("intake", JSON.readTree(String.valueOf(row.get("intake"))));
        run.put("problems", JSON.readTree(String.valueOf(row.get("problems"))));
        return run;
    }
}
