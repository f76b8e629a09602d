package dev.leadline.support;

import static dev.leadline.support.Webhooks.JSON;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** Runs daily summaries by hand through the API, and waits for background runs to finish. */
public final class SummaryRuns {

    private final LeadlineApp app;
    private final String token;

    public SummaryRuns(LeadlineApp app, String token) {
        this.app = app;
        this.token = token;
    }

    public HttpResponse<String> post(String query) throws Exception {
        return app.send(HttpRequest.newBuilder(app.uri("/api/summaries/run" + (query.isEmpty() ? "" : "?" + query)))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Runs the day (all its active leads) and waits until the run record says it is done. */
    public JsonNode runDay(String date, String... extra) throws Exception {
        HttpResponse<String> started = post("date=" + date + (extra.length > 0 ? "&" + String.join("&", extra) : ""));
        if (started.statusCode() != 202) {
            throw new AssertionError("expected 202, got " + started.statusCode() + " " + started.body());
        }
        long id = JSON.readTree(started.body()).get("id").asLong();
        return awaitRun(id);
    }

    /** Runs one lead's day, synchronously. */
    public JsonNode runLead(String date, long leadId, String... extra) throws Exception {
        HttpResponse<String> done = post("date=" + date + "&leadId=" + leadId
                + (extra.length > 0 ? "&" + String.join("&", extra) : ""));
        if (done.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + done.statusCode() + " " + done.body());
        }
        return JSON.readTree(done.body());
    }

    public JsonNode awaitRun(long id) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonNode run = JSON.readTree(app.get("/api/summaries/runs/" + id, token).body());
            if (!"running".equals(run.path("status").asText())) {
                return run;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("summary run " + id + " did not finish within 60 s");
    }
}
