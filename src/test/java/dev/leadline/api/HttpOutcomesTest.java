package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.build.RouteCheck;
import dev.leadline.outbound.OutboundFailure;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import dev.leadline.web.ApiException;
import dev.leadline.web.BadRequest;
import dev.leadline.web.Conflict;
import dev.leadline.web.ErrorResponses;
import dev.leadline.web.Forbidden;
import dev.leadline.web.NotFound;
import dev.leadline.web.PreconditionRequired;
import dev.leadline.web.Unauthorized;
import dev.leadline.web.Unprocessable;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The HTTP outcomes are visible in the routes. A route's 4xx is a typed exception that carries
 * its status (throwException, or a validation bean named in the route's comment); respond-with-json takes
 * the status, ETag and Location from variables, so nothing has to follow it; the API routes' bean calls
 * show their arguments. Checked on the route files themselves, and end to end over HTTP.
 */
class HttpOutcomesTest {

    static final Path ROUTES = Path.of("routes");
    /** The API's route files (X.yaml, or X.camel.yaml once renamed), whose bean calls must show what they read. */
    static final List<String> API_ROUTE_FILES = List.of("leads-api", "admin-api", "summaries-api", "api-support", "error-handling");

    @Test
    void eachTypedOutcomeCarriesItsStatusAndErrorCode() {
        assertOutcome(new BadRequest("x"), 400, "bad_request");
        assertOutcome(new Unauthorized("x"), 401, "unauthorized");
        assertOutcome(new Forbidden("x"), 403, "forbidden");
        assertOutcome(new NotFound("x"), 404, "not_found");
        assertOutcome(new Conflict("x"), 409, "conflict");
        assertOutcome(new Unprocessable("x"), 422, "unprocessable");
        assertOutcome(new PreconditionRequired("x"), 428, "precondition_required");
        // the factories the ~90 older throw sites use return the typed outcomes
        assertInstanceOf(BadRequest.class, ApiException.badRequest("x"));
        assertInstanceOf(Unauthorized.class, ApiException.unauthorized("x"));
        assertInstanceOf(NotFound.class, ApiException.notFound("x"));
        // wrapped, as a bean call's failure reaches the error handler, it is still answered with its status
        ApiException found = ErrorResponses.classify(new RuntimeCamelException(new Conflict("stale", Map.of("currentVersion", 4L))));
        assertEquals(409, found.status());
        assertEquals(Map.of("currentVersion", 4L), found.extra());
    }

    static void assertOutcome(ApiException outcome, int status, String error) {
        assertEquals(status, outcome.status(), outcome.getClass().getSimpleName());
        assertEquals(error, outcome.error(), outcome.getClass().getSimpleName());
        assertEquals("x", outcome.detail());
    }

    /**
     * Every throwException in the routes names a typed outcome that throwException can build (a String
     * constructor): an HTTP outcome (ApiException, rendered by http-json-errors), or an outside service's
     * failure (OutboundFailure: Kapso's, the LLM's), which the route that calls the service records on its run.
     */
    @Test
    void everyThrowExceptionStepRaisesATypedOutcome() throws Exception {
        List<String> raised = new ArrayList<>();
        for (Path file : RouteCheck.routeFiles(ROUTES)) {
            walk(load(file), node -> {
                if (node instanceof Map<?, ?> map && map.get("throwException") instanceof Map<?, ?> step) {
                    raised.add(file.getFileName() + ": " + step.get("exceptionType"));
                }
            });
        }
        assertTrue(raised.size() >= 3, raised.toString());
        for (String entry : raised) {
            Class<?> type = Class.forName(entry.substring(entry.indexOf(": ") + 2));
            assertTrue(ApiException.class.isAssignableFrom(type) || OutboundFailure.class.isAssignableFrom(type),
                    entry + " is neither an ApiException nor an OutboundFailure");
            type.getConstructor(String.class);
        }
    }

    /** respond-with-json removes every header: a status, ETag or Location set after it would be lost. */
    @Test
    void nothingSetsAHeaderAfterRespondWithJson() throws Exception {
        List<String> late = new ArrayList<>();
        int callers = 0;
        for (Path file : RouteCheck.routeFiles(ROUTES)) {
            List<List<?>> stepLists = new ArrayList<>();
            walk(load(file), node -> {
                if (node instanceof Map<?, ?> map && map.get("steps") instanceof List<?> steps) {
                    stepLists.add(steps);
                }
            });
            for (List<?> steps : stepLists) {
                boolean responded = false;
                for (Object step : steps) {
                    if (responded && step instanceof Map<?, ?> map
                            && (map.containsKey("setHeader") || map.containsKey("setHeaders") || map.containsKey("removeHeaders"))) {
                        late.add(file.getFileName() + ": " + map);
                    }
                    if (step instanceof Map<?, ?> map && map.get("to") instanceof Map<?, ?> to
                            && "direct:respond-with-json".equals(to.get("uri"))) {
                        responded = true;
                        callers++;
                    }
                }
            }
        }
        assertTrue(callers >= 15, "callers of respond-with-json found: " + callers);
        assertEquals(List.of(), late);
    }

    /**
     * A bean call in the API routes names its arguments, e.g. {@code method: leadId(${header.id})}, so the
     * route says what the bean reads.
     */
    @Test
    void everyBeanCallInTheApiRoutesShowsItsArguments() throws Exception {
        List<String> bare = new ArrayList<>();
        for (String name : API_ROUTE_FILES) {
            Path file = Files.exists(ROUTES.resolve(name + ".camel.yaml")) ? ROUTES.resolve(name + ".camel.yaml")
                    : ROUTES.resolve(name + ".yaml");
            for (Object route : (List<?>) load(file)) {
                Map<?, ?> top = (Map<?, ?>) route;
                Object definition = top.containsKey("route") ? top.get("route") : top.get("routeConfiguration");
                if (definition == null) {
                    continue;
                }
                walk(definition, node -> {
                    if (node instanceof Map<?, ?> map && map.get("ref") != null && map.get("method") instanceof String method
                            && !method.contains("(")) {
                        bare.add(name + ": " + map.get("ref") + "." + method);
                    }
                });
            }
        }
        assertEquals(List.of(), bare);
    }

    /**
     * PATCH /api/leads/{id}: each check is its own step in update-lead, in the order its comment gives
     * (fields 400, version 428/400/409, status 400, workflow 422). A request wrong in two ways gets the
     * earlier outcome.
     */
    @Test
    void aLeadUpdateIsAnsweredByTheFirstCheckItFails() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        Lead lead = Lead.create(app);
        String path = "/api/leads/" + lead.id;

        assertError(app.call("PATCH", path, "{\"stage\": \"won\"}", lead.token), 400, "bad_request", "unknown field(s) [stage]");
        assertError(app.call("PATCH", path, "{\"status\": 7}", lead.token), 428, "precondition_required", "If-Match");
        assertError(app.call("PATCH", path, "{\"status\": \"won\"}", lead.token, "If-Match", "\"x\""), 400, "bad_request", "If-Match");
        JsonNode stale = assertError(app.call("PATCH", path, "{\"status\": \"won\"}", lead.token, "If-Match", "\"99\""),
                409, "conflict", "changed since you read it");
        assertEquals(lead.version(), stale.get("currentVersion").asLong());
        String etag = "\"" + lead.version() + "\"";
        assertError(app.call("PATCH", path, "{\"status\": 7, \"name\": 8}", lead.token, "If-Match", etag), 400, "bad_request",
                "status must be a string");
        JsonNode skip = assertError(app.call("PATCH", path, "{\"status\": \"won\", \"name\": 8}", lead.token, "If-Match", etag),
                422, "transition_not_allowed", "cannot go from new to won");
        assertEquals("[\"contacted\",\"lost\"]", skip.get("allowed").toString());
        assertError(app.call("PATCH", path, "{\"status\": \"contacted\", \"name\": 8}", lead.token, "If-Match", etag), 400,
                "bad_request", "name must be a string");
        assertEquals("new", app.queryString("SELECT status FROM lead WHERE id = ?", lead.id), "nothing changed");

        HttpResponse<String> changed = app.call("PATCH", path, "{\"status\": \"contacted\"}", lead.token, "If-Match", etag);
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals("\"" + lead.version() + "\"", changed.headers().firstValue("ETag").orElseThrow(), "the ETag of the new version");
        assertJson(changed);
    }

    /** delete-manual-note: throwException steps in the route, 404 for no such note, 403 naming the kind of a system note. */
    @Test
    void deletingANoteIsNotFoundOrForbiddenAsTheRouteSays() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        Lead lead = Lead.create(app);
        String etag = "\"" + lead.version() + "\"";
        assertEquals(200, app.call("PATCH", "/api/leads/" + lead.id, "{\"status\": \"contacted\"}", lead.token, "If-Match", etag)
                .statusCode());
        long statusNote = app.queryLong("SELECT id FROM note WHERE lead_id = ? AND kind = 'status_change'", lead.id);

        assertError(app.call("DELETE", "/api/leads/" + lead.id + "/notes/" + statusNote, null, lead.token), 403, "forbidden",
                "this is a status_change note, which the system keeps");
        assertError(app.call("DELETE", "/api/leads/" + lead.id + "/notes/999999999", null, lead.token), 404, "not_found",
                "no such note");

        HttpResponse<String> added = app.call("POST", "/api/leads/" + lead.id + "/notes", "{\"content\": \"rang back\"}", lead.token);
        assertEquals(201, added.statusCode(), added.body());
        assertJson(added);
        long noteId = JSON.readTree(added.body()).get("id").asLong();
        HttpResponse<String> deleted = app.call("DELETE", "/api/leads/" + lead.id + "/notes/" + noteId, null, lead.token);
        assertEquals(204, deleted.statusCode(), deleted.body());
    }

    /** A whole-day manual run: 202 and its Location, both set as variables before respond-with-json. */
    @Test
    void aBackgroundRunIsAcceptedWithItsLocation() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        Lead lead = Lead.create(app);
        HttpResponse<String> started = app.call("POST", "/api/summaries/run?date=2020-01-02", null, lead.token);
        assertEquals(202, started.statusCode(), started.body());
        assertJson(started);
        long runId = JSON.readTree(started.body()).get("id").asLong();
        assertEquals("/api/summaries/runs/" + runId, started.headers().firstValue("Location").orElseThrow());
        assertEquals(200, app.get("/api/summaries/runs/" + runId, lead.token).statusCode());
        assertError(app.get("/api/summaries/runs/999999999", lead.token), 404, "not_found", "no such summary run");
    }

    /** create-workspace: 201 as a variable; a phone_number_id taken is a throwException Conflict naming it. */
    @Test
    void aWorkspaceIsCreatedOnceAndItsPhoneNumberIdThenConflicts() throws Exception {
        try (LeadlineApp app = LeadlineApp.startWithAdmin()) {
            String phoneNumberId = String.valueOf(800_000_000_000L + Math.abs(System.nanoTime() % 100_000_000_000L));
            String body = "{\"name\": \"Toko\", \"phoneNumberId\": \"" + phoneNumberId
                    + "\", \"defaultCountry\": \"ID\", \"timeZone\": \"Asia/Jakarta\", \"webhookSecret\": \"0123456789abcdef\"}";
            HttpResponse<String> created = app.call("POST", "/api/admin/workspaces", body, LeadlineApp.ADMIN_TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            assertJson(created);
            assertFalse(created.headers().firstValue("Location").isPresent(), "no Location left over from another answer");
            assertError(app.call("POST", "/api/admin/workspaces", body, LeadlineApp.ADMIN_TOKEN), 409, "conflict",
                    "phone_number_id " + phoneNumberId + " already belongs to a workspace");
            long id = JSON.readTree(created.body()).get("id").asLong();
            HttpResponse<String> token = app.call("POST", "/api/admin/workspaces/" + id + "/tokens", null, LeadlineApp.ADMIN_TOKEN);
            assertEquals(201, token.statusCode(), token.body());
            assertError(app.call("PUT", "/api/admin/workspaces/999999999/kapso-key", "{\"apiKey\": \"k-123\"}",
                    LeadlineApp.ADMIN_TOKEN), 404, "not_found", "no such workspace");
        }
    }

    static JsonNode assertError(HttpResponse<String> response, int status, String error, String detailHas) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertJson(response);
        JsonNode body = JSON.readTree(response.body());
        assertEquals(error, body.get("error").asText(), body.toString());
        assertTrue(body.get("detail").asText().contains(detailHas), body.toString());
        return body;
    }

    static void assertJson(HttpResponse<String> response) {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), response.toString());
    }

    /** A fresh workspace with one lead, by a Kapso delivery. */
    record Lead(LeadlineApp app, String token, long id) {

        static Lead create(LeadlineApp app) throws Exception {
            String phoneNumberId = Workspaces.unique("pnid-outcome-");
            String token = Workspaces.unique("token-outcome-");
            String secret = Workspaces.unique("secret-");
            Workspaces.create(app, phoneNumberId, secret, token);
            String phone = Workspaces.newPhone();
            new Webhooks(app, secret).kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.outcome"), phone, "Halo",
                    Instant.now().minusSeconds(3600).getEpochSecond()));
            return new Lead(app, token, app.queryLong("SELECT id FROM lead WHERE phone = ?", phone));
        }

        long version() throws Exception {
            return app.queryLong("SELECT version FROM lead WHERE id = ?", id);
        }
    }

    static Object load(Path file) throws IOException {
        return new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    interface Visitor {
        void visit(Object node);
    }

    static void walk(Object node, Visitor visitor) {
        visitor.visit(node);
        if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> walk(value, visitor));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> walk(value, visitor));
        }
    }
}
