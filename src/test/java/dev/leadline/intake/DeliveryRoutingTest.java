package dev.leadline.intake;

import static dev.leadline.intake.WebhookSignature.META_MISMATCH;
import static dev.leadline.support.Webhooks.JSON;
import static dev.leadline.support.Webhooks.bytes;
import static dev.leadline.support.Webhooks.metaAccountUpdate;
import static dev.leadline.support.Webhooks.metaDelivery;
import static dev.leadline.support.Webhooks.metaMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Prometheus;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery routing and test deliveries, where the fidelity cases can't reach: deliveries signed with the fallback
 * secret (the shared service has one), a service with no fallback secret (the 401 must say why), and the
 * test deliveries' metric on a service of its own.
 */
class DeliveryRoutingTest {

    static LeadlineApp shared;
    /** No webhook.fallback-secret: numbers no workspace owns cannot be verified. */
    static LeadlineApp noFallback;

    @BeforeAll
    static void start() throws Exception {
        shared = LeadlineApp.shared();
        noFallback = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of("summaries.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (noFallback != null) {
            noFallback.close();
        }
    }

    @Test
    void aFallbackSignedDeliveryIsRoutedPerChangeUnknownNumbersKeptForThemselvesAndAKnownWorkspaceNeverWritten() throws Exception {
        Tenant known = Tenant.create(shared);
        String unknownA = Workspaces.unique("88");
        String unknownB = Workspaces.unique("89");
        String run = Workspaces.unique("fb");
        ObjectNode delivery = metaDelivery(
                metaAccountUpdate(run),
                metaMessages(unknownA, "wamid." + run + ".a", "6281234567301", "untuk nomor baru A"),
                metaMessages(known.phoneNumberId, "wamid." + run + ".k", "6281234567302", "dipalsukan untuk workspace lama"),
                metaMessages(unknownB, "wamid." + run + ".b", "6281234567303", "untuk nomor baru B"));

        HttpResponse<String> response = new Webhooks(shared, LeadlineApp.FALLBACK_SECRET).meta(bytes(delivery));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode counts = JSON.readTree(response.body());
        assertEquals(0, counts.get("stored").asInt(), response.body());
        assertEquals(4, counts.get("deadLettered").asInt(), response.body());
        assertEquals(0, known.count("SELECT count(*) FROM message WHERE workspace_id = ?"));
        // Each unknown number's message is kept for that number, verified by the fallback secret: replayable once it is onboarded.
        for (String number : new String[] {unknownA, unknownB}) {
            assertEquals("unknown phone_number_id " + number + "|fallback|" + number, shared.queryString(
                    "SELECT reason || '|' || verified_by || '|' || verified_phone_number_id FROM dead_letter "
                            + "WHERE phone_number_id = ? AND payload LIKE ?", number, "%" + run + "%"));
        }
        String knownReason = shared.queryString("SELECT reason FROM dead_letter WHERE phone_number_id = ? AND payload LIKE ?",
                known.phoneNumberId, "%" + run + "%");
        assertEquals("phone_number_id " + known.phoneNumberId + " belongs to a workspace whose secret did not sign this delivery "
                + "(only the fallback secret verified it): not trusted for that workspace", knownReason);
        assertEquals("account-level|fallback", shared.queryString("SELECT reason || '|' || verified_by FROM dead_letter "
                + "WHERE event = 'meta.account_update' AND payload LIKE ?", "%" + run + "%"));
    }

    @Test
    void anAccountLevelOnlyDeliveryVerifiedByTheFallbackSecretIsAcknowledgedAndKeptOnce() throws Exception {
        String run = Workspaces.unique("acct");
        byte[] body = bytes(metaDelivery(metaAccountUpdate(run)));
        Webhooks fallback = new Webhooks(shared, LeadlineApp.FALLBACK_SECRET);

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = fallback.meta(body);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(1, JSON.readTree(response.body()).get("deadLettered").asInt(), response.body());
        }
        assertEquals(1, shared.queryLong("SELECT count(*) FROM dead_letter WHERE reason = 'account-level' AND payload LIKE ?",
                "%" + run + "%"));
    }

    @Test
    void aWrongSignatureForAnUnknownNumberIs401WithTheOneDetail() throws Exception {
        String unknown = Workspaces.unique("87");
        ObjectNode delivery = metaDelivery(metaMessages(unknown, Workspaces.unique("wamid.wrong"), "6281234567304", "halo"));

        HttpResponse<String> response = new Webhooks(shared, "not-any-secret").meta(bytes(delivery));

        assertError(response, 401, META_MISMATCH);
    }

    /**
     * Without a fallback secret, an unknown number, a delivery that names none, and a workspace's number with
     * another secret are all one 401 detail: which numbers are workspaces' is not the sender's to learn.
     */
    @Test
    void withoutAFallbackSecretEveryUnverifiedDeliveryIs401WithTheOneDetail() throws Exception {
        String unknown = Workspaces.unique("86");
        String wamid = Workspaces.unique("wamid.nofb");
        ObjectNode delivery = metaDelivery(metaMessages(unknown, wamid, "6281234567305", "halo"));

        HttpResponse<String> response = new Webhooks(noFallback, "whatever-secret").meta(bytes(delivery));

        assertError(response, 401, META_MISMATCH);
        assertEquals(0, noFallback.queryLong("SELECT count(*) FROM dead_letter WHERE payload LIKE ?", "%" + wamid + "%"));

        HttpResponse<String> accountOnly = new Webhooks(noFallback, "whatever-secret")
                .meta(bytes(metaDelivery(metaAccountUpdate(wamid))));
        assertError(accountOnly, 401, META_MISMATCH);

        // A known workspace's number with another secret: the same.
        Tenant tenant = Tenant.create(noFallback);
        HttpResponse<String> forged = new Webhooks(noFallback, "not-the-tenants-secret")
                .meta(bytes(metaDelivery(metaMessages(tenant.phoneNumberId, wamid, "6281234567305", "halo"))));
        assertError(forged, 401, META_MISMATCH);
    }

    @Test
    void testDeliveriesAreCountedInTheAnswerAndTheMetricAndStoreNothing() throws Exception {
        Tenant tenant = Tenant.create(noFallback);
        Prometheus before = scrape(noFallback);
        ObjectNode event = Webhooks.received(tenant.phoneNumberId, Workspaces.unique("wamid.test"), "+15551234567", "test", 
                Instant.now().getEpochSecond());
        event.put("test", true);

        HttpResponse<String> response = tenant.kapso(Webhooks.RECEIVED, event);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, JSON.readTree(response.body()).get("test").asInt(), response.body());
        Prometheus after = scrape(noFallback);
        assertEquals(1.0, after.value("leadline_webhook_messages_total", "outcome", "test")
                - before.value("leadline_webhook_messages_total", "outcome", "test"));
        assertEquals(0, tenant.count("SELECT count(*) FROM lead WHERE workspace_id = ?"));
        assertEquals(0, tenant.count("SELECT count(*) FROM message WHERE workspace_id = ?"));
    }

    static Prometheus scrape(LeadlineApp app) throws Exception {
        String port = app.context().resolvePropertyPlaceholders("{{management.port}}");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/observe/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return new Prometheus(response.body());
    }

    static void assertError(HttpResponse<String> response, int status, String detail) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body());
        assertEquals("unauthorized", error.path("error").asText(), response.body());
        assertEquals(detail, error.path("detail").asText());
    }
}
