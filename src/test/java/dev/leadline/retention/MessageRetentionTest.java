package dev.leadline.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Message retention through the admin API and the real purge: a workspace's messages older than its
 * retentionDays go, batch by batch (three at a time here), while its newer messages, its leads and notes, and
 * other workspaces' messages stay; a lead whose last message went loses its preview; rows another transaction
 * holds are skipped rather than waited for, and go on a later run.
 */
class MessageRetentionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "admin.token", LeadlineApp.ADMIN_TOKEN,
                "summaries.enabled", "false",
                "retention.interval-seconds", "1",
                "retention.first-run-delay-seconds", "1",
                "retention.batch-size", "3"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static long daysAgo(int days) {
        return Instant.now().minus(Duration.ofDays(days)).getEpochSecond();
    }

    private static void say(Tenant tenant, String phone, String text, long epochSeconds) throws Exception {
        HttpResponse<String> r = tenant.webhooks.kapso(Webhooks.RECEIVED, Webhooks.received(tenant.phoneNumberId,
                Workspaces.unique("wamid.ret"), phone, text, epochSeconds).toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
    }

    private static long leadId(Tenant tenant, String phone) throws Exception {
        return Long.parseLong(tenant.one("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", phone));
    }

    private static JsonNode lead(Tenant tenant, long id) throws Exception {
        HttpResponse<String> r = app.get("/api/leads/" + id, tenant.token);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> retention(Tenant tenant, String value) throws Exception {
        return app.call("PATCH", "/api/admin/workspaces/" + tenant.workspaceId, "{\"retentionDays\": " + value + "}",
                LeadlineApp.ADMIN_TOKEN);
    }

    private static void awaitCount(Tenant tenant, long expected, String sql, Object... params) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long seen;
        while ((seen = tenant.count(sql, params)) != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(expected, seen, sql);
    }

    @Test
    void messagesOlderThanTheRetentionGoAndEverythingElseStays() throws Exception {
        Tenant tenant = Tenant.create(app);
        Tenant other = Tenant.create(app);
        String mixed = Workspaces.newPhone();
        String old = Workspaces.newPhone();
        for (int i = 0; i < 5; i++) {
            say(tenant, mixed, "pesan lama " + i, daysAgo(40) + i);
        }
        say(tenant, mixed, "masih ada?", daysAgo(1));
        for (int i = 0; i < 4; i++) {
            say(tenant, old, "dulu " + i, daysAgo(35) + i);
            say(other, old, "workspace lain " + i, daysAgo(35) + i);
        }
        long oldLead = leadId(tenant, old);
        HttpResponse<String> note = app.call("POST", "/api/leads/" + oldLead + "/notes",
                "{\"content\": \"Pernah tanya harga grosir\"}", tenant.token);
        assertEquals(201, note.statusCode(), note.body());
        assertEquals("dulu 3", lead(tenant, oldLead).get("lastMessage").get("text").asText());

        HttpResponse<String> set = retention(tenant, "30");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(30, JSON.readTree(set.body()).get("retentionDays").asInt());
        HttpResponse<String> own = app.get("/api/workspace", tenant.token);
        assertEquals(30, JSON.readTree(own.body()).get("retentionDays").asInt(), own.body());

        awaitCount(tenant, 1, "SELECT count(*) FROM message WHERE workspace_id = ?");
        assertEquals("masih ada?", tenant.one("SELECT text FROM message WHERE workspace_id = ?"));
        assertEquals("masih ada?", lead(tenant, leadId(tenant, mixed)).get("lastMessage").get("text").asText());

        JsonNode emptied = lead(tenant, oldLead);
        assertTrue(emptied.get("lastMessage").isNull(), "no preview outlives its message: " + emptied);
        assertTrue(emptied.get("awaitingReplySince").isNull(), emptied.toString());
        HttpResponse<String> timeline = app.get("/api/leads/" + oldLead + "/timeline", tenant.token);
        assertTrue(timeline.body().contains("Pernah tanya harga grosir"), "notes stay: " + timeline.body());
        assertEquals(4, other.count("SELECT count(*) FROM message WHERE workspace_id = ?"),
                "a workspace without retention keeps everything");
    }

    @Test
    void rowsHeldByAnotherTransactionAreSkippedAndGoOnALaterRun() throws Exception {
        Tenant tenant = Tenant.create(app);
        String phone = Workspaces.newPhone();
        for (int i = 0; i < 7; i++) {
            say(tenant, phone, "lama " + i, daysAgo(10) + i);
        }
        try (Connection holder = app.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT id FROM message WHERE workspace_id = ? ORDER BY sent_at LIMIT 2 FOR UPDATE")) {
                lock.setLong(1, tenant.workspaceId);
                try (ResultSet rows = lock.executeQuery()) {
                    while (rows.next()) {
                        // two oldest rows locked until the rollback below
                    }
                }
            }
            assertEquals(200, retention(tenant, "5").statusCode());
            // The purge deletes the five it can reach without waiting for the two held ones.
            awaitCount(tenant, 2, "SELECT count(*) FROM message WHERE workspace_id = ?");
            holder.rollback();
        }
        awaitCount(tenant, 0, "SELECT count(*) FROM message WHERE workspace_id = ?");
    }

    @Test
    void retentionIsValidatedAndNullTurnsItOff() throws Exception {
        Tenant tenant = Tenant.create(app);
        for (String bad : new String[] {"0", "36501", "\"30\"", "1.5"}) {
            HttpResponse<String> r = retention(tenant, bad);
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
            assertTrue(r.body().contains("retentionDays"), r.body());
        }
        assertEquals(200, retention(tenant, "90").statusCode());
        HttpResponse<String> off = retention(tenant, "null");
        assertEquals(200, off.statusCode(), off.body());
        assertTrue(JSON.readTree(off.body()).get("retentionDays").isNull(), off.body());
        assertTrue(JSON.readTree(app.get("/api/workspace", tenant.token).body()).get("retentionDays").isNull());
    }
}
