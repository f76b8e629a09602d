package dev.leadline.reliability;

import static dev.leadline.support.Webhooks.JSON;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import dev.leadline.api.ApiTokens;
import dev.leadline.reliability.FaultSuiteTest.Tenant;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;

/**
 * Every REST endpoint with no token, a revoked token, workspace A's token on B's resources, and a
 * workspace token on the admin API. A foreign resource must answer exactly like one that does not exist.
 */
final class AuthorizationMatrix {

    record Result(int requests, List<String> failures) {
    }

    /** One endpoint; {id} and {sub} are filled with B's ids, or with ids that exist nowhere. */
    record Endpoint(String method, String path, String body) {
        String with(long id, long sub) {
            return path.replace("{id}", String.valueOf(id)).replace("{sub}", String.valueOf(sub));
        }
    }

    private static final long MISSING = 987_654_321L;

    private final LeadlineApp app;
    private final Tenant a;
    private final Tenant b;
    private final String admin;
    private final List<String> failures = new ArrayList<>();
    private int requests;

    AuthorizationMatrix(LeadlineApp app, Tenant a, Tenant b, String admin) {
        this.app = app;
        this.a = a;
        this.b = b;
        this.admin = admin;
    }

    private HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        requests++;
        return app.call(method, path, body, token, "If-Match", "\"0\"");
    }

    private void expectStatus(String what, HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            failures.add(what + ": expected " + status + ", got " + response.statusCode());
        }
    }

    Result run() throws Exception {
        // B's lead with a message, a manual note and a summary run; A's revoked token.
        String phone = Workspaces.newPhone();
        b.webhooks().kapso(Webhooks.received(b.phoneNumberId(), Workspaces.unique("wamid.auth"), phone, "rahasia B",
                Instant.now().getEpochSecond()));
        long bLead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
        long bNote = app.queryLong("INSERT INTO note (workspace_id, lead_id, kind, content, added_by) VALUES (?, ?, 'manual', 'B only', 'b') RETURNING id",
                b.id(), bLead);
        String yesterday = LocalDate.now(ZoneId.of("Asia/Jakarta")).minusDays(1).toString();
        long bRun = new SummaryRuns(app, b.token()).runLead(yesterday, bLead).get("id").asLong();
        String revoked = Workspaces.unique("revoked-");
        app.queryLong("INSERT INTO api_token (workspace_id, token_sha256, revoked_at) VALUES (?, ?, now()) RETURNING id",
                a.id(), ApiTokens.sha256(revoked));

        List<Endpoint> workspaceEndpoints = List.of(
                new Endpoint("GET", "/api/leads/{id}", null),
                new Endpoint("GET", "/api/leads/{id}/messages", null),
                new Endpoint("GET", "/api/leads/{id}/timeline", null),
                new Endpoint("PATCH", "/api/leads/{id}", "{\"status\": \"lost\"}"),
                new Endpoint("POST", "/api/leads/{id}/notes", "{\"content\": \"from A\"}"),
                new Endpoint("DELETE", "/api/leads/{id}/notes/{sub}", null),
                new Endpoint("POST", "/api/summaries/run?date=" + yesterday + "&leadId={id}", null),
                new Endpoint("GET", "/api/summaries/runs/{sub}", null),
                new Endpoint("GET", "/api/leads/{id}/export", null),
                new Endpoint("POST", "/api/leads/{id}/erase", "{\"confirm\": \"erase\"}"));
        List<Endpoint> adminEndpoints = List.of(
                new Endpoint("POST", "/api/admin/workspaces", "{\"name\": \"x\"}"),
                new Endpoint("GET", "/api/admin/workspaces", null),
                new Endpoint("PATCH", "/api/admin/workspaces/{id}", "{\"name\": \"x\"}"),
                new Endpoint("POST", "/api/admin/workspaces/{id}/tokens", null),
                new Endpoint("GET", "/api/admin/dead-letters", null),
                new Endpoint("POST", "/api/admin/dead-letters/{id}/replay", null),
                new Endpoint("POST", "/api/admin/dead-letters/replay", "{\"reason\": \"x\"}"),
                new Endpoint("GET", "/api/admin/dead-letters/replay-runs/{id}", null),
                new Endpoint("POST", "/api/admin/kapso-keys/re-encrypt", null),
                new Endpoint("GET", "/api/admin/audit-log", null));

        for (Endpoint e : workspaceEndpoints) {
            long sub = e.path().contains("runs") ? bRun : bNote;
            String path = e.with(bLead, sub);
            expectStatus("no token " + e.method() + " " + path, call(e.method(), path, e.body(), null), 401);
            expectStatus("revoked token " + e.method() + " " + path, call(e.method(), path, e.body(), revoked), 401);
            HttpResponse<String> foreign = call(e.method(), path, e.body(), a.token());
            HttpResponse<String> missing = call(e.method(), e.with(MISSING, MISSING), e.body(), a.token());
            expectStatus("A's token on B's " + e.method() + " " + e.path(), foreign, 404);
            if (!foreign.body().equals(missing.body())) {
                failures.add("A's token on B's " + e.method() + " " + e.path() + " differs from a missing id: "
                        + foreign.body() + " vs " + missing.body());
            }
        }
        expectStatus("no token GET /api/leads", call("GET", "/api/leads", null, null), 401);
        expectStatus("revoked token GET /api/leads", call("GET", "/api/leads", null, revoked), 401);
        expectStatus("no token GET /api/workspace", call("GET", "/api/workspace", null, null), 401);
        expectStatus("revoked token GET /api/workspace", call("GET", "/api/workspace", null, revoked), 401);
        HttpResponse<String> own = call("GET", "/api/workspace", null, a.token());
        if (own.statusCode() != 200 || JSON.readTree(own.body()).path("id").asLong() != a.id()) {
            failures.add("A's token does not answer A's own workspace: " + own.body());
        }
        HttpResponse<String> list = call("GET", "/api/leads?limit=200&q=" + phone.substring(1), null, a.token());
        if (list.statusCode() != 200 || JSON.readTree(list.body()).path("items").size() != 0) {
            failures.add("A's lead list shows B's lead: " + list.body());
        }
        for (Endpoint e : adminEndpoints) {
            String path = e.with(b.id(), 0);
            for (String token : new String[] {null, a.token(), revoked, admin + "x"}) {
                expectStatus("admin " + e.method() + " " + path + " with " + (token == null ? "no token" : "a non-admin token"),
                        call(e.method(), path, e.body(), token), 401);
            }
        }
        // Nothing of B changed or leaked through the attempts.
        if (!"new".equals(app.queryString("SELECT status FROM lead WHERE id = ?", bLead))
                || app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'manual'", bLead) != 1
                || !"B only".equals(app.queryString("SELECT content FROM note WHERE id = ?", bNote))
                || app.queryLong("SELECT count(*) FROM lead WHERE id = ?", bLead) != 1) {
            failures.add("B's lead or notes were changed");
        }
        return new Result(requests, failures);
    }
}
