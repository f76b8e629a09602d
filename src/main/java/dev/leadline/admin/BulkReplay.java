package dev.leadline.admin;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.leadline.web.ApiException;
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
 * replayed. As the split's aggregation strategy it counts each letter's outcome into the request's
 * {@link Progress} (the bulkReplay variable).
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
    }

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

    /** The answer: what the run matched and what became of each letter. */
    public Map<String, Object> answer(Progress progress) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("reason", progress.reason);
        answer.put("matched", progress.matched);
        answer.put("replayed", progress.replayed);
        answer.put("stillDeadLettered", progress.stillDeadLettered);
        answer.put("refused", progress.refused);
        answer.put("failed", progress.failed);
        answer.put("limitReached", progress.limit != null && progress.matched >= progress.limit);
        answer.put("intake", progress.intake);
        answer.put("problems", progress.problems);
        return answer;
    }
}
