package dev.leadline.observe;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadline.db.Database;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the service is ready while PostgreSQL answers {@code SELECT 1} on the main pool within the
 * timeout, and not before the start has migrated the schema (it says so while the start waits for the
 * database). Never liveness: a database outage is not cured by restarting the service. The answer names no
 * URL, user or exception (the management endpoint would print an attached error, with its stack trace on
 * request), only that the database did not answer.
 */
public final class DatabaseHealthCheck extends AbstractHealthCheck {

    private final Database database;
    private final Duration timeout;
    // One probe at a time: a probe still waiting on a dead server is waited on again, not stacked.
    private final ExecutorService prober = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "leadline-health-database");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Void> probe;

    public DatabaseHealthCheck(Database database, Duration timeout) {
        super("leadline", "database");
        this.database = database;
        this.timeout = timeout;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (database.isStarting()) {
            builder.down().message("the service is starting: waiting for the database to migrate the schema");
            return;
        }
        CompletableFuture<Void> current;
        synchronized (this) {
            if (probe == null || probe.isDone()) {
                probe = CompletableFuture.runAsync(this::selectOne, prober);
            }
            current = probe;
        }
        try {
            current.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            builder.up();
        } catch (TimeoutException e) {
            builder.down().message("the database did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            builder.down().message("the database check was interrupted");
        } catch (Exception e) {
            builder.down().message("the database is unreachable");
        }
    }

    private void selectOne() {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            s.execute("SELECT 1");
        } catch (Exception e) {
            throw new IllegalStateException("unreachable");
        }
    }

    /** Stops the probe thread (the service is stopping). */
    public void close() {
        prober.shutdownNow();
    }
}
