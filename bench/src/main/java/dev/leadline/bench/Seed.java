package dev.leadline.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** Bulk data for the benchmarks, written straight into PostgreSQL with generate_series. */
final class Seed {

    static final String DEMO_PHONE_NUMBER_ID = "123456789012345";

    private Seed() {
    }

    /** The E.164 phone of seeded lead number n: +62 813 followed by n in 8 digits. */
    static String phone(long n) {
        return String.format("+62813%08d", n);
    }

    /** N leads of the demo workspace, with a conversation each, active at the given instant. */
    static void leads(ServiceProcess service, int n, String activeAt) throws SQLException {
        execute(service, """
                WITH ws AS (SELECT id FROM workspace WHERE phone_number_id = '%s'),
                leads AS (
                    INSERT INTO lead (workspace_id, phone, name, last_activity_at, status)
                    SELECT ws.id, '+62813' || lpad(g::text, 8, '0'), 'Lead ' || g,
                           CAST('%s' AS timestamptz) - g * interval '1 second',
                           (ARRAY['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'])[1 + g %% 6]
                    FROM ws, generate_series(1, %d) g
                    RETURNING id, workspace_id, phone
                )
                INSERT INTO conversation (workspace_id, lead_id, kapso_id, status)
                SELECT workspace_id, id, 'conv-' || phone, 'active' FROM leads
                """.formatted(DEMO_PHONE_NUMBER_ID, activeAt, n));
    }

    /**
     * Runs seeding SQL. Seeded rows are a starting state, not changes anyone made: the outbox's triggers are
     * off for the session (session_replication_role replica), so no events are written for them.
     */
    static void execute(ServiceProcess service, String sql) throws SQLException {
        try (Connection c = service.connect(); Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = 0");
            s.execute("SET session_replication_role = replica");
            s.execute(sql);
            s.execute("ANALYZE");
        }
    }

    static long count(ServiceProcess service, String sql) throws SQLException {
        try (Connection c = service.connect(); PreparedStatement ps = c.prepareStatement(sql);
             var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
