package dev.leadline.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.PostgresProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /observe/health on the management port: readiness follows PostgreSQL (DOWN while it is stopped, UP
 * again once it is back, with no restart), liveness stays UP throughout, and no body carries a JDBC URL,
 * a secret or a stack trace, even when the full exposure level and stack traces are asked for.
 */
class HealthTest {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final List<String> LEAKS = List.of("jdbc:", "password", "Exception", "postgres:", "at org.", "at java.", "demo-secret");

    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        assumeFalse(LeadlineApp.externalDatabase(), "stops the embedded PostgreSQL server");
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of("summaries.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static HttpResponse<String> health(String path) throws Exception {
        String port = app.context().resolvePropertyPlaceholders("{{management.port}}");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        for (String leak : LEAKS) {
            assertFalse(response.body().contains(leak), path + " shows '" + leak + "': " + response.body());
        }
        return response;
    }

    static void assertLive() throws Exception {
        HttpResponse<String> live = health("/observe/health/live");
        assertEquals(200, live.statusCode(), live.body());
        assertTrue(live.body().contains("\"UP\""), live.body());
    }

    /** Polls readiness until it answers the status, checking liveness and every body on the way. */
    static HttpResponse<String> awaitReadiness(int status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpResponse<String> ready;
        do {
            ready = health("/observe/health/ready");
            health("/observe/health?exposureLevel=full&stackTrace=true&data=true");
            assertLive();
            if (ready.statusCode() == status) {
                return ready;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("readiness did not answer " + status + " within " + within + ": " + ready.body());
    }

    @Test
    void readinessFollowsTheDatabaseAndLivenessStaysUp() throws Exception {
        HttpResponse<String> up = awaitReadiness(200, Duration.ofSeconds(20));
        assertTrue(up.body().contains("\"UP\""), up.body());
        HttpResponse<String> full = health("/observe/health?exposureLevel=full");
        assertTrue(full.body().contains("\"database\""), "the database check is listed: " + full.body());

        PostgresProcess.stop(app.dataDir());
        try {
            long stopped = System.nanoTime();
            HttpResponse<String> down = awaitReadiness(503, Duration.ofSeconds(15));
            System.out.printf("readiness DOWN %d ms after PostgreSQL stopped%n", (System.nanoTime() - stopped) / 1_000_000);
            assertTrue(down.body().contains("\"DOWN\"") && down.body().contains("\"database\""), down.body());
            HttpResponse<String> detailed = health("/observe/health?exposureLevel=full&stackTrace=true&data=true");
            assertEquals(503, detailed.statusCode(), detailed.body());
            assertTrue(detailed.body().contains("the database"), "says why, without details: " + detailed.body());
            for (int i = 0; i < 5; i++) {
                assertLive();
                assertEquals(503, health("/observe/health/ready").statusCode());
            }
        } finally {
            PostgresProcess.start(app.dataDir());
        }
        long restarted = System.nanoTime();
        HttpResponse<String> back = awaitReadiness(200, Duration.ofSeconds(30));
        System.out.printf("readiness UP %d ms after PostgreSQL was back%n", (System.nanoTime() - restarted) / 1_000_000);
        assertTrue(back.body().contains("\"UP\""), back.body());
        assertLive();
    }
}
