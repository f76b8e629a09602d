package dev.leadline.summary;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * POST /api/summaries/run takes date, leadId and force from the query string or from a JSON body, with
 * one validation; when both give a parameter they must agree, else 400 and no run. Each test has its own
 * workspace, so its summary_run rows are exactly the runs it started.
 */
class SummaryRunRequestTest {

    static final LocalDate DAY = LocalDate.now(ZoneId.of("Asia/Jakarta")).minusDays(2);

    LeadlineApp app;
    String token;
    long workspaceId;
    long leadId;
    long otherLeadId;

    @BeforeEach
    void workspace() throws Exception {
        app = LeadlineApp.shared();
        String phoneNumberId = Workspaces.unique("pnid-runreq-");
        token = Workspaces.unique("token-runreq-");
        String secret = Workspaces.unique("secret-");
        workspaceId = Workspaces.create(app, phoneNumberId, secret, token);
        Webhooks webhooks = new Webhooks(app, secret);
        long at = DAY.atTime(10, 0).atZone(ZoneId.of("Asia/Jakarta")).toEpochSecond();
        String phone = Workspaces.newPhone();
        String other = Workspaces.newPhone();
        assertEquals(200, webhooks.kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.rr"), phone, "Halo, harga?", at)).statusCode());
        assertEquals(200, webhooks.kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.rr"), other, "Halo", at + 5)).statusCode());
        leadId = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", workspaceId, phone);
        otherLeadId = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", workspaceId, other);
    }

    HttpResponse<String> run(String query, String jsonBody) throws Exception {
        return app.call("POST", "/api/summaries/run" + (query.isEmpty() ? "" : "?" + query), jsonBody, token);
    }

    long runs() throws Exception {
        return app.queryLong("SELECT count(*) FROM summary_run WHERE workspace_id = ?", workspaceId);
    }

    JsonNode ok(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** 400 with the API's error body, and no run started. */
    void refused(HttpResponse<String> response, String detailHas) throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body());
        assertEquals("bad_request", error.get("error").asText());
        assertTrue(error.get("detail").asText().contains(detailHas), error.toString());
        assertEquals(0, runs(), "no run started");
    }

    @Test
    void theBodyAloneNamesTheRun() throws Exception {
        JsonNode run = ok(run("", "{\"date\":\"" + DAY + "\",\"leadId\":" + leadId + ",\"force\":true}"), 200);

        assertEquals(leadId, run.get("leadId").asLong());
        assertEquals(DAY.toString(), run.get("firstDay").asText());
        assertTrue(run.get("forced").asBoolean());
        assertEquals("manual", run.get("trigger").asText());
        assertEquals(1, runs());
        assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'daily_summary' AND day = ?", leadId, DAY));
        assertEquals(0, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'daily_summary'", otherLeadId));
    }

    @Test
    void theQueryStringAloneStillNamesTheRun() throws Exception {
        JsonNode run = ok(run("date=" + DAY + "&leadId=" + leadId, null), 200);

        assertEquals(leadId, run.get("leadId").asLong());
        assertEquals(DAY.toString(), run.get("firstDay").asText());
        assertTrue(!run.get("forced").asBoolean());
        assertEquals(1, runs());
    }

    @Test
    void bothAgreeingRunOnce() throws Exception {
        JsonNode run = ok(run("date=" + DAY + "&leadId=" + leadId + "&force=false",
                "{\"date\":\"" + DAY + "\",\"leadId\":" + leadId + ",\"force\":false}"), 200);

        assertEquals(leadId, run.get("leadId").asLong());
        assertEquals(DAY.toString(), run.get("firstDay").asText());
        assertEquals(1, runs());
    }

    @Test
    void aWholeDayFromTheBodyRunsThatDayInTheBackground() throws Exception {
        JsonNode started = ok(run("", "{\"date\":\"" + DAY + "\"}"), 202);

        assertEquals(DAY.toString(), started.get("firstDay").asText());
        assertTrue(started.get("leadId").isNull());
        JsonNode done = new SummaryRuns(app, token).awaitRun(started.get("id").asLong());
        assertEquals("completed", done.get("status").asText(), done.toString());
        assertEquals(2, done.get("leadsConsidered").asInt(), done.toString());
    }

    @Test
    void bothDisagreeingIs400AndNoRun() throws Exception {
        refused(run("date=" + DAY + "&leadId=" + leadId, "{\"leadId\":" + otherLeadId + "}"), "leadId");
        refused(run("date=" + DAY, "{\"date\":\"" + DAY.minusDays(1) + "\"}"), "date");
        refused(run("leadId=" + leadId + "&force=true", "{\"leadId\":" + leadId + ",\"force\":false}"), "force");
        assertEquals(0, app.queryLong("SELECT count(*) FROM note WHERE lead_id IN (?, ?)", leadId, otherLeadId));
    }

    @Test
    void anUnknownBodyFieldIs400AndNoRun() throws Exception {
        refused(run("", "{\"date\":\"" + DAY + "\",\"lead_id\":" + leadId + "}"), "unknown field");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"leadId\":\"LEAD\"}",
            "{\"leadId\":\"7\"}",
            "{\"leadId\":7.5}",
            "{\"leadId\":-3}",
            "{\"leadId\":99999999999999999999}",
            "{\"force\":\"true\"}",
            "{\"force\":1}",
            "{\"date\":20261124}",
            "{\"date\":\"yesterday\"}",
            "[1]",
            "{\"date\":"})
    void aWrongTypeOrValueInTheBodyIs400AndNoRun(String body) throws Exception {
        HttpResponse<String> response = run("", body);
        assertEquals(400, response.statusCode(), body + " -> " + response.body());
        assertEquals("bad_request", JSON.readTree(response.body()).get("error").asText());
        assertEquals(0, runs(), body);
    }

    @Test
    void aFormBodyIsStill415AndNoRun() throws Exception {
        HttpResponse<String> response = app.send(HttpRequest.newBuilder(app.uri("/api/summaries/run"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("date=" + DAY + "&leadId=" + leadId)));
        assertEquals(415, response.statusCode(), response.body());
        assertEquals("unsupported_media_type", JSON.readTree(response.body()).get("error").asText());
        assertEquals(0, runs());
    }
}
