package dev.leadline.bench;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.StubLlm;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * kill -9 of the instance running the daily run, two service processes on one embedded PostgreSQL, the stub LLM:
 * from the kill to the last note of the lead-days the dead run left (its lead-days of yesterday), and the dead
 * run's record. With the default settings but the schedule (one fire, a minute after the launch, not again for an
 * hour: a takeover within the hour is the recovery's) and the pools (two services on one server). TakeoverTest
 * runs it and checks what it finds.
 */
public final class TakeoverBenchmark {

    private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta"); // the demo workspace's time zone
    private static final Pattern LEAD_TAG = Pattern.compile("lead-(\\d+)-takeover");

    /**
     * What a takeover did.
     * @param requestsPerLead     LLM requests per lead ("lead-N") from the first fire on
     * @param requestsAtKill      the same, at the kill (a lead asked then but without a note was in flight)
     * @param notedAtKill         leads with a note at the kill
     */
    public record Result(int leads, long runId, String victim, String survivor, long notesOfRunAtKill,
                         long killToTakeoverRunMillis, long killToLastNoteMillis, int notes, String takeoverInstance,
                         boolean survivorRecoveredTheFire, Map<String, Long> killedRun, long notesCarryingKilledRunId,
                         Map<String, Integer> requestsPerLead, Map<String, Integer> requestsAtKill,
                         java.util.Set<String> notedAtKill) {
    }

    private TakeoverBenchmark() {
    }

    static void run(int leads, long llmLatencyMillis, Table table) throws Exception {
        Result r = measure(leads, llmLatencyMillis, Map.of());
        table.add("takeover of a kill -9 mid daily run (defaults: quartz check-in 7.5 s, heartbeat 30 s), " + leads
                        + " lead-days, LLM " + llmLatencyMillis + " ms",
                r.killToLastNoteMillis() + " ms from the kill to the last note (takeover run opened after "
                        + r.killToTakeoverRunMillis() + " ms; " + r.notes() + "/" + leads + " notes; killed run "
                        + r.killedRun() + ", " + r.notesCarryingKilledRunId() + " notes carry its id)",
                "120000 ms", String.format("%.2f", r.killToLastNoteMillis() / 120000.0));
    }

