package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/** GET /api/workspace: the token's own workspace, with its time zone, and no secret. */
class WorkspaceApiTest {

    @Test
    void theTokenAnswersItsOwnWorkspaceWithoutSecrets() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        Tenant tenant = Tenant.create(app);
        String phoneNumberId = tenant.phoneNumberId;
        String secret = tenant.secret;
        String token = tenant.token;
        long id = tenant.workspaceId;
        app.queryLong("UPDATE workspace SET time_zone = 'America/Sao_Paulo', default_country = 'BR' WHERE id = ? RETURNING id", id);

        HttpResponse<String> answer = app.get("/api/workspace", token);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(null));
        JsonNode workspace = JSON.readTree(answer.body());
        List<String> fields = new ArrayList<>();
        workspace.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("id", "name", "phoneNumberId", "timeZone", "defaultCountry", "replyTargetMinutes", "locale",
                "retentionDays"), fields);
        assertEquals(id, workspace.get("id").asLong());
        assertEquals("Test " + phoneNumberId, workspace.get("name").asText());
        assertEquals(phoneNumberId, workspace.get("phoneNumberId").asText());
        assertEquals("America/Sao_Paulo", workspace.get("timeZone").asText());
        assertEquals("BR", workspace.get("defaultCountry").asText());
        assertEquals(60, workspace.get("replyTargetMinutes").asInt());
        // no locale set: the usual one of the country
        assertEquals("pt-BR", workspace.get("locale").asText());
        assertFalse(answer.body().contains(secret) || answer.body().contains(token), answer.body());

        // another token, another workspace: the demo one
        JsonNode demo = JSON.readTree(app.get("/api/workspace", Workspaces.DEMO_TOKEN).body());
        assertEquals(Workspaces.DEMO_PHONE_NUMBER_ID, demo.get("phoneNumberId").asText());
        assertEquals("Asia/Jakarta", demo.get("timeZone").asText());
        assertEquals("id-ID", demo.get("locale").asText());
        HttpResponse<String> head = app.call("HEAD", "/api/workspace", null, token);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void noTokenOrAWrongOneIs401() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        for (String token : new String[] {null, "not-a-token", ""}) {
            HttpResponse<String> answer = app.get("/api/workspace", token);
            assertEquals(401, answer.statusCode(), answer.body());
            JsonNode error = JSON.readTree(answer.body());
            assertEquals("unauthorized", error.path("error").asText(), answer.body());
            assertFalse(error.path("detail").asText().isBlank());
        }
    }
}
