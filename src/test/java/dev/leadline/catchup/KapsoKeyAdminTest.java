package dev.leadline.catchup;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.admin.KapsoKeys;
import dev.leadline.support.LeadlineApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 13: a workspace's Kapso API key is set and cleared through the admin API, sealed at rest, never answered. */
class KapsoKeyAdminTest {

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

    static long createWorkspace() throws Exception {
        String phoneNumberId = String.valueOf(710_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
        HttpResponse<String> created = app.call("POST", "/api/admin/workspaces", "{\"name\": \"Kunci\", \"phoneNumberId\": \""
                + phoneNumberId + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"a-secret-of-16-chars\"}", ADMIN);
        assertEquals(201, created.statusCode(), created.body());
        assertFalse(JSON.readTree(created.body()).get("kapsoKeySet").asBoolean());
        return JSON.readTree(created.body()).get("id").asLong();
    }

    @Test
    void theKeyIsSealedAtRestAndNeverAnsweredBack() throws Exception {
        long id = createWorkspace();
        String key = "kapso-secret-key-" + System.nanoTime();

        HttpResponse<String> set = app.call("PUT", "/api/admin/workspaces/" + id + "/kapso-key", "{\"apiKey\": \"" + key + "\"}", ADMIN);
        HttpResponse<String> list = app.call("GET", "/api/admin/workspaces", null, ADMIN);
        HttpResponse<String> patched = app.call("PATCH", "/api/admin/workspaces/" + id, "{\"name\": \"Kunci 2\"}", ADMIN);
        String stored = app.queryString("SELECT kapso_api_key_enc FROM workspace WHERE id = ?", id);

        assertEquals(200, set.statusCode(), set.body());
        assertTrue(JSON.readTree(set.body()).get("kapsoKeySet").asBoolean(), set.body());
        assertTrue(JSON.readTree(patched.body()).get("kapsoKeySet").asBoolean(), patched.body());
        JsonNode listed = null;
        for (JsonNode w : JSON.readTree(list.body()).get("items")) {
            if (w.get("id").asLong() == id) {
                listed = w;
            }
        }
        assertTrue(listed != null && listed.get("kapsoKeySet").asBoolean(), list.body());
        for (HttpResponse<String> r : new HttpResponse[] {set, list, patched}) {
            assertFalse(r.body().contains(key), "the key is never answered: " + r.body());
        }
        assertTrue(stored.startsWith("v1:") && !stored.contains(key), "sealed at rest: " + stored);
        KapsoKeys keys = app.context().getRegistry().lookupByNameAndType("kapsoKeys", KapsoKeys.class);
        assertEquals(key, keys.decrypt(stored, id));
        assertThrows(IllegalStateException.class, () -> keys.decrypt(stored, id + 1), "bound to its workspace");

        HttpResponse<String> cleared = app.call("DELETE", "/api/admin/workspaces/" + id + "/kapso-key", null, ADMIN);
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertFalse(JSON.readTree(cleared.body()).get("kapsoKeySet").asBoolean());
        assertEquals(null, app.queryString("SELECT kapso_api_key_enc FROM workspace WHERE id = ?", id));
    }

    @Test
    void badKeyRequestsAreRefused() throws Exception {
        long id = createWorkspace();
        assertEquals(400, app.call("PUT", "/api/admin/workspaces/" + id + "/kapso-key", "{}", ADMIN).statusCode());
        assertEquals(400, app.call("PUT", "/api/admin/workspaces/" + id + "/kapso-key", "{\"apiKey\": \"has space\"}", ADMIN).statusCode());
        assertEquals(400, app.call("PUT", "/api/admin/workspaces/" + id + "/kapso-key", "{\"apiKey\": \"k\", \"x\": 1}", ADMIN).statusCode());
        assertEquals(404, app.call("PUT", "/api/admin/workspaces/999999999/kapso-key", "{\"apiKey\": \"abcdef\"}", ADMIN).statusCode());
        assertEquals(401, app.call("PUT", "/api/admin/workspaces/" + id + "/kapso-key", "{\"apiKey\": \"abcdef\"}", "wrong").statusCode());
        assertEquals(404, app.call("DELETE", "/api/admin/workspaces/999999999/kapso-key", null, ADMIN).statusCode());
    }
}
