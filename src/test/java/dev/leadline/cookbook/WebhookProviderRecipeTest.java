package dev.leadline.cookbook;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/cookbook.md, recipe 2: the packaged routes plus the recipe's route file for "relay", a BSP that
 * forwards Meta-shaped payloads to /webhooks/relay signed in X-Relay-Signature, in a working directory.
 */
class WebhookProviderRecipeTest {

    static final String RELAY_ROUTE = "routes/relay-intake.camel.yaml";
    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        Path workingDir = LeadlineApp.workingDirWithPackagedRoutes("cookbook-relay");
        Files.writeString(workingDir.resolve(RELAY_ROUTE), Cookbook.snippet(RELAY_ROUTE));
        app = LeadlineApp.startIn(workingDir, LeadlineApp.freshDataDir(), Map.of(
                "admin.token", LeadlineApp.ADMIN_TOKEN,
                "webhook.fallback-secret", LeadlineApp.FALLBACK_SECRET,
                "summaries.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aSignedRelayDeliveryIsStoredAndABadlySignedOneIs401() throws Exception {
        Tenant t = Tenant.create(app);
        String phone = Workspaces.newPhone();
        byte[] body = Webhooks.bytes(Webhooks.metaDelivery(Webhooks.metaMessages(t.phoneNumberId,
                Workspaces.unique("wamid.relay"), phone.substring(1), "Halo dari relay")));

        HttpResponse<String> forged = relay(body, "sha256=" + Webhooks.sign("not-the-secret", body));
        assertEquals(401, forged.statusCode(), forged.body());
        assertTrue(JSON.readTree(forged.body()).toString().contains("X-Relay-Signature"), forged.body());
        HttpResponse<String> unsigned = app.post("/webhooks/relay", "application/json", body);
        assertEquals(401, unsigned.statusCode(), unsigned.body());
        assertEquals(0, leads(t, phone).size(), "nothing stored");

        HttpResponse<String> stored = relay(body, "sha256=" + Webhooks.sign(t.secret, body));
        assertEquals(200, stored.statusCode(), stored.body());
        assertEquals(1, JSON.readTree(stored.body()).get("stored").asInt(), stored.body());
        JsonNode found = leads(t, phone);
        assertEquals(1, found.size(), found.toString());
        assertEquals(phone, found.get(0).get("phone").asText());
        assertEquals("Halo dari relay", found.get(0).at("/lastMessage/text").asText());

        // The provider's retry of the same delivery stores nothing more.
        HttpResponse<String> again = relay(body, "sha256=" + Webhooks.sign(t.secret, body));
        assertEquals(1, JSON.readTree(again.body()).get("duplicates").asInt(), again.body());
    }

    @Test
    void aDeadLetterFromTheRelayIsReplayedOnceItsWorkspaceExists() throws Exception {
        String number = Workspaces.unique("56");
        String wamid = Workspaces.unique("wamid.relay-letter");
        byte[] body = Webhooks.bytes(Webhooks.metaDelivery(Webhooks.metaMessages(number, wamid, "6281234567199", "Nomor baru")));
        HttpResponse<String> kept = relay(body, "sha256=" + Webhooks.sign(LeadlineApp.FALLBACK_SECRET, body));
        assertEquals(200, kept.statusCode(), kept.body());
        assertEquals(1, JSON.readTree(kept.body()).get("deadLettered").asInt(), kept.body());
        long letter = app.queryLong("SELECT id FROM dead_letter WHERE dedup_key = ?", "meta:" + wamid);
        assertEquals("meta", app.queryString("SELECT source FROM dead_letter WHERE id = ?", letter));

        HttpResponse<String> created = app.call("POST", "/api/admin/workspaces", "{\"name\": \"Toko Relay\", \"phoneNumberId\": \""
                + number + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"relay-secret-0123456789\"}",
                LeadlineApp.ADMIN_TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> replayed = app.call("POST", "/api/admin/dead-letters/" + letter + "/replay", null, LeadlineApp.ADMIN_TOKEN);
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals(1, JSON.readTree(replayed.body()).get("stored").asInt(), replayed.body());
        assertEquals(1, app.queryLong("SELECT count(*) FROM message m JOIN workspace w ON w.id = m.workspace_id "
                + "WHERE w.phone_number_id = ? AND m.wamid = ?", number, wamid));
    }

    private static HttpResponse<String> relay(byte[] body, String signature) throws Exception {
        return app.post("/webhooks/relay", "application/json", body, "X-Relay-Signature", signature);
    }

    private static JsonNode leads(Tenant t, String phone) throws Exception {
        HttpResponse<String> list = app.get("/api/leads?q=" + URLEncoder.encode(phone, StandardCharsets.UTF_8), t.token);
        assertEquals(200, list.statusCode(), list.body());
        return JSON.readTree(list.body()).get("items");
    }
}
