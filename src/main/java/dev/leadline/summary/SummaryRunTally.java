package dev.leadline.summary;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Counts each finished lead-day of a run into its {@link RunProgress} (the runProgress variable): the
 * outcome the lead-day route named in summaryOutcome, and the tokens and cost of the note it generated (and
 * whether the budget sent it offline). Keeps no
 * bodies, so a run of any size holds constant memory.
 */
public final class SummaryRunTally implements AggregationStrategy {

    private final int logEvery;
    private final Set<Long> active = ConcurrentHashMap.newKeySet();

    public SummaryRunTally(int logEvery) {
        this.logEvery = logEvery;
    }

    /** A new run's counters, for the runProgress variable. */
    public RunProgress start(long runId) {
        active.add(runId);
        return new RunProgress(runId, logEvery);
    }

    /** The run's record is closed. */
    public void finish(long runId) {
        active.remove(runId);
    }

    /** The runs this instance has open: what a stop leaves unfinished. */
    public Set<Long> activeRunIds() {
        return Set.copyOf(active);
    }

    /** The same, as a PostgreSQL array literal ({12,13}) for the heartbeat's statement; null when none. */
    public String activeRunIdArray() {
        Set<Long> open = activeRunIds();
        return open.isEmpty() ? null : open.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }

    @Override
    public Exchange aggregate(Exchange done, Exchange leadDay) {
        RunProgress progress = leadDay.getVariable("runProgress", RunProgress.class);
        String outcome = leadDay.getException() != null ? "failed" : leadDay.getVariable("summaryOutcome", String.class);
        Map<?, ?> note = leadDay.getVariable("note", Map.class);
        // Tokens count whenever a note was generated: a note another run wrote first still cost them.
        progress.record(outcome, note == null ? null : (Number) note.get("promptTokens"),
                note == null ? null : (Number) note.get("completionTokens"),
                note == null ? null : (BigDecimal) note.get("costUsd"),
                note != null && "budget".equals(note.get("offlineReason")));
        if (done == null) {
            leadDay.getMessage().setBody(null);
            return leadDay;
        }
        return done;
    }
}
