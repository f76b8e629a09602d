package dev.leadline.catchup;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.admin.KapsoKeys;
import dev.leadline.support.LeadlineApp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A workspace's Kapso API key is set and cleared through the admin API, sealed at rest under
 * catchup.key-encryption-key with that key's id beside it, never answered; the published demo key is refused
 * with an external database; a rotated key re-seals every stored key through the admin API.
 */
class KapsoKeyAdminTest {

    static final String ADMIN = LeadlineApp.ADMIN_TOKEN;
    static final String OLD_KEY = "old-key-encryption-key-of-the-operator";
    static final String NEW_KEY = "new-key-encryption-key-of-the-operator";
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
        // Which key sealed it, beside it: a fingerprint, never the key encryption key itself.
        String keyId = app.queryString("SELECT kapso_api_key_id FROM workspace WHERE id = ?", id);
        assertEquals(keys.keyId(), keyId);
        assertTrue(keyId.matches("[0-9a-f]{12}"), keyId);
        assertFalse(KapsoKeys.DEMO_KEY.contains(keyId));
        assertThrows(IllegalStateException.class, () -> keys.decrypt(stored, id + 1), "bound to its workspace");

        HttpResponse<String> cleared = app.call("DELETE", "/api/admin/workspaces/" + id + "/kapso-key", null, ADMIN);
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertFalse(JSON.readTree(cleared.body()).get("kapsoKeySet").asBoolean());
        assertEquals(null, app.queryString("SELECT kapso_api_key_enc FROM workspace WHERE id = ?", id));
        assertEquals(null, app.queryString("SELECT kapso_api_key_id FROM workspace WHERE id = ?", id));
    }

    @Test
    void thePublishedDemoKeyStopsTheStartWithAnExternalDatabase() throws Exception {
        // The constant the check compares with is the default application.properties ships.
        Properties shipped = new Properties();
        try (var in = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(in);
        }
        assertEquals(KapsoKeys.DEMO_KEY, shipped.getProperty("catchup.key-encryption-key").strip());
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().setDataDirectory(LeadlineApp.freshDataDir())
                .setCleanDataDirectory(true).start()) {
            Map<String, String> onExternal = Map.of("db.url", external.getJdbcUrl("postgres", "postgres"), "db.user", "postgres",
                    "db.password", "", "summaries.enabled", "false", "catchup.scheduled", "false", "catchup.on-start", "false");

            Exception refused = assertThrows(Exception.class, () -> LeadlineApp.start(LeadlineApp.freshDataDir(),
                    LeadlineApp.settings(onExternal, Map.of("catchup.key-encryption-key", KapsoKeys.DEMO_KEY))).close());
            Throwable cause = refused;
            while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
                cause = cause.getCause();
            }
            assertTrue(cause.getMessage().contains("catchup.key-encryption-key") && cause.getMessage().contains("demo"),
                    String.valueOf(cause));

            // The same database with a key of the operator's: the service starts.
            try (LeadlineApp own = LeadlineApp.start(LeadlineApp.freshDataDir(),
                    LeadlineApp.settings(onExternal, Map.of("catchup.key-encryption-key", NEW_KEY)))) {
                assertEquals(200, own.get("/api/openapi.json", null).statusCode());
            }
        }
    }

    @Test
    void reEncryptionMovesEveryKeyUnderTheNewKeyEncryptionKeyOnly() throws Exception {
        KapsoKeys oldKeys = new KapsoKeys(OLD_KEY);
        KapsoKeys newKeys = new KapsoKeys(NEW_KEY);
        KapsoKeys otherKeys = new KapsoKeys("a-key-encryption-key-nobody-configured");
        try (LeadlineApp rotated = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of("admin.token", ADMIN,
                "summaries.enabled", "false", "catchup.scheduled", "false", "catchup.on-start", "false",
                "catchup.key-encryption-key", NEW_KEY, "catchup.previous-key-encryption-key", OLD_KEY))) {
            LeadlineApp before = app;
            app = rotated;
            try {
                long underOld = createWorkspace();
                long underOldNoId = createWorkspace();
                long underNew = createWorkspace();
                long underOther = createWorkspace();
                seal(oldKeys, underOld, "kapso-key-one", true);
                // sealed before key ids were recorded
                seal(oldKeys, underOldNoId, "kapso-key-two", false);
                assertEquals(200, app.call("PUT", "/api/admin/workspaces/" + underNew + "/kapso-key",
                        "{\"apiKey\": \"kapso-key-three\"}", ADMIN).statusCode());
                seal(otherKeys, underOther, "kapso-key-four", true);
                String otherStored = stored(underOther);
                KapsoKeys service = app.context().getRegistry().lookupByNameAndType("kapsoKeys", KapsoKeys.class);
                // Until the re-encryption the service still reads what the previous key sealed.
                assertEquals("kapso-key-one", service.decrypt(stored(underOld), underOld));

                assertEquals(401, app.call("POST", "/api/admin/kapso-keys/re-encrypt", null, "wrong").statusCode());
                HttpResponse<String> response = app.call("POST", "/api/admin/kapso-keys/re-encrypt", null, ADMIN);

                assertEquals(200, response.statusCode(), response.body());
                JsonNode answer = JSON.readTree(response.body());
                assertEquals(newKeys.keyId(), answer.get("keyId").asText(), response.body());
                assertEquals(2, answer.get("reEncrypted").asInt(), response.body());
                assertEquals(1, answer.get("unchanged").asInt(), response.body());
                assertEquals(1, answer.get("unreadable").size(), response.body());
                assertEquals(underOther, answer.get("unreadable").get(0).asLong(), response.body());
                assertFalse(response.body().contains("kapso-key-"), "no key is answered: " + response.body());
                for (long id : new long[] {underOld, underOldNoId, underNew}) {
                    assertEquals(newKeys.keyId(), app.queryString("SELECT kapso_api_key_id FROM workspace WHERE id = ?", id));
                    long workspace = id;
                    assertThrows(IllegalStateException.class, () -> oldKeys.decrypt(stored(workspace), workspace),
                            "the old key no longer opens workspace " + id + "'s key");
                }
                assertEquals("kapso-key-one", newKeys.decrypt(stored(underOld), underOld));
                assertEquals("kapso-key-two", newKeys.decrypt(stored(underOldNoId), underOldNoId));
                assertEquals("kapso-key-three", newKeys.decrypt(stored(underNew), underNew));
                // What neither key opens is left as it was, for the operator to set again.
                assertEquals(otherStored, stored(underOther));
                assertEquals(otherKeys.keyId(), app.queryString("SELECT kapso_api_key_id FROM workspace WHERE id = ?", underOther));

                JsonNode again = JSON.readTree(app.call("POST", "/api/admin/kapso-keys/re-encrypt", null, ADMIN).body());
                assertEquals(0, again.get("reEncrypted").asInt(), again.toString());
                assertEquals(3, again.get("unchanged").asInt(), again.toString());
            } finally {
                app = before;
            }
        }
    }

    /** A key sealed as another service (or an older version, without its key id) stored it. */
    static void seal(KapsoKeys keys, long workspaceId, String apiKey, boolean withKeyId) throws Exception {
        Map<String, Object> sealed = keys.set(Map.of("apiKey", apiKey), workspaceId);
        app.queryLong("UPDATE workspace SET kapso_api_key_enc = ?, kapso_api_key_id = ? WHERE id = ? RETURNING id",
                sealed.get("kapsoKeyEnc"), withKeyId ? sealed.get("kapsoKeyId") : null, workspaceId);
    }

    static String stored(long workspaceId) throws Exception {
        return app.queryString("SELECT kapso_api_key_enc FROM workspace WHERE id = ?", workspaceId);
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
