package dev.leadline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import dev.leadline.bench.TakeoverBenchmark;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the instance in the middle of the daily run, with the default Quartz check-in (7.5 s), heartbeat
 * (30 s) and claim lease (120 s): Quartz's recovery fire on the survivor closes the dead run as interrupted, with
 * the counts of the notes carrying its id, and writes the lead-days it left, each once; the schedule fires once
 * in the scenario (its next fire is an hour later), so the takeover is the recovery's, not a later fire's.
 * The scenario is the takeover benchmark's (bench/run.sh takeover measures it with more lead-days).
 */
class TakeoverTest {

    @Test
    void theSurvivorsRecoveryFireClosesTheDeadRunWithItsCountsAndWritesWhatItLeftOnce() throws Exception {
        int leads = 24;
        // slow enough that the kill, after the run's first notes, finds lead-days in flight and lead-days not begun
        TakeoverBenchmark.Result r = TakeoverBenchmark.measure(leads, 3000, Map.of());
        System.out.printf("kill -9 of %s during run %d (%d notes at the kill): takeover run opened by %s %d ms after the kill, "
                        + "last note %d ms after it; killed run %s, %d notes carry its id; LLM requests per lead %s%n",
                r.victim(), r.runId(), r.notesOfRunAtKill(), r.takeoverInstance(), r.killToTakeoverRunMillis(),
                r.killToLastNoteMillis(), r.killedRun(), r.notesCarryingKilledRunId(), r.requestsPerLead());

        assertEquals(leads, r.notes(), "every lead-day of the day has its note");
        assertTrue(r.survivorRecoveredTheFire(), "Quartz recovered the dead instance's fire on the survivor");
        assertEquals(r.survivor(), r.takeoverInstance(), "the survivor opened the run that took over");
        assertEquals(1L, r.killedRun().get("interrupted"), "the dead run is closed as interrupted: " + r.killedRun());
        assertTrue(r.notesOfRunAtKill() >= 3, "the run had written notes when it was killed");
        assertEquals(r.notesCarryingKilledRunId(), r.killedRun().get("notesWritten"), "its record counts the notes carrying its id");
        assertTrue(r.killedRun().get("notesWritten") >= r.notesOfRunAtKill(), r.killedRun().toString());
        assertTrue(r.killedRun().get("leadsConsidered") >= r.killedRun().get("notesWritten"), r.killedRun().toString());
        assertTrue(r.killedRun().get("promptTokens") > 0, "and the tokens its notes cost: " + r.killedRun());
        for (Map.Entry<String, Integer> e : r.requestsPerLead().entrySet()) {
            int atKill = r.requestsAtKill().getOrDefault(e.getKey(), 0);
            if (r.notedAtKill().contains(e.getKey())) {
                assertEquals(atKill, e.getValue(), "a lead-day noted before the kill is never asked again: " + e.getKey());
            } else if (atKill == 0) {
                assertEquals(1, e.getValue(), "a lead-day the dead run had not begun is asked once: " + e.getKey());
            } else {
                assertTrue(e.getValue() <= 2, "one in flight at the kill is asked once more at most: " + e);
            }
        }
        assertEquals(leads, r.requestsPerLead().size());
    }
}
