package dev.leadline.reliability;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.LogCapture;
import dev.leadline.support.Tenant;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * The client's address behind a reverse proxy (web/ClientAddress, http.trusted-proxies), over real HTTP: from a
 * peer that is not a trusted proxy, Forwarded and X-Forwarded-For change nothing (a client can't leave the
 * failed-authentication limit by naming another address); from a trusted one (loopback, here), two clients
 * it names are limited apart, and the log and the audit log show the client's address, not the proxy's.
 * Two instances behind a proxy that adds X-Forwarded-For: LoadBalancerRecipeTest.
 */
class TrustedProxiesTest {

    private static final String ADMIN = LeadlineApp.ADMIN_TOKEN;

    @Test
    void fromAnUntrustedPeerAForgedForwardedAddressDoesNotEscapeTheLimit() throws Exception {
        try (LeadlineApp own = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "admin.token", ADMIN, "auth.max-failures", "3", "summaries.enabled", "false"));
             LogCapture log = LogCapture.start()) {
            for (int i = 1; i <= 3; i++) {
                assertEquals(401, own.call("GET", "/api/leads", null, "guess-" + i, "X-Forwarded-For", "203.0.113." + i,
                        "Forwarded", "for=198.51.100." + i).statusCode());
            }
            // a fresh forged address each time: still the connection's, limited
            assertEquals(429, own.call("GET", "/api/leads", null, "guess-4", "X-Forwarded-For", "203.0.113.4").statusCode());
            assertEquals(429, own.call("GET", "/api/leads", null, Workspaces.DEMO_TOKEN, "Forwarded", "for=198.51.100.4").statusCode());
            assertEquals(429, own.get("/api/leads", Workspaces.DEMO_TOKEN).statusCode());
            assertTrue(log.toString().contains("Failed authentication from 127.0.0.1: unknown or revoked API token"), log.toString());
            assertFalse(log.toString().contains("203.0.113."), "a forged address in the log");
        }
    }

    @Test
    void behindATrustedProxyEachClientIsLimitedAndRecordedByItsOwnAddress() throws Exception {
        try (LeadlineApp own = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "admin.token", ADMIN, "auth.max-failures", "3", "summaries.enabled", "false",
                "http.trusted-proxies", "127.0.0.1/32, ::1/128"));
             LogCapture log = LogCapture.start()) {
            // client A guesses through the proxy (X-Forwarded-For, then RFC 7239 Forwarded; the same client)
            assertEquals(401, own.call("GET", "/api/leads", null, "guess-1", "X-Forwarded-For", "203.0.113.7").statusCode());
            assertEquals(401, own.call("GET", "/api/leads", null, "guess-2", "X-Forwarded-For", "6.6.6.6, 203.0.113.7").statusCode());
            assertEquals(401, own.call("GET", "/api/admin/workspaces", null, "guess-3", "Forwarded", "for=\"203.0.113.7:5511\";proto=https").statusCode());
            assertEquals(429, own.call("GET", "/api/leads", null, Workspaces.DEMO_TOKEN, "X-Forwarded-For", "203.0.113.7").statusCode());
            assertTrue(log.toString().contains("Failed authentication from 203.0.113.7: wrong admin token (3 of 3"), log.toString());
            assertFalse(log.toString().contains("Failed authentication from 127.0.0.1"), "the proxy's address in the log");

            // client B, through the same proxy, is not A: its token is looked at
            assertEquals(200, own.call("GET", "/api/leads", null, Workspaces.DEMO_TOKEN, "X-Forwarded-For", "203.0.113.8").statusCode());
            assertEquals(401, own.call("GET", "/api/leads", null, "guess-b", "X-Forwarded-For", "203.0.113.8").statusCode());
            // the proxy's own calls (no header) are the proxy's
            assertEquals(200, own.get("/api/leads", Workspaces.DEMO_TOKEN).statusCode());

            // the audit log records the client's address
            Tenant t = Tenant.create(own);
            assertEquals(200, own.call("PATCH", "/api/admin/workspaces/" + t.workspaceId, "{\"name\":\"Behind the proxy\"}", ADMIN,
                    "X-Forwarded-For", "2001:db8:0:0:0:0:0:9, 127.0.0.1").statusCode());
            JsonNode entry = JSON.readTree(own.get("/api/admin/audit-log?workspaceId=" + t.workspaceId + "&limit=1", ADMIN).body())
                    .at("/items/0");
            assertEquals("workspace.update", entry.get("action").asText(), entry.toString());
            assertEquals("2001:db8::9", entry.get("clientAddress").asText(), "the client's, past the trusted hop");
        }
    }
}
