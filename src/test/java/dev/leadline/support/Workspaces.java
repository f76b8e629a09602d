package dev.leadline.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

import dev.leadline.api.ApiTokens;

/** Test workspaces and customer numbers that no other test uses. */
public final class Workspaces {

    public static final String DEMO_PHONE_NUMBER_ID = "123456789012345";
    public static final String DEMO_SECRET = "demo-secret";
    public static final String DEMO_TOKEN = "demo-token";

    private static final AtomicLong SEQUENCE = new AtomicLong(System.nanoTime() % 1_000_000L * 100);

    private Workspaces() {
    }

    /** A valid, unused Indonesian mobile number in E.164: +62 812 xxxx xxxx. */
    public static String newPhone() {
        return String.format("+62812%08d", SEQUENCE.incrementAndGet() % 100_000_000L);
    }

    public static String unique(String prefix) {
        return prefix + SEQUENCE.incrementAndGet();
    }

    /** @return the new workspace's id */
    public static long create(LeadlineApp app, String phoneNumberId, String secret, String token) throws SQLException {
        try (Connection c = app.dataSource().getConnection();
             PreparedStatement ws = c.prepareStatement("INSERT INTO workspace (name, phone_number_id, webhook_secret, "
                     + "default_country, time_zone) VALUES (?, ?, ?, 'ID', 'Asia/Jakarta') RETURNING id");
             PreparedStatement tk = c.prepareStatement("INSERT INTO api_token (workspace_id, token_sha256) VALUES (?, ?)")) {
            ws.setString(1, "Test " + phoneNumberId);
            ws.setString(2, phoneNumberId);
            ws.setString(3, secret);
            long id;
            try (ResultSet rs = ws.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            tk.setLong(1, id);
            tk.setBytes(2, ApiTokens.sha256(token));
            tk.executeUpdate();
            return id;
        }
    }
}
