package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /api/leads/{id}/timeline: newest first, cursor pages, kind and local date filters, isolation. */
class TimelineApiTest {

    static LeadlineApp app;
    static String token;
    static long lead;
    /** Notes 0..8 at 2025-11-20T00:00Z + i * 8 hours, kinds cycling summary, manual, status change. */
    static final String[] KINDS = {"daily_summary", "manual", "status_change"};
    static final OffsetDateTime START = OffsetDateTime.of(2025, 11, 20, 0, 0, 0, 0, ZoneOffset.UTC);

    @BeforeAll
    static void seed() throws Exception {
        app = LeadlineApp.shared();
        String phoneNumberId = Workspaces.unique("pnid-tl-");
        token = Workspaces.unique("token-tl-");
        String secret = Workspaces.unique("secret-");
        long workspace = Workspaces.create(app, phoneNumberId, secret, token);
        String phone = Workspaces.newPhone();
        new Webhooks(app, secret).kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.tl"), phone, "hi",
                Instant.now().getEpochSecond()));
        lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
        try (Connection c = app.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO note (workspace_id, lead_id, kind, content, added_by, "
                     + "added_at, day, generator) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < 9; i++) {
                String kind = KINDS[i % 3];
                boolean summary = kind.equals("daily_summary");
                ps.setLong(1, workspace);
                ps.setLong(2, lead);
                ps.setString(3, kind);
                ps.setString(4, "note " + i);
                ps.setString(5, summary ? "system-daily-summary" : "agent@example.com");
                ps.setObject(6, START.plusHours(8L * i));
                ps.setObject(7, summary ? START.plusHours(8L * i).toLocalDate().minusDays(1) : null);
                ps.setString(8, summary ? "offline" : null);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static JsonNode timeline(String query, int status) throws Exception {
        HttpResponse<String> response = app.get("/api/leads/" + lead + "/timeline" + query, token);
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    static List<String> contents(JsonNode page) {
        List<String> contents = new ArrayList<>();
        page.get("items").forEach(n -> contents.add(n.get("content").asText()));
        return contents;
    }

    @Test
    void notesComeNewestFirstInCursorPages() throws Exception {
        List<String> all = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = timeline("?limit=4" + (cursor.isEmpty() ? "" : "&cursor=" + cursor), 200);
            all.addAll(contents(page));
            cursor = page.get("nextCursor").isNull() ? "" : page.get("nextCursor").asText();
            pages++;
        } while (!cursor.isEmpty());

        assertEquals(List.of("note 8", "note 7", "note 6", "note 5", "note 4", "note 3", "note 2", "note 1", "note 0"), all);
        assertEquals(3, pages);
    }

    @Test
    void eachItemCarriesWhatThePanelShows() throws Exception {
        JsonNode summary = timeline("?kind=daily_summary&limit=1", 200).get("items").get(0);
        assertEquals("note 6", summary.get("content").asText());
        assertEquals("system-daily-summary", summary.get("addedBy").asText());
        assertEquals("daily_summary", summary.get("kind").asText());
        assertEquals("2025-11-21", summary.get("day").asText());
        assertEquals("offline", summary.get("generator").asText());
        assertEquals("2025-11-22T00:00:00.000+00:00", summary.get("addedAt").asText());
    }

    @Test
    void kindAndLocalDateFiltersNarrowTheTimeline() throws Exception {
        assertEquals(List.of("note 7", "note 4", "note 1"), contents(timeline("?kind=manual", 200)));
        // Local days in Asia/Jakarta (UTC+7): 2025-11-21 runs from 2025-11-20T17:00Z to 2025-11-21T17:00Z.
        // A daily summary is filtered by the day it covers, not when it was written (note 3 covers 2025-11-20,
        // note 6 covers 2025-11-21), other notes by the local date they were added.
        assertEquals(List.of("note 6", "note 5", "note 4"), contents(timeline("?from=2025-11-21&to=2025-11-21", 200)));
        assertEquals(List.of("note 3", "note 2", "note 1", "note 0"), contents(timeline("?to=2025-11-20", 200)));
    }

    @Test
    void badParametersAre400AndOtherWorkspacesGet404() throws Exception {
        for (String query : List.of("?kind=email", "?from=yesterday", "?from=2025-11-22&to=2025-11-21", "?limit=0",
                "?cursor=bm90LWEtY3Vyc29y")) {
            assertEquals("bad_request", timeline(query, 400).get("error").asText(), query);
        }
        HttpResponse<String> foreign = app.get("/api/leads/" + lead + "/timeline", Workspaces.DEMO_TOKEN);
        assertEquals(404, foreign.statusCode());
        assertTrue(foreign.body().contains("not_found"));
        assertEquals(401, app.get("/api/leads/" + lead + "/timeline", null).statusCode());
    }
}
