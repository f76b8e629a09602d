package dev.leadline.summary;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live counts of one summary run, shared by its parallel lead-days: what the run record stores at
 * the end, and what the progress log says every N leads.
 */
public final class RunProgress {

    private static final Logger LOG = LoggerFactory.getLogger(RunProgress.class);

    private final long runId;
    private final int logEvery;
    private final AtomicLong considered = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong rewritten = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong completionTokens = new AtomicLong();
    private final AtomicLong overBudget = new AtomicLong();
    private final AtomicReference<BigDecimal> cost = new AtomicReference<>(BigDecimal.ZERO);

    public RunProgress(long runId, int logEvery) {
        this.runId = runId;
        this.logEvery = logEvery;
    }

    /**
     * @param costUsd      what the lead-day's calls cost (null: none were made)
     * @param overBudget   whether it was written offline because the LLM budget of the day was spent
     */
    void record(String outcome, Number prompt, Number completion, BigDecimal costUsd, boolean overBudget) {
        switch (outcome == null ? "failed" : outcome) {
            case "written" -> written.incrementAndGet();
            case "rewritten" -> {
                // A stale note replaced in place: a note written, and counted apart as well.
                written.incrementAndGet();
                rewritten.incrementAndGet();
            }
            case "skipped" -> skipped.incrementAndGet();
            default -> failed.incrementAndGet();
        }
        if (prompt != null) {
            promptTokens.addAndGet(prompt.longValue());
        }
        if (completion != null) {
            completionTokens.addAndGet(completion.longValue());
        }
        if (costUsd != null) {
            cost.accumulateAndGet(costUsd, BigDecimal::add);
        }
        if (overBudget) {
            this.overBudget.incrementAndGet();
        }
        long n = considered.incrementAndGet();
        if (n % logEvery == 0) {
            LOG.info("Summary run {}: {} lead-days done, {} written, {} skipped, {} failed", runId, n, written, skipped, failed);
        }
    }

    public long getRunId() {
        return runId;
    }

    public long getConsidered() {
        return considered.get();
    }

    public long getWritten() {
        return written.get();
    }

    public long getRewritten() {
        return rewritten.get();
    }

    public long getSkipped() {
        return skipped.get();
    }

    public long getFailed() {
        return failed.get();
    }

    public long getPromptTokens() {
        return promptTokens.get();
    }

    public long getCompletionTokens() {
        return completionTokens.get();
    }

    public BigDecimal getCostUsd() {
        return cost.get();
    }

    public long getOverBudget() {
        return overBudget.get();
    }
}
