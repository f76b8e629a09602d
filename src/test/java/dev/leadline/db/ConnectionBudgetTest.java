package dev.leadline.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

import dev.leadline.support.LeadlineApp;

import org.junit.jupiter.api.Test;

/** The per-instance connection budget shared among the pools (docs/scaling.md's arithmetic). */
class ConnectionBudgetTest {

    @Test
    void theShippedDefaultsFitThreeInstancesInPostgresDefaultHundredWithRoomForAdmins() throws Exception {
        Properties shipped = new Properties();
        try (var in = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(in);
        }
        assertEquals("", shipped.getProperty("db.pool-size").strip());
        assertEquals("", shipped.getProperty("db.intake-pool-size").strip());
        ConnectionBudget budget = ConnectionBudget.of(number(shipped, "db.max-connections"), OptionalInt.empty(), OptionalInt.empty(),
                number(shipped, "db.streaming-pool-size"), number(shipped, "summaries.concurrency"),
                number(shipped, "intake.group-commit-writers"));
        // as application.properties and docs/scaling.md say: 30 = 9 + 4 + 9 + 8
        assertEquals(new ConnectionBudget(8, 9, 4, 9), budget, "the rest after the daily run's and the stream's: half each, the odd one to the intake");
        assertEquals(30, budget.total());
        assertTrue(3 * budget.total() + 3 < 100, "three instances and PostgreSQL's 3 superuser slots leave room");
    }

    @Test
    void aPoolSetExplicitlyTakesItsSizeAndTheOtherTheRest() {
        assertEquals(new ConnectionBudget(12, 5, 4, 9), ConnectionBudget.of(30, OptionalInt.of(12), OptionalInt.empty(), 4, 8, 4));
        assertEquals(new ConnectionBudget(11, 6, 4, 9), ConnectionBudget.of(30, OptionalInt.empty(), OptionalInt.of(6), 4, 8, 4));
        assertEquals(new ConnectionBudget(4, 4, 2, 5), ConnectionBudget.of(30, OptionalInt.of(4), OptionalInt.of(4), 2, 4, 2),
                "both set: the budget is a ceiling, not a target");
    }

    @Test
    void aBudgetTooSmallForTheConcurrencyStopsTheStartSayingWhatDoesNotFit() throws Exception {
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> ConnectionBudget.of(20, OptionalInt.empty(), OptionalInt.empty(), 4, 8, 4));
        assertEquals("db.max-connections = 20 does not fit this instance's pools: the daily run's 9 (summaries.concurrency + 1) "
                + "+ the streamed query's 4 (db.streaming-pool-size) + the intake's 4 (at least intake.group-commit-writers + 1 = 5) "
                + "+ the main pool's 3 (at least 3) = 20", tooSmall.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConnectionBudget.of(30, OptionalInt.of(16), OptionalInt.of(16), 4, 8, 4),
                "pools set explicitly beyond the budget");

        // The service itself: it does not start, and says why.
        Exception refused = assertThrows(Exception.class, () -> LeadlineApp.start(LeadlineApp.freshDataDir(),
                Map.of("db.max-connections", "20", "intake.group-commit-writers", "4", "summaries.enabled", "false",
                        "catchup.on-start", "false")).close());
        Throwable cause = refused;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertEquals(tooSmall.getMessage(), cause.getMessage());
    }

    private static int number(Properties properties, String key) {
        return Integer.parseInt(properties.getProperty(key).strip());
    }
}
