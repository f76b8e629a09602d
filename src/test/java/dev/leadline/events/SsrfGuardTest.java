package dev.leadline.events;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.WebhookReceiver;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * The SSRF guard with its production settings (events.allow-private-targets and events.allow-http off): a URL
 * that reaches inside is refused when saved, and a delivery whose URL resolves inside when it is due is given
 * up with the reason, never sent.
 */
class SsrfGuardTest {

    @Test
    void aSubscriptionToAnInsideAddressIsRefusedWhenSaved() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        Tenant t = Tenant.create(app);
        Map<String, String> table = new LinkedHashMap<>();
        table.put("https://127.0.0.1/hook", "loopback");
        table.put("https://[::1]:8443/hook", "loopback");
        table.put("https://localhost/hook", "loopback");
        table.put("https://10.1.2.3/hook", "private");
        table.put("https://169.254.169.254/latest/meta-data/", "cloud metadata");
        table.put("https://[fd00:ec2::254]/latest/meta-data/", "cloud metadata");
        table.put("https://0.0.0.0/hook", "unspecified");
        table.put("http://93.184.215.14/hook", "must be https");
        table.forEach((url, reason) -> {
            try {
                HttpResponse<String> refused = app.call("POST", "/api/subscriptions", "{\"url\": \"" + url + "\"}", t.token);
                assertEquals(400, refused.statusCode(), url + ": " + refused.body());
                assertTrue(refused.body().contains(reason), url + ": " + refused.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(0, t.count("SELECT count(*) FROM event_subscription WHERE workspace_id = ?"));
    }

    @Test
    void aDeliveryWhoseNameResolvesInsideIsGivenUpNeverSent() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        Tenant t = Tenant.create(app);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            // saved while the name was elsewhere (or before the settings changed): written past the API's check
            long id;
            try (Connection c = app.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO event_subscription (workspace_id, url, types, secret) VALUES (?, ?, '{lead.created}', ?) RETURNING id")) {
                ps.setLong(1, t.workspaceId);
                ps.setString(2, "https://localhost:" + receiver.port() + "/hook");
                ps.setString(3, new WebhookSigner().newSecret());
                var rs = ps.executeQuery();
                rs.next();
                id = rs.getLong(1);
            }
            HttpResponse<String> stored = t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.ssrf"),
                    Workspaces.newPhone(), "hi", Instant.now().getEpochSecond()));
            assertEquals(200, stored.statusCode(), stored.body());
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (app.queryLong("SELECT count(*) FROM event_delivery WHERE subscription_id = ? AND status = 'failed'", id) == 0) {
                assertTrue(System.nanoTime() < deadline, "the delivery was not given up");
                Thread.sleep(100);
            }
            assertEquals("1", app.queryString("SELECT attempts FROM event_delivery WHERE subscription_id = ?", id), "at once, no retries");
            JsonNode log = JSON.readTree(app.get("/api/subscriptions/" + id + "/deliveries", t.token).body()).get("items");
            assertEquals("failed", log.get(0).get("outcome").asText());
            String error = log.get(0).get("error").asText();
            assertTrue(error.contains("target refused") && error.contains("loopback"), error);
            assertEquals(0, receiver.requests().size(), "nothing reached the inside address");
        }
    }
}
