package dev.leadline.reliability;

import static dev.leadline.support.Webhooks.JSON;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.reliability.FaultSuiteTest.Tenant;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;

/**
 * Hostile and broken input against every endpoint. Each case names the status class it must get; a 4xx
 * must carry the JSON error shape; no case may get a 5xx; and each checks what was (or was not) stored.
 */
final class BadInputBattery {

    record Result(int cases, List<String> failures) {
    }

    private final LeadlineApp app;
    private final Tenant a;
    private final Tenant b;
    private final String admin;
    private final List<String> failures = new ArrayList<>();
    private int cases;

    BadInputBattery(LeadlineApp app, Tenant a, Tenant b, String admin) {
        this.app = app;
        this.a = a;
        this.b = b;
        this.admin = admin;
    }

    private ObjectNode event(String wamid, String text) {
        return Webhooks.received(a.phoneNumberId(), wamid, Workspaces.newPhone(), text, Instant.now().getEpochSecond());
    }

    private HttpResponse<String> kapso(byte[] body, String signature, String contentType, String event) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(app.uri("/webhooks/kapso")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            r.header("Content-Type", contentType);
        }
        if (signature != null) {
            r.header("X-Webhook-Signature", signature);
        }
        if (event != null) {
            r.header("X-Webhook-Event", event);
        }
        return app.send(r);
    }

    private HttpResponse<String> signed(byte[] body) throws Exception {
        return kapso(body, Webhooks.sign(a.secret(), body), "application/json", Webhooks.RECEIVED);
    }

    private HttpResponse<String> api(String method, String path, String body, String token) throws Exception {
        return app.call(method, path, body, token, "If-Match", "\"0\"");
    }

    /** Checks one case: the expected status (exact), the error shape on 4xx, never a 5xx. */
    private JsonNode expect(String name, HttpResponse<String> response, int status) {
        cases++;
        JsonNode body = null;
        try {
            body = response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (Exception e) {
            // judged below
        }
        if (response.statusCode() >= 500) {
            failures.add(name + ": " + response.statusCode());
        } else if (response.statusCode() != status) {
            failures.add(name + ": expected " + status + ", got " + response.statusCode() + " " + response.body());
        } else if (status >= 400 && (body == null || !body.hasNonNull("error") || !body.hasNonNull("detail"))) {
            failures.add(name + ": no JSON error body");
        }
        return body;
    }

    private void check(String name, boolean ok) {
        if (!ok) {
            failures.add(name);
        }
    }

    private long messages(String wamid) throws Exception {
        return app.queryLong("SELECT count(*) FROM message WHERE wamid = ?", wamid);
    }

    private String text(String wamid) throws Exception {
        return app.queryString("SELECT text FROM message WHERE wamid = ?", wamid);
    }

    Result run() throws Exception {
        webhookSignatures();
        webhookBodies();
        webhookContents();
        metaWebhook();
        leadApi();
        summariesAndAdmin();
        return new Result(cases, failures);
    }

    private void webhookSignatures() throws Exception {
        String w = Workspaces.unique("wamid.bad.sig");
        byte[] body = event(w, "hi").toString().getBytes(StandardCharsets.UTF_8);
        String good = Webhooks.sign(a.secret(), body);
        expect("missing signature", kapso(body, null, "application/json", Webhooks.RECEIVED), 401);
        expect("non-hex signature", kapso(body, "z".repeat(64), "application/json", Webhooks.RECEIVED), 401);
        expect("truncated signature", kapso(body, good.substring(0, 63), "application/json", Webhooks.RECEIVED), 401);
        expect("empty signature", kapso(body, "", "application/json", Webhooks.RECEIVED), 401);
        expect("sha256= prefix on Kapso", kapso(body, "sha256=" + good, "application/json", Webhooks.RECEIVED), 401);
        expect("signature over a different body", kapso(body, Webhooks.sign(a.secret(), (new String(body, StandardCharsets.UTF_8)
                .replace("hi", "ho")).getBytes(StandardCharsets.UTF_8)), "application/json", Webhooks.RECEIVED), 401);
        expect("another workspace's secret", kapso(body, Webhooks.sign(b.secret(), body), "application/json", Webhooks.RECEIVED), 401);
        check("rejected signatures stored nothing", messages(w) == 0);
    }

    private void webhookBodies() throws Exception {
        expect("malformed JSON", signed("{\"message\": {\"id\": ".getBytes(StandardCharsets.UTF_8)), 400);
        expect("empty body", signed(new byte[0]), 400);
        expect("JSON array, not an object", signed("[1, 2, 3]".getBytes(StandardCharsets.UTF_8)), 400);
        expect("JSON string, not an object", signed("\"hello\"".getBytes(StandardCharsets.UTF_8)), 400);
        expect("deeply nested JSON", signed(("{\"a\":".repeat(2000) + "1" + "}".repeat(2000)).getBytes(StandardCharsets.UTF_8)), 400);
        ObjectNode huge = event(Workspaces.unique("wamid.bad.huge"), "x".repeat(1_100_000));
        expect("body over the 1 MiB limit", signed(huge.toString().getBytes(StandardCharsets.UTF_8)), 413);
        String w = Workspaces.unique("wamid.bad.ct");
        byte[] body = event(w, "hi").toString().getBytes(StandardCharsets.UTF_8);
        expect("text/plain content type", kapso(body, Webhooks.sign(a.secret(), body), "text/plain", Webhooks.RECEIVED), 415);
        expect("no content type", kapso(body, Webhooks.sign(a.secret(), body), null, Webhooks.RECEIVED), 415);
        expect("form-encoded", kapso("a=b".getBytes(StandardCharsets.UTF_8), Webhooks.sign(a.secret(), "a=b".getBytes(StandardCharsets.UTF_8)),
                "application/x-www-form-urlencoded", Webhooks.RECEIVED), 415);
        expect("no X-Webhook-Event", kapso(body, Webhooks.sign(a.secret(), body), "application/json", null), 400);
        expect("neither message nor conversation", signed(("{\"phone_number_id\": \"" + a.phoneNumberId() + "\", \"x\": 1}")
                .getBytes(StandardCharsets.UTF_8)), 400);
        ByteArrayOutputStream invalidUtf8 = new ByteArrayOutputStream();
        invalidUtf8.write(("{\"phone_number_id\": \"" + a.phoneNumberId() + "\", \"message\": {\"id\": \"x\", \"text\": {\"body\": \"")
                .getBytes(StandardCharsets.UTF_8));
        invalidUtf8.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        invalidUtf8.write("\"}}}".getBytes(StandardCharsets.UTF_8));
        expect("invalid UTF-8", signed(invalidUtf8.toByteArray()), 400);
        check("rejected bodies stored nothing", messages(w) == 0);
    }

    private void webhookContents() throws Exception {
        String noPhone = Workspaces.unique("wamid.bad.nophone");
        ObjectNode e1 = event(noPhone, "hi");
        ((ObjectNode) e1.get("conversation")).remove("phone_number");
        JsonNode r1 = expect("missing phone", signed(e1.toString().getBytes(StandardCharsets.UTF_8)), 200);
        check("missing phone is a dead letter, not a lead", r1 != null && r1.path("deadLettered").asInt() == 1 && messages(noPhone) == 0);

        String badPhone = Workspaces.unique("wamid.bad.phone");
        ObjectNode e2 = event(badPhone, "hi");
        ((ObjectNode) e2.get("conversation")).put("phone_number", "+0000 12");
        JsonNode r2 = expect("invalid phone", signed(e2.toString().getBytes(StandardCharsets.UTF_8)), 200);
        check("invalid phone is a dead letter", r2 != null && r2.path("deadLettered").asInt() == 1 && messages(badPhone) == 0);

        String longName = Workspaces.unique("wamid.bad.name");
        ObjectNode e3 = event(longName, "hi");
        ((ObjectNode) e3.get("conversation").get("kapso")).put("contact_name", "N".repeat(10_000));
        expect("overlong name", signed(e3.toString().getBytes(StandardCharsets.UTF_8)), 200);
        check("overlong name cut to 200", Objects.equals(200L, app.queryLong(
                "SELECT length(l.name) FROM lead l JOIN message m ON m.lead_id = l.id WHERE m.wamid = ?", longName)));

        for (String ts : new String[] {"-1", "99999999999", "not-a-number"}) {
            String w = Workspaces.unique("wamid.bad.ts");
            ObjectNode e = event(w, "hi");
            ((ObjectNode) e.get("message")).put("timestamp", ts);
            expect("timestamp " + ts, signed(e.toString().getBytes(StandardCharsets.UTF_8)), 200);
            check("timestamp " + ts + " stored at receive time", app.queryLong(
                    "SELECT count(*) FROM message WHERE wamid = ? AND sent_at > now() - interval '1 hour' AND sent_at <= now()", w) == 1);
        }

        String sql = "'); DROP TABLE lead; -- \" OR 1=1; SELECT * FROM api_token";
        String wSql = Workspaces.unique("wamid.bad.sql");
        expect("SQL-looking text", signed(event(wSql, sql).toString().getBytes(StandardCharsets.UTF_8)), 200);
        check("SQL-looking text stored verbatim", sql.equals(text(wSql)));

        String wNul = Workspaces.unique("wamid.bad.nul");
        expect("NUL in text", signed(event(wNul, "a\u0000b").toString().getBytes(StandardCharsets.UTF_8)), 200);
        check("NUL stored as U+FFFD", "a\uFFFDb".equals(text(wNul)));

        String unicode = "Halo 👋 مرحبا שלום \u202Eabc\u202C 𝔘𝔫𝔦";
        String wUni = Workspaces.unique("wamid.bad.uni");
        expect("emoji, RTL and astral text", signed(event(wUni, unicode).toString().getBytes(StandardCharsets.UTF_8)), 200);
        check("unicode stored verbatim", unicode.equals(text(wUni)));

        String big = "y".repeat(400_000); // twice in the body (text and kapso.content): 800 kB
        String wBig = Workspaces.unique("wamid.bad.big");
        expect("800 kB body under the limit", signed(event(wBig, big).toString().getBytes(StandardCharsets.UTF_8)), 200);
        // a page of huge texts took seconds and gigabytes, so stored text is capped at intake.max-text-chars
        // (16384), its start kept and marked
        check("400 kB text stored as its first 16384 characters, marked truncated", big.substring(0, 16384).equals(text(wBig))
                && "t".equals(app.queryString("SELECT text_truncated FROM message WHERE wamid = ?", wBig)));

        String noId = Workspaces.unique("wamid.bad.noid");
        ObjectNode e4 = event(noId, "hi");
        ((ObjectNode) e4.get("message")).remove("id");
        JsonNode r4 = expect("message without id", signed(e4.toString().getBytes(StandardCharsets.UTF_8)), 200);
        check("message without id is a dead letter", r4 != null && r4.path("deadLettered").asInt() == 1);

        ObjectNode foreign = event(Workspaces.unique("wamid.bad.foreign"), "hi");
        foreign.put("phone_number_id", b.phoneNumberId());
        ((ObjectNode) foreign.get("conversation")).put("phone_number_id", b.phoneNumberId());
        byte[] fb = foreign.toString().getBytes(StandardCharsets.UTF_8);
        expect("B's number signed with A's secret", kapso(fb, Webhooks.sign(a.secret(), fb), "application/json", Webhooks.RECEIVED), 401);
    }

    private void metaWebhook() throws Exception {
        byte[] sample = Webhooks.sample("meta-message.json");
        expect("Meta without signature", app.post("/webhooks/meta", "application/json", sample), 401);
        byte[] notMeta = "{\"object\": \"page\", \"entry\": []}".getBytes(StandardCharsets.UTF_8);
        expect("Meta object not whatsapp_business_account", app.post("/webhooks/meta", "application/json", notMeta,
                "X-Hub-Signature-256", "sha256=" + Webhooks.sign(LeadlineApp.FALLBACK_SECRET, notMeta)), 400);
        expect("Meta handshake with a wrong token", app.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1", null), 403);
    }

    private void leadApi() throws Exception {
        String phone = Workspaces.newPhone();
        b.webhooks().kapso(Webhooks.received(b.phoneNumberId(), Workspaces.unique("wamid.bad.b"), phone, "hi", Instant.now().getEpochSecond()));
        long bLead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);
        String t = a.token();
        expect("limit -1", api("GET", "/api/leads?limit=-1", null, t), 400);
        expect("limit 100000", api("GET", "/api/leads?limit=100000", null, t), 400);
        expect("limit abc", api("GET", "/api/leads?limit=abc", null, t), 400);
        expect("garbage cursor", api("GET", "/api/leads?cursor=%25%25", null, t), 400);
        expect("cursor of the right encoding, wrong content",
                api("GET", "/api/leads?cursor=" + Base64.getUrlEncoder().encodeToString("12.x".getBytes(StandardCharsets.UTF_8)), null, t), 400);
        expect("bad activeSince", api("GET", "/api/leads?activeSince=tomorrow", null, t), 400);
        JsonNode q = expect("SQL-looking q", api("GET", "/api/leads?q=%27%20OR%201%3D1%20--", null, t), 200);
        check("SQL-looking q finds nothing", q != null && q.path("items").size() == 0);
        expect("lead id not a number", api("GET", "/api/leads/abc", null, t), 400);
        expect("lead id overflows a long", api("GET", "/api/leads/99999999999999999999", null, t), 400);
        expect("lead id zero", api("GET", "/api/leads/0/messages", null, t), 400);
        expect("another workspace's lead", api("GET", "/api/leads/" + bLead, null, t), 404);
        expect("timeline with an impossible date", api("GET", "/api/leads/" + bLead + "/timeline?from=2025-13-45", null, b.token()), 400);
        expect("PATCH with malformed JSON", api("PATCH", "/api/leads/" + bLead, "{\"status\":", b.token()), 400);
        expect("PATCH with NUL in name", api("PATCH", "/api/leads/" + bLead, "{\"name\": \"a\\u0000b\"}", b.token()), 400);
        expect("PATCH with a number as status", api("PATCH", "/api/leads/" + bLead, "{\"status\": 7}", b.token()), 400);
        expect("note with NUL", api("POST", "/api/leads/" + bLead + "/notes", "{\"content\": \"a\\u0000\"}", b.token()), 400);
        expect("note over the body limit", api("POST", "/api/leads/" + bLead + "/notes",
                "{\"content\": \"" + "z".repeat(1_100_000) + "\"}", b.token()), 413);
        expect("note id not a number", api("DELETE", "/api/leads/" + bLead + "/notes/x", null, b.token()), 400);
        check("no note was stored by the bad requests", app.queryLong("SELECT count(*) FROM note WHERE lead_id = ?", bLead) == 0);
        check("the lead was not changed", "new".equals(app.queryString("SELECT status FROM lead WHERE id = ?", bLead)));
    }

    private void summariesAndAdmin() throws Exception {
        expect("summary date garbage", api("POST", "/api/summaries/run?date=yesterday", null, a.token()), 400);
        expect("summary leadId negative", api("POST", "/api/summaries/run?leadId=-5", null, a.token()), 400);
        expect("summary force maybe", api("POST", "/api/summaries/run?force=maybe", null, a.token()), 400);
        expect("run id not a number", api("GET", "/api/summaries/runs/abc", null, a.token()), 400);
        String name = "Robert'); DROP TABLE workspace;--";
        JsonNode created = expect("admin: SQL-looking workspace name", api("POST", "/api/admin/workspaces",
                "{\"name\": \"" + name.replace("\"", "\\\"") + "\", \"phoneNumberId\": \"" + (900_000_000L + cases)
                        + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"0123456789abcdef\"}", admin), 201);
        check("SQL-looking workspace name stored verbatim", created != null && name.equals(created.path("name").asText()));
        expect("admin: body not JSON", app.send(HttpRequest.newBuilder(app.uri("/api/admin/workspaces"))
                .POST(HttpRequest.BodyPublishers.ofString("name=x")).header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + admin)), 415);
        expect("admin: unknown field", api("POST", "/api/admin/workspaces", "{\"nmae\": \"x\"}", admin), 400);
        expect("admin: dead letter id not a number", api("POST", "/api/admin/dead-letters/x/replay", null, admin), 400);
        expect("admin: limit 0", api("GET", "/api/admin/dead-letters?limit=0", null, admin), 400);
    }
}
