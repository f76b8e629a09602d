package dev.leadline.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.leadline.api.ApiTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Seeds the demo workspace, so that the sample payloads and the README's "try it" work out of the box. */
public final class DemoWorkspace {

    private static final Logger LOG = LoggerFactory.getLogger(DemoWorkspace.class);

    /** Upserts the workspace (a changed demo secret takes effect) and registers the demo token. */
    static final String SEED = """
            WITH ws AS (
                INSERT INTO workspace (name, phone_number_id, webhook_secret, default_country, time_zone)
                VALUES ('Demo workspace', ?, ?, 'ID', 'Asia/Jakarta')
                ON CONFLICT (phone_number_id) DO UPDATE SET webhook_secret = EXCLUDED.webhook_secret
                RETURNING id
            )
            INSERT INTO api_token (workspace_id, token_sha256)
            SELECT id, ? FROM ws
            ON CONFLICT (token_sha256) DO NOTHING
            """;

    private DemoWorkspace() {
    }

    public static void seed(DataSource dataSource, String phoneNumberId, String webhookSecret, String apiToken)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SEED)) {
            ps.setString(1, phoneNumberId);
            ps.setString(2, webhookSecret);
            ps.setBytes(3, ApiTokens.sha256(apiToken));
            ps.executeUpdate();
        }
        LOG.info("Demo workspace ready: phone_number_id {}, country ID, time zone Asia/Jakarta, "
                + "webhook secret from demo.webhook-secret, API token from demo.api-token", phoneNumberId);
    }
}
