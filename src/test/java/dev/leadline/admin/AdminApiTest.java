package dev.leadline.admin;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Onboarding without SQL: workspaces, tokens, secret rotation, dead letters and their replay. */
class AdminApiTest {

    static final String ADMIN = LeadlineApp.ADMIN_TOKEN;
    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.startWithAdmin();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static HttpResponse<String> admin(String method, String path, String body, String bearer) throws Exception {
        return app.call(method, path, body, bearer);
    }

    static JsonNode createWorkspace(String phoneNumberId, String secret) throws Exception {
        HttpResponse<String> created = admin("POST", "/api/admin/workspaces", "{\"name\": \"Toko Maju\", \"phoneNumberId\": \""
                + phoneNumberId + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Makassar\", \"webhookSecret\": \""
                + secret + "\"}", ADMIN);
        assertEquals(201, created.statusCode(), created.body());
        return JSON.readTree(created.body());
    }

    static String newPhoneNumberId() {
        return String.valueOf(700_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
    }

    @Test
    void aNewWorkspaceWorksEndToEndWithItsTokenAndSecret() throws Exception {
        String phoneNumberId = newPhoneNumberId();
        JsonNode workspace = createWorkspace(phoneNumberId, "a-secret-of-16-chars");
        String token = workspace.get("apiToken").asText();

        HttpResponse<String> stored = new Webhooks(app, "a-secret-of-16-chars").kapso(Webhooks.received(phoneNumberId,
                Workspaces.unique("wamid.admin"), Workspaces.newPhone(), "Halo", Instant.now().getEpochSecond()));
        JsonNode leads = JSON.readTree(app.get("/api/leads", token).body());
        HttpResponse<String> list = admin("GET", "/api/admin/workspaces", null, ADMIN);

        assertTrue(token.startsWith("ll_") && token.length() > 40, token);
        assertEquals("Asia/Makassar", workspace.get("timeZone").asText());
        assertEquals(200, stored.statusCode());
        assertEquals(1, leads.get("items").size());
        assertTrue(list.body().contains(phoneNumberId));
        assertFalse(list.body().contains("a-secret-of-16-chars"), "secrets are never listed");
        assertFalse(list.body().contains(token), "tokens are never listed");
        assertEquals(0, app.queryLong("SELECT count(*) FROM api_token WHERE encode(token_sha256, 'escape') LIKE ?", "%" + token + "%"));
    }

    @Test
    void invalidOrDuplicateWorkspacesAreRefused() throws Exception {
        String phoneNumberId = newPhoneNumberId();
        createWorkspace(phoneNumberId, "0123456789abcdef");
        String valid = "{\"name\": \"X\", \"phoneNumberId\": \"%s\", \"defaultCountry\": \"%s\", \"timeZone\": \"%s\", \"webhookSecret\": \"%s\"}";

        assertEquals(409, admin("POST", "/api/admin/workspaces", String.format(valid, phoneNumberId, "ID", "Asia/Jakarta", "0123456789abcdef"), ADMIN).statusCode());
        assertEquals(400, admin("POST", "/api/admin/workspaces", String.format(valid, newPhoneNumberId(), "XX", "Asia/Jakarta", "0123456789abcdef"), ADMIN).statusCode());
        assertEquals(400, admin("POST", "/api/admin/workspaces", String.format(valid, newPhoneNumberId(), "ID", "Mars/Olympus", "0123456789abcdef"), ADMIN).statusCode());
        assertEquals(400, admin("POST", "/api/admin/workspaces", String.format(valid, newPhoneNumberId(), "ID", "Asia/Jakarta", "short"), ADMIN).statusCode());
        assertEquals(400, admin("POST", "/api/admin/workspaces", String.format(valid, "not-digits", "ID", "Asia/Jakarta", "0123456789abcdef"), ADMIN).statusCode());
        assertEquals(400, admin("POST", "/api/admin/workspaces", "{\"name\": \"X\"}", ADMIN).statusCode());
    }

    @Test
    void rotatingTheSecretAndTheTokens() throws Exception {
        String phoneNumberId = newPhoneNumberId();
        JsonNode workspace = createWorkspace(phoneNumberId, "first-secret-0123");
        long id = workspace.get("id").asLong();
        String firstToken = workspace.get("apiToken").asText();

        HttpResponse<String> rotated = admin("PATCH", "/api/admin/workspaces/" + id,
                "{\"webhookSecret\": \"second-secret-0123\", \"timeZone\": \"Asia/Jayapura\"}", ADMIN);
        ObjectNode event = Webhooks.received(phoneNumberId, Workspaces.unique("wamid.rot"), Workspaces.newPhone(), "hi",
                Instant.now().getEpochSecond());
        int withOld = new Webhooks(app, "first-secret-0123").kapso(event).statusCode();
        int withNew = new Webhooks(app, "second-secret-0123").kapso(event).statusCode();
        HttpResponse<String> second = admin("POST", "/api/admin/workspaces/" + id + "/tokens", null, ADMIN);
        String secondToken = JSON.readTree(second.body()).get("apiToken").asText();
        int firstStillWorks = app.get("/api/leads", firstToken).statusCode();
        HttpResponse<String> third = admin("POST", "/api/admin/workspaces/" + id + "/tokens", "{\"revokeExisting\": true}", ADMIN);
        String thirdToken = JSON.readTree(third.body()).get("apiToken").asText();

        assertEquals(200, rotated.statusCode(), rotated.body());
        assertEquals("Asia/Jayapura", JSON.readTree(rotated.body()).get("timeZone").asText());
        assertEquals(401, withOld);
        assertEquals(200, withNew);
        assertEquals(201, second.statusCode());
        assertEquals(200, firstStillWorks);
        assertEquals(2, JSON.readTree(third.body()).get("revoked").asInt());
        assertEquals(401, app.get("/api/leads", firstToken).statusCode());
        assertEquals(401, app.get("/api/leads", secondToken).statusCode());
        assertEquals(200, app.get("/api/leads", thirdToken).statusCode());
        assertEquals(404, admin("PATCH", "/api/admin/workspaces/999999", "{\"name\": \"x\"}", ADMIN).statusCode());
        assertEquals(404, admin("POST", "/api/admin/workspaces/999999/tokens", null, ADMIN).statusCode());
        assertEquals(400, admin("PATCH", "/api/admin/workspaces/" + id, "{}", ADMIN).statusCode());

        // the inbox's reply target and the page's locale
        HttpResponse<String> inbox = admin("PATCH", "/api/admin/workspaces/" + id,
                "{\"replyTargetMinutes\": 15, \"locale\": \"en-GB\"}", ADMIN);
        assertEquals(200, inbox.statusCode(), inbox.body());
        JsonNode own = JSON.readTree(app.get("/api/workspace", thirdToken).body());
        assertEquals(15, own.get("replyTargetMinutes").asInt());
        assertEquals("en-GB", own.get("locale").asText());
        for (String bad : List.of("{\"replyTargetMinutes\": 0}", "{\"replyTargetMinutes\": 10081}",
                "{\"replyTargetMinutes\": \"15\"}", "{\"locale\": \"not a locale\"}", "{\"locale\": \"x\"}")) {
            HttpResponse<String> refused = admin("PATCH", "/api/admin/workspaces/" + id, bad, ADMIN);
            assertEquals(400, refused.statusCode(), bad + ": " + refused.body());
        }
    }

    @Test
    void aDeadLetterIsReplayedOnceItsWorkspaceExistsAndASecondReplayChangesNothing() throws Exception {
        String phoneNumberId = newPhoneNumberId();
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.replay");
        ObjectNode event = Webhooks.received(phoneNumberId, wamid, phone, "Sebelum workspace ada", Instant.now().getEpochSecond());
        JsonNode kept = JSON.readTree(new Webhooks(app, LeadlineApp.FALLBACK_SECRET).kapso(event).body());
        long deadLetterId = app.queryLong("SELECT id FROM dead_letter WHERE dedup_key = ?", "kapso:" + wamid);

        JsonNode tooEarly = JSON.readTree(admin("POST", "/api/admin/dead-letters/" + deadLetterId + "/replay", null, ADMIN).body());
        createWorkspace(phoneNumberId, "0123456789abcdef");
        HttpResponse<String> replayed = admin("POST", "/api/admin/dead-letters/" + deadLetterId + "/replay", null, ADMIN);
        JsonNode again = JSON.readTree(admin("POST", "/api/admin/dead-letters/" + deadLetterId + "/replay", null, ADMIN).body());
        JsonNode listed = JSON.readTree(admin("GET", "/api/admin/dead-letters?limit=200", null, ADMIN).body());

        assertEquals(1, kept.get("deadLettered").asInt());
        assertEquals(1, tooEarly.get("deadLettered").asInt(), "still no workspace: still a dead letter");
        assertEquals(1, app.queryLong("SELECT count(*) FROM dead_letter WHERE dedup_key = ?", "kapso:" + wamid));
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals(1, JSON.readTree(replayed.body()).get("stored").asInt());
        assertEquals(1, again.get("duplicates").asInt());
        assertEquals(0, again.get("stored").asInt());
        assertEquals(1, app.queryLong("SELECT count(*) FROM message WHERE wamid = ?", wamid));
        assertEquals(1, app.queryLong("SELECT count(*) FROM lead WHERE phone = ?", phone));
        assertEquals("Sebelum workspace ada", app.queryString("SELECT text FROM message WHERE wamid = ?", wamid));
        boolean found = false;
        for (JsonNode d : listed.get("items")) {
            if (d.get("id").asLong() == deadLetterId) {
                found = true;
                assertFalse(d.get("replayedAt").isNull());
                assertTrue(d.get("reason").asText().startsWith("unknown phone_number_id"));
            }
        }
        assertTrue(found);
        assertEquals(404, admin("POST", "/api/admin/dead-letters/999999/replay", null, ADMIN).statusCode());
    }

    @Test
    void onlyTheAdminTokenOpensTheAdminApi() throws Exception {
        JsonNode workspace = createWorkspace(newPhoneNumberId(), "0123456789abcdef");
        for (String bearer : new String[] {null, "wrong", workspace.get("apiToken").asText(), Workspaces.DEMO_TOKEN}) {
            HttpResponse<String> response = admin("GET", "/api/admin/workspaces", null, bearer);
            assertEquals(401, response.statusCode(), String.valueOf(bearer));
            assertEquals("unauthorized", JSON.readTree(response.body()).get("error").asText());
        }
    }

    @Test
    void withoutAnAdminTokenConfiguredTheAdminApiIsOff() throws Exception {
        LeadlineApp withoutAdmin = LeadlineApp.shared();
        HttpResponse<String> response = withoutAdmin.get("/api/admin/workspaces", "anything");
        assertEquals(404, response.statusCode());
        assertTrue(JSON.readTree(response.body()).get("detail").asText().contains("admin.token"));
    }
}
