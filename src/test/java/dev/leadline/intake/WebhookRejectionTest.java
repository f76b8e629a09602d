package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.PostgresProcess;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every way a delivery is refused: a JSON error with the right status, and nothing stored. */
class WebhookRejectionTest {

    static LeadlineApp app;
    static Webhooks kapso;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
        kapso = new Webhooks(app, Workspaces.DEMO_SECRET);
    }

    /** A delivery for a fresh number, so that "nothing stored" can be checked by that number. */
    record Delivery(String phone, String wamid, byte[] body) {
        static Delivery fresh() {
            String phone = Workspaces.newPhone();
            String wamid = Workspaces.unique("wamid.reject");
            ObjectNode event = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamid, phone, "hi", Instant.now().getEpochSecond());
            return new Delivery(phone, wamid, event.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    static void assertRejected(HttpResponse<String> response, int status, String error, Delivery delivery) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertEquals(error, body.path("error").asText(), response.body());
        assertTrue(body.path("detail").asText().length() > 5, "the detail says what is wrong");
        if (delivery != null) {
            assertEquals(0, app.queryLong("SELECT count(*) FROM lead WHERE phone = ?", delivery.phone()));
            assertEquals(0, app.queryLong("SELECT count(*) FROM message WHERE wamid = ?", delivery.wamid()));
            assertEquals(0, app.queryLong("SELECT count(*) FROM dead_letter WHERE dedup_key = ?", "kapso:" + delivery.wamid()));
        }
    }

    HttpResponse<String> post(Delivery d, String contentType, String... headers) throws Exception {
        return app.post("/webhooks/kapso", contentType, d.body(), headers);
    }

    @Test
    void missingSignatureIs401() throws Exception {
        Delivery d = Delivery.fresh();
        assertRejected(post(d, "application/json", "X-Webhook-Event", Webhooks.RECEIVED), 401, "unauthorized", d);
    }

    @Test
    void signatureWithAnotherSecretIs401() throws Exception {
        Delivery d = Delivery.fresh();
        assertRejected(post(d, "application/json", "X-Webhook-Event", Webhooks.RECEIVED,
                "X-Webhook-Signature", Webhooks.sign("not-the-secret", d.body())), 401, "unauthorized", d);
    }

    @Test
    void signatureOverADifferentBodyIs401() throws Exception {
        Delivery d = Delivery.fresh();
        byte[] other = (new String(d.body(), StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
        assertRejected(post(d, "application/json", "X-Webhook-Event", Webhooks.RECEIVED,
                "X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, other)), 401, "unauthorized", d);
    }

    @Test
    void unknownWorkspaceSignedWithAnythingButTheFallbackSecretIs401() throws Exception {
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.nows");
        ObjectNode event = Webhooks.received("999000999000999", wamid, phone, "hi", Instant.now().getEpochSecond());
        HttpResponse<String> response = kapso.kapso(event);
        assertRejected(response, 401, "unauthorized", null);
        assertEquals(0, app.queryLong("SELECT count(*) FROM dead_letter WHERE dedup_key = ?", "kapso:" + wamid));
    }

    @Test
    void malformedJsonIs400() throws Exception {
        byte[] body = "{\"message\": {".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = app.post("/webhooks/kapso", "application/json", body,
                "X-Webhook-Event", Webhooks.RECEIVED, "X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, body));
        assertRejected(response, 400, "bad_request", null);
    }

    @Test
    void aSignedBodyThatIsNotAWebhookIs400() throws Exception {
        String wamid = Workspaces.unique("wamid.shape");
        byte[] body = ("{\"phone_number_id\": \"" + Workspaces.DEMO_PHONE_NUMBER_ID + "\", \"hello\": \"" + wamid + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertRejected(kapso.kapso(Webhooks.RECEIVED, body), 400, "bad_request", null);
        assertEquals(0, app.queryLong("SELECT count(*) FROM dead_letter WHERE payload LIKE ?", "%" + wamid + "%"));
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        Delivery d = Delivery.fresh();
        assertRejected(post(d, "text/plain", "X-Webhook-Event", Webhooks.RECEIVED,
                "X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, d.body())), 415, "unsupported_media_type", d);
        assertRejected(post(d, "application/x-www-form-urlencoded", "X-Webhook-Event", Webhooks.RECEIVED,
                "X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, d.body())), 415, "unsupported_media_type", d);
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        Delivery base = Delivery.fresh();
        ObjectNode event = (ObjectNode) JSON.readTree(base.body());
        ((ObjectNode) event.get("message").get("text")).put("body", "x".repeat(1024 * 1024));
        Delivery d = new Delivery(base.phone(), base.wamid(), event.toString().getBytes(StandardCharsets.UTF_8));
        assertRejected(post(d, "application/json", "X-Webhook-Event", Webhooks.RECEIVED,
                "X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, d.body())), 413, "payload_too_large", d);
    }

    /**
     * A Meta delivery with a wrong signature learns nothing about which business numbers are workspaces':
     * the 401 detail is one sentence whatever it names (a workspace's number among 99 unknown ones, only
     * unknown ones, only the workspace's), and such failures count like wrong API tokens, so the address
     * gets 429 with Retry-After once it used up auth.max-failures.
     */
    @Test
    void aWrongMetaSignatureSaysNothingOfWhichNumbersAreWorkspacesAndIsLimited() throws Exception {
        try (LeadlineApp own = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "auth.max-failures", "3", "auth.failure-window-seconds", "60", "summaries.enabled", "false"))) {
            Tenant tenant = Tenant.create(own);
            List<String> unknown = new ArrayList<>();
            for (int i = 0; i < 99; i++) {
                unknown.add(Workspaces.unique("9990"));
            }
            List<String> mixed = new ArrayList<>(unknown);
            mixed.add(37, tenant.phoneNumberId);
            Set<String> details = new HashSet<>();
            for (List<String> numbers : List.of(mixed, unknown, List.of(tenant.phoneNumberId))) {
                byte[] body = metaNaming(tenant, numbers);
                HttpResponse<String> response = own.post("/webhooks/meta", "application/json", body,
                        "X-Hub-Signature-256", "sha256=" + Webhooks.sign("a-guessed-secret", body));
                assertEquals(401, response.statusCode(), response.body());
                String detail = JSON.readTree(response.body()).path("detail").asText();
                assertFalse(detail.contains(tenant.phoneNumberId), detail);
                assertFalse(detail.contains(unknown.get(0)), detail);
                details.add(detail);
            }
            assertEquals(1, details.size(), "one detail for every wrong signature: " + details);

            // the fourth wrong signature from this address is one too many; a rightly signed delivery from the
            // same address (Meta sends every tenant's from shared addresses) is never refused
            byte[] body = metaNaming(tenant, List.of(tenant.phoneNumberId));
            HttpResponse<String> limited = own.post("/webhooks/meta", "application/json", body,
                    "X-Hub-Signature-256", "sha256=" + Webhooks.sign("another-guess", body));
            assertEquals(429, limited.statusCode(), limited.body());
            assertEquals("too_many_requests", JSON.readTree(limited.body()).path("error").asText());
            int retryAfter = Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            HttpResponse<String> signed = tenant.meta(JSON.readTree(body));
            assertEquals(200, signed.statusCode(), signed.body());
            assertEquals(1, own.queryLong("SELECT count(*) FROM message WHERE workspace_id = ?", tenant.workspaceId));
        }
    }

    /** A Meta delivery of one change per number, each a text message, as the tenant's sample. */
    static byte[] metaNaming(Tenant tenant, List<String> numbers) throws Exception {
        ObjectNode delivery = tenant.metaSample("meta-message.json", Workspaces.unique("wamid.named"));
        ArrayNode changes = (ArrayNode) delivery.get("entry").get(0).get("changes");
        ObjectNode template = (ObjectNode) changes.get(0);
        changes.removeAll();
        for (String number : numbers) {
            ObjectNode change = template.deepCopy();
            ((ObjectNode) change.get("value").get("metadata")).put("phone_number_id", number);
            ((ObjectNode) change.get("value").get("messages").get(0)).put("id", Workspaces.unique("wamid.named"));
            changes.add(change);
        }
        return delivery.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void databaseOutageIs503AndTheServiceRecoversWithoutARestart() throws Exception {
        assumeFalse(LeadlineApp.externalDatabase(), "needs the embedded server to stop and start it");
        try (LeadlineApp own = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of())) {
            Webhooks webhooks = new Webhooks(own, Workspaces.DEMO_SECRET);
            Delivery d = Delivery.fresh();
            PostgresProcess.stop(own.dataDir());
            HttpResponse<String> during;
            try {
                during = webhooks.kapso(Webhooks.RECEIVED, d.body());
            } finally {
                PostgresProcess.start(own.dataDir());
            }
            assertEquals(503, during.statusCode(), during.body());
            assertEquals("unavailable", JSON.readTree(during.body()).path("error").asText());

            // Retried the way Kapso does; the pool reconnects by itself within a few seconds.
            HttpResponse<String> retried = webhooks.kapso(Webhooks.RECEIVED, d.body());
            for (int attempt = 0; retried.statusCode() != 200 && attempt < 20; attempt++) {
                Thread.sleep(500);
                retried = webhooks.kapso(Webhooks.RECEIVED, d.body());
            }
            assertEquals(200, retried.statusCode(), retried.body());
            assertEquals(1, own.queryLong("SELECT count(*) FROM message WHERE wamid = ?", d.wamid()));
        }
    }
}
