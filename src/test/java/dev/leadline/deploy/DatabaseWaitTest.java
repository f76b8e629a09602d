package dev.leadline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.leadline.support.ServiceJvm;
import dev.leadline.support.TestPorts;
import org.junit.jupiter.api.Test;

/**
 * A start whose database never answers waits db.start-wait-seconds for it, saying at each try where it waits
 * and why, then stops with exit status 1 and one line that says what happened (the database that comes late
 * is ConcurrentStartTest's).
 */
class DatabaseWaitTest {

    private static final String PASSWORD = "password-never-logged";

    @Test
    void aDatabaseThatNeverAnswersStopsTheStartWithStatus1AfterTheWait() throws Exception {
        Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "database-never-answers");
        Path log = workingDir.resolveSibling(workingDir.getFileName() + ".log");
        int nobody = TestPorts.next(); // free: nothing listens there
        ProcessBuilder builder = ServiceJvm.builder(workingDir, log);
        builder.environment().putAll(Map.of(
                "HTTP_PORT", String.valueOf(TestPorts.next()),
                "MANAGEMENT_PORT", String.valueOf(TestPorts.next()),
                "DB_URL", "jdbc:postgresql://127.0.0.1:" + nobody + "/leadline?password=" + PASSWORD,
                "DB_USER", "leadline",
                "DB_PASSWORD", PASSWORD,
                "DB_START_WAIT_SECONDS", "4",
                "CATCHUP_KEY_ENCRYPTION_KEY", "key-encryption-key-of-the-tests"));
        Process service = builder.start();
        assertTrue(service.waitFor(120, TimeUnit.SECONDS), "the service did not stop; see " + log);
        assertEquals(1, service.exitValue(), "see " + log);

        String said = Files.readString(log);
        String where = "127.0.0.1:" + nobody + "/leadline";
        List<String> tries = said.lines().filter(l -> l.contains("Waiting for PostgreSQL at " + where + " (try ")).toList();
        assertTrue(tries.size() >= 2, "each try is logged: " + said);
        assertTrue(tries.stream().allMatch(l -> l.contains("refused")), "each with its error: " + tries);
        List<String> failed = said.lines().filter(l -> l.contains("leadline failed to start")).toList();
        assertEquals(1, failed.size(), said);
        assertTrue(failed.get(0).contains("PostgreSQL at " + where + " did not answer within 4 s (db.start-wait-seconds, "), failed.get(0));
        assertTrue(failed.get(0).contains("refused"), "with the last error: " + failed.get(0));
        // Said once: no stack trace, and no shutdown hook taking the exit for a SIGTERM.
        assertFalse(said.contains("\tat "), said);
        assertFalse(said.contains("SIGTERM"), said);
        assertFalse(said.contains(PASSWORD), "the password is never logged: " + said);
    }
}
