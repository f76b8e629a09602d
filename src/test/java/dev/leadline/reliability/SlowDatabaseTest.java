package dev.leadline.reliability;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * A slow database: another transaction holds the rows of a workspace's leads for seconds. The webhooks
 * that must update those rows are answered 503 within Kapso's patience (3 s here; Kapso gives 10), the
 * dashboard's reads stay fast meanwhile, and after the lock is gone the retries store every message once.
 */
class SlowDatabaseTest {

    static final int WEBHOOKS = 60;
    static final long WEBHOOK_BOUND_MS = 3000;
    static final long READ_BOUND_MS = 1500;
    static final long LOCK_HELD_MS = 8000;

    record Answer(int status, String body, long millis) {
    }

    @Test
    void webhooksBlockedByARowLockAreAnswered503QuicklyAndTheApiStaysResponsive() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        Tenant tenant = Tenant.create(app);
        String phoneNumberId = tenant.phoneNumberId;
        String token = tenant.token;
        long workspaceId = tenant.workspaceId;
        Webhooks webhooks = tenant.webhooks;
        long now = Instant.now().getEpochSecond() - 60;
        List<String> phones = List.of(Workspaces.newPhone(), Workspaces.newPhone(), Workspaces.newPhone());
        for (String phone : phones) {
            assertEquals(200, webhooks.kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.slowdb.seed"),
                    phone, "halo", now)).statusCode());
        }
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            bodies.add(Webhooks.received(phoneNumberId, "wamid.slowdb." + workspaceId + "." + i, phones.get(i % phones.size()),
                    "pesan " + i, now + 1 + i).toString().getBytes(StandardCharsets.UTF_8));
        }

        ExecutorService senders = Executors.newFixedThreadPool(WEBHOOKS);
        List<Future<Answer>> answers = new ArrayList<>();
        List<Answer> reads = new ArrayList<>();
        long lockedFor;
        // A row lock like an UPDATE in an open transaction takes: every intake write of these leads waits
        // for it, while plain reads of them do not.
        try (Connection locker = app.dataSource().getConnection()) {
            locker.setAutoCommit(false);
            try (PreparedStatement lock = locker.prepareStatement("SELECT id FROM lead WHERE workspace_id = ? FOR UPDATE")) {
                lock.setLong(1, workspaceId);
                try (ResultSet rs = lock.executeQuery()) {
                    int locked = 0;
                    while (rs.next()) {
                        locked++;
                    }
                    assertEquals(phones.size(), locked);
                }
            }
            long lockedAt = System.nanoTime();
            CountDownLatch go = new CountDownLatch(1);
            for (byte[] body : bodies) {
                answers.add(senders.submit(() -> {
                    go.await();
                    long start = System.nanoTime();
                    HttpResponse<String> response = webhooks.kapso(Webhooks.RECEIVED, body);
                    return new Answer(response.statusCode(), response.body(), (System.nanoTime() - start) / 1_000_000);
                }));
            }
            go.countDown();
            // The dashboard reads the lead list all along, the webhooks' busiest first second included.
            while ((System.nanoTime() - lockedAt) / 1_000_000 < LOCK_HELD_MS) {
                long start = System.nanoTime();
                HttpResponse<String> response = app.get("/api/leads", token);
                reads.add(new Answer(response.statusCode(), response.body(), (System.nanoTime() - start) / 1_000_000));
                Thread.sleep(reads.size() < 10 ? 100 : 500);
            }
            for (Future<Answer> answer : answers) {
                answer.get(60, TimeUnit.SECONDS);
            }
            lockedFor = (System.nanoTime() - lockedAt) / 1_000_000;
            locker.rollback();
        } finally {
            senders.shutdown();
        }

        long slowestWebhook = 0;
        for (Future<Answer> future : answers) {
            Answer answer = future.get();
            slowestWebhook = Math.max(slowestWebhook, answer.millis());
            assertEquals(503, answer.status(), answer.body());
            JsonNode error = JSON.readTree(answer.body());
            assertEquals("unavailable", error.get("error").asText(), answer.body());
        }
        long slowestRead = 0;
        for (Answer read : reads) {
            slowestRead = Math.max(slowestRead, read.millis());
            assertEquals(200, read.status(), read.body());
            assertEquals(phones.size(), JSON.readTree(read.body()).get("items").size());
        }
        System.out.printf("SlowDatabaseTest: lock held %d ms; %d webhooks all 503, slowest %d ms; %d reads of "
                + "/api/leads all 200, slowest %d ms%n", lockedFor, WEBHOOKS, slowestWebhook, reads.size(), slowestRead);
        assertTrue(slowestWebhook < WEBHOOK_BOUND_MS, "slowest webhook answered after " + slowestWebhook + " ms");
        assertTrue(slowestRead < READ_BOUND_MS, "slowest read answered after " + slowestRead + " ms");

        // The lock is gone: Kapso's retries store every message, once.
        for (byte[] body : bodies) {
            assertEquals(200, FaultSuiteTest.deliverLikeKapso(webhooks, body, 5, Duration.ofMillis(200)));
        }
        for (byte[] body : bodies) {
            assertEquals(200, webhooks.kapso(Webhooks.RECEIVED, body).statusCode(), "a re-sent delivery");
        }
        assertEquals(phones.size(), app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ?", workspaceId));
        assertEquals(phones.size() + WEBHOOKS, app.queryLong("SELECT count(*) FROM message WHERE workspace_id = ?", workspaceId));
    }
}
