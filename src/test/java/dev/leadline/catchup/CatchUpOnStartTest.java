package dev.leadline.catchup;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubKapso;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * The gap test: the service is stopped, messages are "sent" while it is down (Kapso keeps them,
 * one is also delivered late by webhook), the service starts: the start-up catch-up stores every gap
 * message exactly once.
 */
class CatchUpOnStartTest {

    @Test
    void everyMessageOfTheDowntimeIsStoredOnceAfterTheRestart() throws Exception {
        Path data = LeadlineApp.freshDataDir();
        String phoneNumberId = String.valueOf(730_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
        String key = "kapso-key-start-" + System.nanoTime();
        String phone = Workspaces.newPhone();
        try (StubKapso kapso = new StubKapso()) {
            kapso.key(phoneNumberId, key);
            Map<String, String> settings = Map.of("admin.token", LeadlineApp.ADMIN_TOKEN, "summaries.enabled", "false",
                    "kapso.api-base-url", kapso.baseUrl(), "catchup.on-start-delay-ms", "0", "catchup.page-size", "4",
                    "catchup.scheduled", "false");
            long workspaceId;
            Instant before = Instant.now().minus(20, ChronoUnit.MINUTES);
            String beforeWamid = Workspaces.unique("wamid.before");
            try (LeadlineApp first = LeadlineApp.start(data, settings)) {
                HttpResponse<String> created = first.call("POST", "/api/admin/workspaces", "{\"name\": \"Gap\", \"phoneNumberId\": \""
                        + phoneNumberId + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"a-secret-of-16-chars\"}",
                        LeadlineApp.ADMIN_TOKEN);
                workspaceId = JSON.readTree(created.body()).get("id").asLong();
                assertEquals(200, first.call("PUT", "/api/admin/workspaces/" + workspaceId + "/kapso-key", "{\"apiKey\": \"" + key + "\"}",
                        LeadlineApp.ADMIN_TOKEN).statusCode());
                assertEquals(200, new Webhooks(first, "a-secret-of-16-chars").kapso(Webhooks.received(phoneNumberId, beforeWamid, phone,
                        "sebelum", before.getEpochSecond())).statusCode());
                kapso.add(phoneNumberId, StubKapso.inbound(beforeWamid, phone.substring(1), "conv-" + phone, "Siti", "sebelum", before.getEpochSecond()));
            }
            // Down: ten messages Kapso could not deliver.
            List<String> gap = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String wamid = Workspaces.unique("wamid.down");
                gap.add(wamid);
                kapso.add(phoneNumberId, StubKapso.inbound(wamid, phone.substring(1), "conv-" + phone, "Siti", "saat mati " + i,
                        before.getEpochSecond() + 60 + i * 30L));
            }
            try (LeadlineApp second = LeadlineApp.start(data, settings)) {
                Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
                while (Instant.now().isBefore(deadline)
                        && second.queryLong("SELECT count(*) FROM catchup_run WHERE workspace_id = ? AND status <> 'running'", workspaceId) == 0) {
                    Thread.sleep(100);
                }
                // Kapso's late webhook of one gap message, after the catch-up stored it.
                HttpResponse<String> late = new Webhooks(second, "a-secret-of-16-chars").kapso(Webhooks.received(phoneNumberId, gap.get(3),
                        phone, "saat mati 3", before.getEpochSecond() + 60 + 3 * 30L));

                assertEquals("start-up|done|11|10|1", second.queryString("SELECT trigger || '|' || status || '|' || seen || '|' || stored || '|' || duplicates"
                        + " FROM catchup_run WHERE workspace_id = ?", workspaceId));
                assertEquals(1, JSON.readTree(late.body()).get("duplicates").asInt(), late.body());
                assertEquals(11, second.queryLong("SELECT count(*) FROM message WHERE workspace_id = ?", workspaceId));
                assertEquals(11, second.queryLong("SELECT count(DISTINCT wamid) FROM message WHERE workspace_id = ?", workspaceId));
                assertEquals(10, second.queryLong("SELECT count(*) FROM message WHERE workspace_id = ? AND source = 'catch-up'", workspaceId));
                assertEquals(1, second.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", workspaceId));
            }
        }
    }
}
