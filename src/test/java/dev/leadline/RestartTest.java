package dev.leadline;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/** The embedded database lives and dies with the service, and its data outlives it. */
class RestartTest {

    @Test
    void aRestartLosesNothingAndLeavesNoPostgresRunning() throws Exception {
        assumeFalse(LeadlineApp.externalDatabase(), "exercises the embedded database's lifecycle");
        Path dataDir = LeadlineApp.freshDataDir();
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.restart");

        try (LeadlineApp first = LeadlineApp.start(dataDir, Map.of())) {
            HttpResponse<String> stored = new Webhooks(first, Workspaces.DEMO_SECRET).kapso(
                    Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamid, phone, "sebelum restart", Instant.now().getEpochSecond()));
            assertEquals(200, stored.statusCode(), stored.body());
        }
        // The server is gone with the app: no pid file, no process.
        assertFalse(Files.exists(dataDir.resolve("postmaster.pid")), "postgres still running after the app stopped");

        try (LeadlineApp second = LeadlineApp.start(dataDir, Map.of())) {
            JsonNode leads = JSON.readTree(second.get("/api/leads?q=" + phone.substring(1), Workspaces.DEMO_TOKEN).body());
            assertEquals(1, leads.get("items").size());
            long id = leads.get("items").get(0).get("id").asLong();
            JsonNode messages = JSON.readTree(second.get("/api/leads/" + id + "/messages", Workspaces.DEMO_TOKEN).body());
            assertEquals("sebelum restart", messages.get("items").get(0).get("text").asText());
        }
    }
}
