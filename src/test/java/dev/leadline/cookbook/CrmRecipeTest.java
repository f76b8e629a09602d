package dev.leadline.cookbook;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubHubSpot;
import dev.leadline.support.StubHubSpot.Record;
import dev.leadline.support.TestPorts;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * docs/cookbook.md, recipe 3, step by step in a working directory: the setting that lets leadline subscribe
 * its own URL, the subscription of the HubSpot example over the API, the example switched on with the
 * subscription's secret, a restart; then a WhatsApp lead becomes a contact of a stub HubSpot.
 */
class CrmRecipeTest {

    @Test
    void aSubscribedHubSpotExampleGetsTheNewLeadAsAContact() throws Exception {
        Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cookbook-crm");
        Path properties = workingDir.resolve("application.properties");
        Path dataDir = LeadlineApp.freshDataDir();
        int port = TestPorts.next();
        try (StubHubSpot hubspot = new StubHubSpot()) {
            // What the recipe does not set: the same port at both starts (the subscription's URL names it),
            // plain http on loopback (no TLS here), the stub's address, and no schedule.
            Map<String, String> test = new HashMap<>(Map.of("http.port", String.valueOf(port), "events.allow-http", "true",
                    "examples.hubspot.base-url", hubspot.serviceProperties().get("examples.hubspot.base-url"),
                    "summaries.enabled", "false"));

            Files.writeString(properties, Cookbook.snippet("crm-subscribe.properties"));
            long workspace;
            String secret;
            try (LeadlineApp app = LeadlineApp.startIn(workingDir, dataDir, test)) {
                workspace = app.queryLong("SELECT id FROM workspace WHERE phone_number_id = ?", Workspaces.DEMO_PHONE_NUMBER_ID);
                HttpResponse<String> subscribed = app.call("POST", "/api/subscriptions", "{\"url\": \"http://127.0.0.1:" + port
                        + "/examples/hubspot/events\", \"types\": [\"lead.*\", \"note.*\"]}", Workspaces.DEMO_TOKEN);
                assertEquals(201, subscribed.statusCode(), subscribed.body());
                secret = JSON.readTree(subscribed.body()).get("secret").asText();
                assertTrue(secret.startsWith("whsec_"), subscribed.body());
            }

            Files.writeString(properties, Cookbook.snippet("crm-hubspot.properties")
                    .replace("whsec_FROM_STEP_2", secret)
                    .replace("YOUR_HUBSPOT_PRIVATE_APP_TOKEN", StubHubSpot.TOKEN), StandardOpenOption.APPEND);
            try (LeadlineApp app = LeadlineApp.startIn(workingDir, dataDir, test)) {
                String phone = Workspaces.newPhone();
                HttpResponse<String> received = new Webhooks(app, Workspaces.DEMO_SECRET).kapso(Webhooks.received(
                        Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.crm"), phone, "Halo, ada promo?",
                        Instant.now().getEpochSecond()));
                assertEquals(1, JSON.readTree(received.body()).get("stored").asInt(), received.body());
                long lead = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", workspace, phone);

                String key = workspace + ":" + lead;
                for (int i = 0; i < 600 && !hubspot.contacts().containsKey(key); i++) {
                    Thread.sleep(100); // the relay's next round, then the example's call to HubSpot
                }
                Record contact = hubspot.contacts().get(key);
                assertNotNull(contact, "no contact " + key + " in HubSpot: " + hubspot.requests());
                assertEquals(phone, contact.properties().get("phone"));
                assertEquals("NEW", contact.properties().get("hs_lead_status"));
                assertEquals(List.of(), hubspot.problems(), "every request followed HubSpot's wire format");
            }
        }
    }
}
