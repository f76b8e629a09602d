package dev.leadline.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import dev.leadline.bench.ServiceProcess;
import dev.leadline.support.PgBouncer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * TwoInstanceTest's cases with both services behind one PgBouncer in transaction pooling (db.transaction-pooling):
 * a server connection is theirs one transaction at a time, so a statement prepared on one, a session SET, a
 * session-level lock or a cursor outside its transaction would go wrong here. The timeouts are the role's, as
 * docs/scaling.md says to set them. PgBouncer's server connections: each instance's streaming pool can hold
 * one a run for the run's whole stream, so the pool has room for both instances' and four more.
 */
class TwoInstancePgBouncerTest extends TwoInstanceTest {

    @Override
    ServiceUrl serviceUrl() {
        assumeTrue(PgBouncer.installed(), "no " + PgBouncer.BINARY + ": apt-get install pgbouncer (.ci/run installs it)");
        return (directUrl, user, password, env) -> {
            try (Connection c = DriverManager.getConnection(directUrl, user, password); Statement st = c.createStatement()) {
                // In this database only: an external test server's other databases keep theirs.
                String database = "\"" + c.getCatalog() + "\"";
                st.execute("ALTER ROLE CURRENT_USER IN DATABASE " + database + " SET statement_timeout = '120s'");
                st.execute("ALTER ROLE CURRENT_USER IN DATABASE " + database + " SET lock_timeout = '1s'");
            }
            PgBouncer bouncer = PgBouncer.start(directUrl, user, password, 2 * STREAMING_POOL + 4);
            between = bouncer;
            env.put("DB_TRANSACTION_POOLING", "true");
            return bouncer.jdbcUrl();
        };
    }

    @Test
    @Order(0)
    void eachInstanceSaysAtStartThatItsTimeoutsAreTheRoles() throws Exception {
        for (ServiceProcess instance : instances.values()) {
            String log = Files.readString(instance.log());
            assertTrue(log.contains("Transaction pooling: PostgreSQL's timeouts are the database role's: statement_timeout 2min, lock_timeout 1s"),
                    "the start's report of the role's timeouts in " + instance.log());
        }
    }
}
