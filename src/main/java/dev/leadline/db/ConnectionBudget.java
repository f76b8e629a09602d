package dev.leadline.db;

import java.util.OptionalInt;

/**
 * How one instance's PostgreSQL connections (db.max-connections) are shared among its four pools: the daily
 * run's lead-days take summaries.concurrency + 1 (a connection per summary thread and one for the splitting
 * thread), the streamed query db.streaming-pool-size, and the rest goes half to the intake, half to the main
 * pool (the intake takes the odd one). db.pool-size and db.intake-pool-size, when set, replace their share;
 * the sum must still fit the budget. The one home of this arithmetic (docs/scaling.md explains it).
 */
public record ConnectionBudget(int main, int intake, int streaming, int summary) {

    /** The main pool's floor: the API, admin and the two Quartz schedulers' check-ins share it. */
    static final int MIN_MAIN = 3;

    /**
     * @param writers the intake's group commit writers, each holding an intake connection: the intake needs one more
     * @throws IllegalArgumentException with one line that says what does not fit
     */
    public static ConnectionBudget of(int maxConnections, OptionalInt mainOverride, OptionalInt intakeOverride,
                                      int streaming, int summaryConcurrency, int writers) {
        int summary = summaryConcurrency + 1;
        int rest = maxConnections - summary - streaming;
        int intake = intakeOverride.orElse(mainOverride.isPresent() ? rest - mainOverride.getAsInt() : rest - rest / 2);
        int main = mainOverride.orElse(rest - intake);
        int minIntake = writers + 1;
        if (main < MIN_MAIN || intake < minIntake || main + intake > rest) {
            throw new IllegalArgumentException(String.format("db.max-connections = %d does not fit this instance's pools: "
                    + "the daily run's %d (summaries.concurrency + 1) + the streamed query's %d (db.streaming-pool-size) "
                    + "+ the intake's %d (at least intake.group-commit-writers + 1 = %d) + the main pool's %d (at least %d) = %d",
                    maxConnections, summary, streaming, intake, minIntake, main, MIN_MAIN, summary + streaming + intake + main));
        }
        return new ConnectionBudget(main, intake, streaming, summary);
    }

    public int total() {
        return main + intake + streaming + summary;
    }
}
