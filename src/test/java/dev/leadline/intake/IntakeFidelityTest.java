package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every real-world payload shape, one case file each under src/test/resources/fidelity/: the deliveries
 * to post (signed, over HTTP), the answers expected, and what must then be stored. A shape found later is
 * one file more. The format is described in src/test/resources/fidelity/README.md.
 */
class IntakeFidelityTest {

    static final String CASES = "/fidelity";
    static LeadlineApp app;

    @BeforeAll
    static void app() throws Exception {
        app = LeadlineApp.shared();
    }

    @TestFactory
    Stream<DynamicTest> everyShapeIsStoredAsExpected() throws IOException, URISyntaxException {
        Path folder = Paths.get(IntakeFidelityTest.class.getResource(CASES).toURI());
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no case files in " + folder);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
    }

    /** One case: its own workspaces, so that every row it finds is one it caused. */
    static void run(Path file) throws Exception {
        Tenant tenant = Tenant.create(app);
        Tenant other = Tenant.create(app);
        String caseId = Workspaces.unique("case");
        String text = Files.readString(file, StandardCharsets.UTF_8)
                .replace("{{pnid}}", tenant.phoneNumberId)
                .replace("{{pnid2}}", other.phoneNumberId)
                .replace("{{case}}", caseId)
                .replace("{{now}}", String.valueOf(Instant.now().getEpochSecond()))
                .replace("{{workspaceId}}", String.valueOf(tenant.workspaceId));
        JsonNode spec = JSON.readTree(text);
        int step = 0;
        for (JsonNode delivery : spec.path("deliveries")) {
            step++;
            HttpResponse<String> response = post(delivery, delivery.path("signedBy").asText("tenant").equals("tenant2") ? other : tenant);
            String where = file.getFileName() + " delivery " + step;
            assertEquals(delivery.path("status").asInt(200), response.statusCode(), where + ": " + response.body());
            if (delivery.has("answer")) {
                assertSubset(delivery.get("answer"), JSON.readTree(response.body()), where + " answer");
            }
        }
        for (JsonNode expected : spec.path("messages")) {
            String wamid = expected.path("wamid").asText();
            String row = app.queryString("SELECT to_jsonb(m) || jsonb_build_object('lead.phone', l.phone, 'lead.name', l.name, "
                    + "'lead.bsuid', l.bsuid, 'lead.username', l.username) FROM message m JOIN lead l ON l.id = m.lead_id "
                    + "WHERE m.workspace_id = ? AND m.wamid = ?", tenant.workspaceId, wamid);
            if (row == null) {
                fail(file.getFileName() + ": no message " + wamid + " stored");
            }
            assertSubset(expected, JSON.readTree(row), file.getFileName() + " message " + wamid);
        }
        if (spec.has("messageCount")) {
            assertEquals(spec.get("messageCount").asLong(), app.queryLong("SELECT count(*) FROM message WHERE workspace_id = ?",
                    tenant.workspaceId), file.getFileName() + ": messages stored");
        }
        List<JsonNode> leads = rows("SELECT to_jsonb(l) FROM lead l WHERE workspace_id = ? ORDER BY id", tenant.workspaceId);
        for (JsonNode expected : spec.path("leads")) {
            assertTrue(leads.stream().anyMatch(lead -> isSubset(expected, lead)),
                    file.getFileName() + ": no lead like " + expected + " among " + leads);
        }
        if (spec.has("leadCount")) {
            assertEquals(spec.get("leadCount").asInt(), leads.size(), file.getFileName() + ": leads " + leads);
        }
        List<JsonNode> letters = rows("SELECT to_jsonb(d) - 'payload' FROM dead_letter d WHERE payload LIKE ? ORDER BY id",
                "%" + caseId + "%");
        for (JsonNode expected : spec.path("deadLetters")) {
            assertTrue(letters.stream().anyMatch(letter -> isSubset(expected, letter)),
                    file.getFileName() + ": no dead letter like " + expected + " among " + letters);
        }
        if (spec.has("deadLetterCount")) {
            assertEquals(spec.get("deadLetterCount").asInt(), letters.size(), file.getFileName() + ": dead letters " + letters);
        }
        // Anything else, as SQL with bound parameters: {"sql": "...", "params": [...], "expect": "..."}.
        for (JsonNode check : spec.path("checks")) {
            List<Object> params = new ArrayList<>();
            check.path("params").forEach(p -> params.add(p.isNumber() ? (Object) p.asLong() : p.asText()));
            String actual = app.queryString(check.path("sql").asText(), params.toArray());
            assertEquals(check.path("expect").isNull() ? null : check.path("expect").asText(), actual,
                    file.getFileName() + ": " + check.path("sql").asText());
        }
    }

    static HttpResponse<String> post(JsonNode delivery, Tenant signer) throws Exception {
        byte[] body = delivery.get("body").toString().getBytes(StandardCharsets.UTF_8);
        List<String> headers = new ArrayList<>();
        String to = delivery.path("to").asText();
        if (to.equals("kapso")) {
            headers.addAll(List.of("X-Webhook-Signature", Webhooks.sign(secretOf(signer), body), "X-Webhook-Payload-Version", "v2",
                    "X-Idempotency-Key", java.util.UUID.randomUUID().toString()));
            if (delivery.hasNonNull("event")) {
                headers.addAll(List.of("X-Webhook-Event", delivery.get("event").asText()));
            }
        } else if (to.equals("meta")) {
            headers.addAll(List.of("X-Hub-Signature-256", "sha256=" + Webhooks.sign(secretOf(signer), body)));
        } else {
            throw new AssertionError("a delivery goes to kapso or meta, not '" + to + "'");
        }
        for (Iterator<Map.Entry<String, JsonNode>> extra = delivery.path("headers").fields(); extra.hasNext(); ) {
            Map.Entry<String, JsonNode> header = extra.next();
            headers.addAll(List.of(header.getKey(), header.getValue().asText()));
        }
        return app.post("/webhooks/" + to, "application/json", body, headers.toArray(String[]::new));
    }

    static String secretOf(Tenant tenant) throws Exception {
        return app.queryString("SELECT webhook_secret FROM workspace WHERE id = ?", tenant.workspaceId);
    }

    static List<JsonNode> rows(String sql, Object... params) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        try (var c = app.dataSource().getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(JSON.readTree(rs.getString(1)));
                }
            }
        }
        return rows;
    }

    /** Every field of expected is in actual with the same value (numbers and strings compared as text). */
    static boolean isSubset(JsonNode expected, JsonNode actual) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = actual.get(field.getKey());
            JsonNode want = field.getValue();
            if (want.isNull()) {
                if (value != null && !value.isNull()) {
                    return false;
                }
            } else if (value == null || value.isNull()) {
                return false;
            } else if (want.isObject()) {
                if (!isSubset(want, value)) {
                    return false;
                }
            } else if (want.isContainerNode() || value.isContainerNode()) {
                if (!want.equals(value)) {
                    return false;
                }
            } else if (!want.asText().equals(value.asText())) {
                return false;
            }
        }
        return true;
    }

    static void assertSubset(JsonNode expected, JsonNode actual, String where) {
        assertTrue(isSubset(expected, actual), where + ": expected " + expected + " within " + actual);
    }
}
