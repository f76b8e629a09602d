package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile query strings on every query parameter of the lead and summaries APIs: dates Java parses but
 * PostgreSQL cannot hold, impossible offsets, NUL and control characters, huge numbers, forged cursors.
 * Each is a 400 with the JSON error body, and none reaches the log as a failure.
 */
class QueryValidationTest {

    static LeadlineApp app;
    static String token;
    static long lead;
    static final List<LogEvent> LOGGED = new CopyOnWriteArrayList<>();
    static AbstractAppender capture;

    @BeforeAll
    static void seed() throws Exception {
        app = LeadlineApp.shared();
        String phoneNumberId = Workspaces.unique("pnid-qv-");
        String secret = Workspaces.unique("secret-qv-");
        token = Workspaces.unique("token-qv-");
        Workspaces.create(app, phoneNumberId, secret, token);
        String phone = Workspaces.newPhone();
        Webhooks webhooks = new Webhooks(app, secret);
        assertEquals(200, webhooks.kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.qv"),
                phone, "halo", Instant.now().getEpochSecond() - 60)).statusCode());
        assertEquals(200, webhooks.kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.qv"),
                Workspaces.newPhone(), "halo", Instant.now().getEpochSecond() - 120)).statusCode());
        lead = app.queryLong("SELECT id FROM lead WHERE phone = ?", phone);

        capture = new AbstractAppender("query-validation-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN) || event.getThrown() != null) {
                    LOGGED.add(event.toImmutable());
                }
            }
        };
        capture.start();
        rootLogger().addAppender(capture);
    }

    @AfterAll
    static void detach() {
        rootLogger().removeAppender(capture);
        capture.stop();
    }

    static org.apache.logging.log4j.core.Logger rootLogger() {
        return ((LoggerContext) LogManager.getContext(false)).getRootLogger();
    }

    /** A cursor in the API's own encoding, base64url of "epochMicros.id", with any content. */
    static String cursor(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** Each request is answered 400 with {"error": "bad_request", "detail": ...}, and nothing is logged as a failure. */
    static void expect400(String method, String... paths) throws Exception {
        List<String> failures = new ArrayList<>();
        LOGGED.clear();
        for (String path : paths) {
            HttpResponse<String> response = app.call(method, path, null, token);
            JsonNode body;
            try {
                body = JSON.readTree(response.body());
            } catch (Exception e) {
                body = JSON.nullNode();
            }
            if (response.statusCode() != 400 || !"bad_request".equals(body.path("error").asText())
                    || body.path("detail").asText().isEmpty()) {
                failures.add(method + " " + path + " -> " + response.statusCode() + " " + response.body());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(LOGGED.isEmpty(), "logged: " + LOGGED.stream().map(e -> e.getMessage().getFormattedMessage()).toList());
    }

    @Test
    void activeSinceOutsideWhatPostgresqlHoldsOrWithAnImpossibleOffsetIs400() throws Exception {
        String tooLate = LocalDate.now(ZoneOffset.UTC).plusYears(2).toString();
        expect400("GET",
                "/api/leads?activeSince=%2B999999999-12-31",
                "/api/leads?activeSince=-999999999-01-01",
                "/api/leads?activeSince=%2B300000-01-01T00:00:00Z",
                "/api/leads?activeSince=2026-11-25T10:00:00%2B18:00",
                "/api/leads?activeSince=2026-11-25T10:00:00-18:00",
                "/api/leads?activeSince=2026-11-25T10:00:00%2B14:30",
                "/api/leads?activeSince=1999-12-31",
                "/api/leads?activeSince=" + tooLate,
                "/api/leads?activeSince=%00");
    }

    @Test
    void datesAndOffsetsInsideTheRangeStillWork() throws Exception {
        for (String query : List.of("activeSince=2000-01-01", "activeSince=2026-11-25T10:00:00%2B14:00",
                "activeSince=2026-11-25T10:00:00-12:00", "activeSince=" + LocalDate.now(ZoneOffset.UTC).plusYears(1))) {
            HttpResponse<String> response = app.get("/api/leads?" + query, token);
            assertEquals(200, response.statusCode(), query + " -> " + response.body());
        }
        assertEquals(2, JSON.readTree(app.get("/api/leads?activeSince=2000-01-01", token).body()).get("items").size());
        HttpResponse<String> timeline = app.get("/api/leads/" + lead + "/timeline?from=2000-01-01&to="
                + LocalDate.now(ZoneOffset.UTC).plusYears(1), token);
        assertEquals(200, timeline.statusCode(), timeline.body());
    }

    @Test
    void timelineDatesOutsideTheRangeAre400() throws Exception {
        String timeline = "/api/leads/" + lead + "/timeline";
        expect400("GET",
                timeline + "?to=%2B999999999-12-31",
                timeline + "?from=%2B300000-01-01",
                timeline + "?from=-4713-01-01",
                timeline + "?from=0000-01-01&to=2025-11-25",
                timeline + "?from=1999-12-31",
                timeline + "?to=" + LocalDate.now(ZoneOffset.UTC).plusYears(2),
                timeline + "?from=%00",
                timeline + "?kind=%00");
    }

    @Test
    void controlCharactersInTheSearchAre400() throws Exception {
        expect400("GET",
                "/api/leads?q=%00",
                "/api/leads?q=Budi%00",
                "/api/leads?q=%2B62812%00",
                "/api/leads?q=Budi%0ASantoso",
                "/api/leads?q=Budi%1B%5B31m",
                "/api/leads?q=%7F",
                "/api/leads?status=%00");
        // Text that only looks hostile is a search like any other.
        for (String q : List.of("%25", "_", "%5C", "'%3B%20DROP%20TABLE%20lead%3B--", "%E2%80%8B", "%F0%9F%98%80")) {
            HttpResponse<String> response = app.get("/api/leads?q=" + q, token);
            assertEquals(200, response.statusCode(), q + " -> " + response.body());
        }
    }

    @Test
    void hugeNumbersAndForgedCursorsAre400() throws Exception {
        String messages = "/api/leads/" + lead + "/messages";
        String timeline = "/api/leads/" + lead + "/timeline";
        List<String> paths = new ArrayList<>();
        for (String base : List.of("/api/leads", messages, timeline)) {
            paths.add(base + "?limit=99999999999999999999");
            paths.add(base + "?limit=2147483648");
            paths.add(base + "?limit=-2147483649");
            paths.add(base + "?limit=201");
            paths.add(base + "?limit=%00");
            paths.add(base + "?cursor=" + cursor(Long.MAX_VALUE + ".1"));
            paths.add(base + "?cursor=" + cursor(Long.MIN_VALUE + ".1"));
            paths.add(base + "?cursor=" + cursor("253402300800000000.1"));  // 10000-01-01
            paths.add(base + "?cursor=" + cursor("-62135596800000000.1"));  // 0001-01-01
            paths.add(base + "?cursor=" + cursor("1764000000000000.99999999999999999999"));
            paths.add(base + "?cursor=" + cursor("1764000000000000"));
            paths.add(base + "?cursor=%00");
        }
        paths.add("/api/leads/99999999999999999999");
        paths.add("/api/leads/99999999999999999999/messages");
        paths.add("/api/leads/99999999999999999999/timeline");
        paths.add("/api/leads/-1/timeline");
        paths.add("/api/summaries/runs/99999999999999999999");
        paths.add("/api/summaries/runs/0");
        expect400("GET", paths.toArray(String[]::new));

        expect400("POST",
                "/api/summaries/run?leadId=99999999999999999999",
                "/api/summaries/run?leadId=%00",
                "/api/summaries/run?leadId=-1",
                "/api/summaries/run?force=%00",
                "/api/summaries/run?date=%00",
                "/api/summaries/run?date=%2B999999999-12-31");

        // The largest ids are well-formed: no such lead or run.
        assertEquals(404, app.get("/api/leads/9223372036854775807/timeline", token).statusCode());
        assertEquals(404, app.get("/api/summaries/runs/9223372036854775807", token).statusCode());
    }

    /** Another script's digits (Arabic-Indic, fullwidth) or a sign are no id or page size: 400, as letters are. */
    @Test
    void onlyAsciiDigitsAreAnIdOrALimit() throws Exception {
        List<String> paths = new ArrayList<>();
        for (String id : List.of(digits(lead, '\u0660'), digits(lead, '\uFF10'), digits(lead, '\u0966'), "%2B" + lead)) {
            String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
            paths.add("/api/leads/" + encoded);
            paths.add("/api/leads/" + encoded + "/messages");
            paths.add("/api/leads/" + encoded + "/timeline");
        }
        for (String limit : List.of("\u0665", "\uFF15", "%2B5", "\u0661\u0660")) {
            String encoded = limit.startsWith("%") ? limit : URLEncoder.encode(limit, StandardCharsets.UTF_8);
            paths.add("/api/leads?limit=" + encoded);
            paths.add("/api/leads/" + lead + "/messages?limit=" + encoded);
            paths.add("/api/leads/" + lead + "/timeline?limit=" + encoded);
        }
        expect400("GET", paths.toArray(String[]::new));
        expect400("POST", "/api/summaries/run?leadId=" + URLEncoder.encode(digits(lead, '\u0660'), StandardCharsets.UTF_8));
        // the same id and page size in ASCII digits are read
        assertEquals(200, app.get("/api/leads/" + lead, token).statusCode());
        assertEquals(200, app.get("/api/leads?limit=5", token).statusCode());
    }

    /** The number's decimal digits written from the given zero (U+0660 Arabic-Indic, U+FF10 fullwidth...). */
    static String digits(long number, char zero) {
        StringBuilder out = new StringBuilder();
        for (char c : Long.toString(number).toCharArray()) {
            out.append((char) (zero + (c - '0')));
        }
        return out.toString();
    }

    @Test
    void aCursorTheApiIssuedStillPages() throws Exception {
        JsonNode first = JSON.readTree(app.get("/api/leads?limit=1", token).body());
        assertEquals(1, first.get("items").size());
        HttpResponse<String> next = app.get("/api/leads?limit=1&cursor=" + first.get("nextCursor").asText(), token);
        assertEquals(200, next.statusCode(), next.body());
        assertEquals(1, JSON.readTree(next.body()).get("items").size());
        assertTrue(JSON.readTree(next.body()).get("nextCursor").isNull());
    }
}
