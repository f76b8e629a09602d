package dev.leadline.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start's wait for PostgreSQL: the first work on the database (a login, then Flyway's migration) is tried again, with
 * exponential backoff, while it fails for want of a connection, until the start's budget
 * ({@code db.start-wait-seconds}) is spent. A database that comes up after the service (a deployment that
 * starts both at once) is then waited for, instead of failing the start after one connection timeout. Each try
 * is logged with where the database is (host:port/database, never the URL's other parameters or the password)
 * and why it failed; any other failure (a migration's error, a refused login) stops the start at once.
 */
public final class DatabaseWait {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWait.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    /** The backoff's cap: a database that comes back is found within a few seconds. */
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    /**
     * SQLSTATEs worth another try: no connection (class 08), the server starting or shutting down (57P01-57P03),
     * too many connections (53300).
     */
    private static final Set<String> NOT_YET = Set.of("57P01", "57P02", "57P03", "53300");

    private final String target;
    private final Duration budget;

    /** @param budget how long the start waits in all (db.start-wait-seconds) */
    public DatabaseWait(String jdbcUrl, Duration budget) {
        this.target = target(jdbcUrl);
        this.budget = budget;
    }

    /** Work on the database, tried again while it fails for want of a connection. */
    public interface Work {
        void run() throws SQLException;
    }

    /** Runs the work that needs the database until it gets through, or the budget is spent. */
    public void until(Work work) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                if (attempt > 1) {
                    LOG.info("PostgreSQL at {} answered, after {} tries in {} s", target, attempt, seconds(System.nanoTime() - started));
                }
                return;
            } catch (SQLException | RuntimeException e) {
                SQLException cause = deepestSqlException(e);
                if (cause == null || !notYet(cause)) {
                    throw e;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new DatabaseUnreachable(String.format("PostgreSQL at %s did not answer within %d s"
                                    + " (db.start-wait-seconds, %d tries); the last error: %s",
                            target, budget.toSeconds(), attempt, said(cause)), e);
                }
                long sleep = Math.min(pause.toNanos(), left);
                LOG.warn("Waiting for PostgreSQL at {} (try {}, {} s of {} s): {}; next try in {} ms", target, attempt,
                        seconds(System.nanoTime() - started), budget.toSeconds(), said(cause), sleep / 1_000_000);
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    /**
     * A failure for want of a connection: the driver's connection errors, or the pool's timeout with no error
     * from the driver yet (a server that does not answer at all).
     */
    private static boolean notYet(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e instanceof SQLTransientConnectionException;
        }
        return state.startsWith("08") || NOT_YET.contains(state);
    }

    /** The innermost SQL exception of the chain: the driver's own words (the pool and Flyway wrap them). */
    private static SQLException deepestSqlException(Throwable e) {
        SQLException deepest = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                deepest = sql;
            }
        }
        return deepest;
    }

    /** host:port/database of a PostgreSQL JDBC URL (several hosts joined by commas), as the driver reads it. */
    static String target(String jdbcUrl) {
        Properties parsed = Driver.parseURL(jdbcUrl, null);
        if (parsed == null) {
            return "(a URL the PostgreSQL driver does not read)";
        }
        String[] hosts = PGProperty.PG_HOST.getOrDefault(parsed).split(",");
        String[] ports = PGProperty.PG_PORT.getOrDefault(parsed).split(",");
        StringBuilder target = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
            target.append(i == 0 ? "" : ",").append(hosts[i]).append(':').append(ports[Math.min(i, ports.length - 1)]);
        }
        return target.append('/').append(PGProperty.PG_DBNAME.getOrDefault(parsed)).toString();
    }

    /** The error's message without its closing full stop, since more follows it on the line. */
    private static String said(SQLException e) {
        String message = String.valueOf(e.getMessage()).strip();
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    private static long seconds(long nanos) {
        return Math.round(nanos / 1e9);
    }

    /** The budget is spent and the database never answered: said in one line, with no stack trace (Leadline's main). */
    public static final class DatabaseUnreachable extends IllegalStateException {
        DatabaseUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
