package dev.leadline.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Prometheus;
import dev.leadline.support.StubLlm;
import dev.leadline.support.StubLlm.Fault;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /observe/metrics on the management port: Prometheus text with Camel's and the JVM's figures, the
 * HikariCP pools, and leadline's own, each checked against what the test made happen (a fresh service,
 * so every count is exact).
 */
class MetricsTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    static final LocalDate DAY = LocalDate.now(JAKARTA).minusDays(1);
    static final String KAPSO = "kapso-webhook-intake";

    static StubLlm llm;
    static LeadlineApp app;
    static Webhooks webhooks;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        llm = new StubLlm();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(), Map.of(
                "summaries.enabled", "false",
                "webhook.fallback-secret", LeadlineApp.FALLBACK_SECRET,
                "observe.intake-age-refresh-seconds", "1",
                "inbox.metrics-refresh-seconds", "1",
                "llm.timeout-ms", "500",
                "llm.max-retries", "2",
                "llm.retry-delay-ms", "20",
                "llm.max-retry-delay-ms", "50")));
        webhooks = new Webhooks(app, Workspaces.DEMO_SECRET);
    }

    @AfterAll
    static void stop() {
        app.close();
        llm.close();
    }

    static HttpResponse<String> management(String path) throws Exception {
        String port = app.context().resolvePropertyPlaceholders("{{management.port}}");
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Prometheus scrape() throws Exception {
        HttpResponse<String> response = management("/observe/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                response.headers().toString());
        // leadline's own figures in the test's output, for a failure's reader
        response.body().lines().filter(l -> l.startsWith("leadline_") && !l.contains("_bucket")).forEach(System.out::println);
        return new Prometheus(response.body());
    }

    static double delta(Prometheus before, Prometheus after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    static ObjectNode message(String phone, String wamid) {
        long at = DAY.atTime(LocalTime.of(10, 0)).atZone(JAKARTA).toEpochSecond();
        return Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamid, phone, "Halo, berapa harganya?", at);
    }

    @Test
    void webhookDeliveriesAndMessagesByOutcome() throws Exception {
        Prometheus before = scrape();
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.metrics");
        assertEquals(200, webhooks.kapso(message(phone, wamid)).statusCode());
        assertEquals(200, webhooks.kapso(message(phone, wamid)).statusCode()); // a retry: duplicate
        // an unknown business number, verified by the fallback secret: dead-lettered
        ObjectNode unknown = Webhooks.received("999000999000", Workspaces.unique("wamid.metrics"), phone, "hi", 1766999304);
        byte[] body = unknown.toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(200, app.post("/webhooks/kapso", "application/json", body, "X-Webhook-Event", Webhooks.RECEIVED,
                "X-Webhook-Signature", Webhooks.sign(LeadlineApp.FALLBACK_SECRET, body)).statusCode());
        // refused: a bad signature (401), and a body that is not JSON (400)
        byte[] signedWrong = message(phone, Workspaces.unique("wamid.metrics")).toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(401, app.post("/webhooks/kapso", "application/json", signedWrong, "X-Webhook-Event", Webhooks.RECEIVED,
                "X-Webhook-Signature", Webhooks.sign("wrong-secret", signedWrong)).statusCode());
        byte[] notJson = "{not json".getBytes(StandardCharsets.UTF_8);
        assertEquals(400, app.post("/webhooks/kapso", "application/json", notJson, "X-Webhook-Event", Webhooks.RECEIVED,
                "X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, notJson)).statusCode());

        Prometheus after = scrape();
        assertEquals(1, delta(before, after, "leadline_webhook_messages_total", "route", KAPSO, "outcome", "stored"));
        assertEquals(1, delta(before, after, "leadline_webhook_messages_total", "route", KAPSO, "outcome", "duplicates"));
        assertEquals(1, delta(before, after, "leadline_webhook_messages_total", "route", KAPSO, "outcome", "deadLettered"));
        assertEquals(3, delta(before, after, "leadline_webhook_deliveries_total", "route", KAPSO, "status", "200"));
        assertEquals(1, delta(before, after, "leadline_http_errors_total", "route", KAPSO, "status", "401"));
        assertEquals(1, delta(before, after, "leadline_http_errors_total", "route", KAPSO, "status", "400"));
        Prometheus metrics = after;
        // Camel's own route metrics and the JVM's, from the same registry
        assertTrue(metrics.value("camel_exchanges_total", "routeId", KAPSO) >= 5, "camel route metrics");
        assertFalse(metrics.find("jvm_memory_used_bytes").isEmpty(), "JVM binders");
        assertFalse(metrics.find("process_cpu_usage").isEmpty(), "processor binder");
    }

    @Test
    void timeToFirstResponseIsAHistogram() throws Exception {
        Prometheus before = scrape();
        String phone = Workspaces.newPhone();
        long asked = Instant.now().minusSeconds(600).getEpochSecond();
        assertEquals(200, webhooks.kapso(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.ask"),
                phone, "ada stok?", asked)).statusCode());
        ObjectNode answer = Webhooks.ours(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.answer"),
                phone, "ada", asked + 420), "sent");
        assertEquals(200, webhooks.kapso("whatsapp.message.sent", answer.toString().getBytes(StandardCharsets.UTF_8)).statusCode());

        String bucket = "leadline_first_response_waits_total";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Prometheus after = scrape();
        while (after.value(bucket, "le", "+Inf") == before.value(bucket, "le", "+Inf") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            after = scrape();
        }
        // seven minutes: in every bucket from 900 s up, in none below
        assertEquals(before.value(bucket, "le", "300"), after.value(bucket, "le", "300"));
        assertEquals(before.value(bucket, "le", "900") + 1, after.value(bucket, "le", "900"));
        assertEquals(before.value(bucket, "le", "+Inf") + 1, after.value(bucket, "le", "+Inf"));
        assertEquals(before.value("leadline_first_response_answered_total") + 1, after.value("leadline_first_response_answered_total"));
        assertEquals(before.value("leadline_first_response_wait_seconds_total") + 420, after.value("leadline_first_response_wait_seconds_total"), 0.01);
    }

    @Test
    void hikariPoolsAreReported() throws Exception {
        Prometheus metrics = scrape();
        // db.max-connections (30) - 9 - 4: half each, the odd one to the intake
        assertEquals(8, metrics.value("hikaricp_connections_max", "pool", "leadline"));
        assertEquals(9, metrics.value("hikaricp_connections_max", "pool", "leadline-intake"));
        assertEquals(4, metrics.value("hikaricp_connections_max", "pool", "leadline-streaming"));
        // summaries.concurrency (8) + 1
        assertEquals(9, metrics.value("hikaricp_connections_max", "pool", "leadline-summary"));
        assertFalse(metrics.find("hikaricp_connections_acquire_seconds_count", "pool", "leadline").isEmpty());
    }

    @Test
    void newestMessageAgePerWorkspace() throws Exception {
        String phone = Workspaces.newPhone();
        long now = Instant.now().getEpochSecond();
        assertEquals(200, webhooks.kapso(Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID,
                Workspaces.unique("wamid.fresh"), phone, "baru saja", now - 30)).statusCode());
        String workspace = app.queryString("SELECT id FROM workspace WHERE phone_number_id = ?", Workspaces.DEMO_PHONE_NUMBER_ID);
        Instant deadline = Instant.now().plusSeconds(20);
        double age = Double.NaN;
        while (Instant.now().isBefore(deadline)) {
            var found = scrape().find("leadline_intake_newest_message_age_seconds", "workspace", workspace);
            if (!found.isEmpty() && found.get(0).value() < 120) {
                age = found.get(0).value();
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(age >= 29 && age < 120, "age of the newest message, about 30 s: " + age);
    }

    @Test
    void summaryNotesAndLlmCalls() throws Exception {
        llm.reset();
        Prometheus before = scrape();
        SummaryRuns runs = new SummaryRuns(app, Workspaces.DEMO_TOKEN);
        String phone = Workspaces.newPhone();
        assertEquals(200, webhooks.kapso(message(phone, Workspaces.unique("wamid.llm"))).statusCode());
        long lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
        // a 500, a call with no answer (past llm.timeout-ms), then a completion: written
        llm.enqueue(Fault.serverError(), Fault.hang(1500));
        assertEquals("completed", runs.runLead(DAY.toString(), lead).path("status").asText());
        // another lead whose three attempts all get 500: failed, left for the next run
        String other = Workspaces.newPhone();
        assertEquals(200, webhooks.kapso(message(other, Workspaces.unique("wamid.llm"))).statusCode());
        long failing = app.queryLong("SELECT id FROM lead WHERE phone = ?", other);
        llm.enqueue(Fault.serverError(), Fault.serverError(), Fault.serverError());
        assertEquals(1, runs.runLead(DAY.toString(), failing).path("failed").asInt());

        Prometheus after = scrape();
        assertEquals(1, delta(before, after, "leadline_summary_notes_total", "outcome", "written"));
        assertEquals(1, delta(before, after, "leadline_summary_notes_total", "outcome", "failed"));
        assertEquals(2, delta(before, after, "leadline_summary_runs_total", "trigger", "manual", "status", "completed"));
        assertEquals(1, delta(before, after, "leadline_llm_calls_seconds_count", "status", "200"));
        assertEquals(4, delta(before, after, "leadline_llm_calls_seconds_count", "status", "500"));
        assertEquals(1, delta(before, after, "leadline_llm_calls_seconds_count", "status", "none"));
        assertTrue(delta(before, after, "leadline_llm_calls_seconds_sum", "status", "none") >= 0.5,
                "the call with no answer took the timeout");
        assertEquals(1, delta(before, after, "leadline_llm_calls_seconds_bucket", "status", "200", "le", "+Inf"),
                "a latency histogram");
        assertTrue(after.find("leadline_llm_calls_seconds_bucket", "status", "200").size() > 10, "histogram buckets");
        long promptTokens = app.queryLong("SELECT prompt_tokens FROM note WHERE lead_id = ? AND kind = 'daily_summary'", lead);
        long completionTokens = app.queryLong("SELECT completion_tokens FROM note WHERE lead_id = ? AND kind = 'daily_summary'", lead);
        assertEquals(promptTokens, delta(before, after, "leadline_llm_tokens_total", "direction", "prompt"));
        assertEquals(completionTokens, delta(before, after, "leadline_llm_tokens_total", "direction", "completion"));
    }
}