    /**
     * @param settings environment overrides of the services (QUARTZ_CHECKIN_INTERVAL_MS ...) on top of the defaults
     */
    public static Result measure(int leads, long llmLatencyMillis, Map<String, String> settings) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
             StubLlm llm = new StubLlm()) {
            String dbUrl = pg.getJdbcUrl("postgres", "postgres");
            llm.latency(llmLatencyMillis);
            ZonedDateTime fire = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60);
            Map<String, String> env = new HashMap<>();
            env.put("DB_URL", dbUrl);
            env.put("DB_USER", "postgres");
            env.put("DB_PASSWORD", "");
            env.put("DEMO_ENABLED", "true");
            env.put("SUMMARIES_ENABLED", "true");
            env.put("SUMMARIES_CRON", fire.getSecond() + " " + fire.getMinute() + " * * * ?");
            env.put("SUMMARIES_CRON_TIME_ZONE", "UTC");
            env.put("CATCHUP_SCHEDULED", "false");
            env.put("CATCHUP_ON_START", "false");
            env.put("LLM_API_KEY", StubLlm.KEY);
            env.put("LLM_BASE_URL", llm.baseUrl());
            env.put("LLM_MODEL", StubLlm.MODEL);
            env.put("LLM_MAX_RETRIES", "0");
            env.putAll(settings);
            List<String> jvm = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
            Map<String, ServiceProcess> instances = new TreeMap<>();
            try {
                instances.put("a", ServiceProcess.start("takeover-a", env, jvm));
                instances.put("b", ServiceProcess.start("takeover-b", env, jvm));
                return killMidRun(leads, dbUrl, llm, instances);
            } finally {
                for (ServiceProcess p : instances.values()) {
                    p.close();
                }
            }
        }
    }

    private static Result killMidRun(int leads, String dbUrl, StubLlm llm, Map<String, ServiceProcess> instances) throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        LocalDate yesterday = LocalDate.now(JAKARTA).minusDays(1);
        for (int lead = 0; lead < leads; lead++) {
            String phone = Workspaces.newPhone();
            long at = yesterday.atTime(LocalTime.of(14, 0)).atZone(JAKARTA).toEpochSecond();
            byte[] body = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, "wamid.takeover." + tag + "." + lead, phone,
                    "Pesan dari lead-" + lead + "-takeover: kapan bisa dikirim?", at).toString().getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> answer = instances.get(lead % 2 == 0 ? "a" : "b").deliverDemoWebhook(body);
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("webhook answered " + answer.statusCode() + ": " + answer.body());
            }
        }
        Sql sql = new Sql(dbUrl);
        String ourNotes = "SELECT count(*) FROM note n JOIN message m ON m.lead_id = n.lead_id AND m.wamid LIKE 'wamid.takeover." + tag
                + ".%' WHERE n.kind = 'daily_summary' AND n.day = CAST(? AS date)";

        // The fire takes the day; once it has written a few notes, kill -9 the instance running it.
        long runId = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            runId = sql.count("SELECT COALESCE(max(id), 0) FROM summary_run WHERE status = 'running' AND trigger = 'schedule'");
            if (runId > 0 && sql.count("SELECT count(*) FROM note WHERE run_id = ?", runId) >= 3) {
                break;
            }
            Thread.sleep(50);
        }
        if (runId == 0) {
            throw new IllegalStateException("the scheduled run did not start within 180 s");
        }
        String victim = instanceThatStarted(instances, runId);
        String survivor = victim.equals("a") ? "b" : "a";
        long killedAt = System.currentTimeMillis();
        instances.get(victim).kill();
        Thread.sleep(200); // requests the victim had sent are all in
        long notesOfRunAtKill = sql.count("SELECT count(*) FROM note WHERE run_id = ?", runId);
        Map<String, Integer> requestsAtKill = requestsPerLead(llm);
        java.util.Set<String> notedAtKill = notedLeads(sql, tag, yesterday);

        deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (sql.count(ourNotes, yesterday.toString()) < leads && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long lastNoteAt = System.currentTimeMillis();
        long takeoverRun = sql.count("SELECT COALESCE(min(id), 0) FROM summary_run WHERE id > ? AND trigger = 'schedule'", runId);
        long takeoverOpenedAt = sql.count("SELECT CAST(EXTRACT(EPOCH FROM started_at) * 1000 AS bigint) FROM summary_run WHERE id = ?", takeoverRun);
        Map<String, Long> killedRun = new TreeMap<>();
        try (Connection c = sql.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT status = 'interrupted' AS interrupted, leads_considered, notes_written, prompt_tokens FROM summary_run WHERE id = ?")) {
            ps.setLong(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                killedRun.put("interrupted", rs.getBoolean(1) ? 1L : 0L);
                killedRun.put("leadsConsidered", rs.getLong(2));
                killedRun.put("notesWritten", rs.getLong(3));
                killedRun.put("promptTokens", rs.getLong(4));
            }
        }
        return new Result(leads, runId, victim, survivor, notesOfRunAtKill, takeoverOpenedAt - killedAt, lastNoteAt - killedAt,
                (int) sql.count(ourNotes, yesterday.toString()), instanceThatStarted(instances, takeoverRun),
                Files.readString(instances.get(survivor).log()).contains("recovered on this instance"), killedRun,
                sql.count("SELECT count(*) FROM note WHERE run_id = ?", runId), requestsPerLead(llm), requestsAtKill, notedAtKill);
    }

    /** LLM requests so far per lead of this scenario ("lead-N"), from the prompt's transcript. */
    private static Map<String, Integer> requestsPerLead(StubLlm llm) {
        Map<String, Integer> perLead = new TreeMap<>();
        for (JsonNode request : List.copyOf(llm.requests())) {
            Matcher lead = LEAD_TAG.matcher(request.path("messages").path(1).path("content").asText());
            if (lead.find()) {
                perLead.merge("lead-" + lead.group(1), 1, Integer::sum);
            }
        }
        return perLead;
    }

    /** The leads of this scenario ("lead-N") with a note of the day. */
    private static java.util.Set<String> notedLeads(Sql sql, String tag, LocalDate day) throws SQLException {
        java.util.Set<String> noted = new java.util.HashSet<>();
        try (Connection c = sql.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT m.text FROM note n JOIN message m ON m.lead_id = n.lead_id AND m.wamid LIKE ? "
                        + "WHERE n.kind = 'daily_summary' AND n.day = ?")) {
            ps.setString(1, "wamid.takeover." + tag + ".%");
            ps.setObject(2, day);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Matcher lead = LEAD_TAG.matcher(rs.getString(1));
                    if (lead.find()) {
                        noted.add("lead-" + lead.group(1));
                    }
                }
            }
        }
        return noted;
    }

    /** The instance whose log says it started the run ("none": none). */
    public static String instanceThatStarted(Map<String, ServiceProcess> instances, long runId) throws Exception {
        for (Map.Entry<String, ServiceProcess> e : instances.entrySet()) {
            if (e.getValue().startedSummaryRun(runId)) {
                return e.getKey();
            }
        }
        return "none";
    }

    private record Sql(String url) {
        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, "postgres", "");
        }

        long count(String statement, Object... params) throws SQLException {
            try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(statement)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            }
        }
    }
}
