package dev.leadline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.bench.ServiceProcess;
import dev.leadline.bench.TakeoverBenchmark;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real service processes (two JVMs, as the README runs the service) on ONE PostgreSQL, with the
 * schedule every 5 s and the stub LLM: intake on either instance stores each message once, each scheduled
 * fire runs on exactly one instance, concurrent manual runs send each lead-day to the LLM once, and after
 * a kill -9 in the middle of a run the survivor's next fire finishes the day with no lead-day summarised
 * twice. Figures go to the test output (target/surefire-reports/dev.leadline.cluster.TwoInstanceTest-output.txt).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one start for all the cases, chosen by the class (serviceUrl)
class TwoInstanceTest {

    private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta"); // the demo workspace's time zone
    private static final Pattern FIRED = Pattern.compile("Summary schedule fired on this instance, scheduled for (\\d+)");
    private static final Pattern CATCH_UP_FIRED = Pattern.compile("Catch-up schedule fired on this instance, scheduled for (\\d+)");
    private static final Pattern LEAD_TAG = Pattern.compile("lead-(\\d+)-(\\w+)");
    private static final Pattern DAY = Pattern.compile("Day: (\\d{4}-\\d{2}-\\d{2})");
    private static final int LEASE_SECONDS = 3;
    /** Room for a dozen concurrent one-lead manual runs per instance. */
    static final int STREAMING_POOL = 14;

    private static EmbeddedPostgres embedded;
    private static String dbUrl;
    private static String dbUser;
    private static String dbPassword;
    private static StubLlm llm;
    static final Map<String, ServiceProcess> instances = new TreeMap<>();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // Made afresh by each start: TwoInstancePgBouncerTest runs the same in the same JVM.
    private static ExecutorService pool;
    private static String RUN;
    /** What stands between the services and the database (none: they connect to it), closed after them. */
    static AutoCloseable between;

    /** The URL the services are given for the database's, and the settings that go with it (put in env). */
    interface ServiceUrl {
        String of(String directUrl, String user, String password, Map<String, String> env) throws Exception;
    }

    /** The services connect to the database itself. */
    ServiceUrl serviceUrl() {
        return (directUrl, user, password, env) -> directUrl;
    }

    @BeforeAll
    void startTwoInstancesOnOneDatabase() throws Exception {
        ServiceUrl serviceUrl = serviceUrl();
        pool = Executors.newFixedThreadPool(32);
        RUN = UUID.randomUUID().toString().substring(0, 8);
        if (LeadlineApp.externalDatabase()) {
            // A database of its own on the external server: the schedule and the counts below see only this test.
            String base = System.getenv("LEADLINE_TEST_DB_URL");
            dbUser = System.getenv().getOrDefault("LEADLINE_TEST_DB_USER", "postgres");
            dbPassword = System.getenv().getOrDefault("LEADLINE_TEST_DB_PASSWORD", "");
            String name = "leadline_cluster_" + RUN;
            try (Connection c = DriverManager.getConnection(base, dbUser, dbPassword)) {
                c.createStatement().execute("CREATE DATABASE " + name);
            }
            dbUrl = base.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
        } else {
            embedded = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
            dbUrl = embedded.getJdbcUrl("postgres", "postgres");
            dbUser = "postgres";
            dbPassword = "";
        }
        llm = new StubLlm();
        Map<String, String> env = new HashMap<>();
        env.put("DB_URL", serviceUrl.of(dbUrl, dbUser, dbPassword, env));
        env.put("DB_USER", dbUser);
        env.put("DB_PASSWORD", dbPassword);
        env.put("DEMO_ENABLED", "true");
        env.put("SUMMARIES_ENABLED", "true");
        env.put("SUMMARIES_CRON", "0/5 * * * * ?");
        env.put("SUMMARIES_CONCURRENCY", "4");
        // The catch-up's own clustered schedule beside it (no workspace has a Kapso key: each fire skips them).
        env.put("CATCHUP_CRON", "0/3 * * * * ?");
        env.put("CATCHUP_ON_START", "false");
        // A dead instance is noticed fast: Quartz after 1 s + 7.5 s without a check-in (and its fire recovered),
        // its run after three missed 1 s heartbeats, its claims 3 s after its last heartbeat.
        env.put("QUARTZ_CHECKIN_INTERVAL_MS", "1000");
        env.put("SUMMARIES_HEARTBEAT_SECONDS", "1");
        env.put("SUMMARIES_CLAIM_LEASE_SECONDS", String.valueOf(LEASE_SECONDS));
        // Two services on one server: pools small enough for its connection limit, and room for a dozen
        // concurrent one-lead manual runs per instance.
        env.put("DB_POOL_SIZE", "8");
        env.put("DB_INTAKE_POOL_SIZE", "8");
        env.put("DB_STREAMING_POOL_SIZE", String.valueOf(STREAMING_POOL));
        env.put("DB_MAX_CONNECTIONS", String.valueOf(8 + 8 + STREAMING_POOL + 5));
        env.put("LLM_API_KEY", StubLlm.KEY);
        env.put("LLM_BASE_URL", llm.baseUrl());
        env.put("LLM_MODEL", StubLlm.MODEL);
        env.put("LLM_MAX_RETRIES", "0");
        List<String> jvm = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        // Both at once against the empty database: Flyway's lock orders the migrations. Logs: target/bench-logs/<class>-a.log
        String logName = getClass().getSimpleName();
        Future<ServiceProcess> a = pool.submit(() -> ServiceProcess.start(logName + "-a", env, jvm));
        Future<ServiceProcess> b = pool.submit(() -> ServiceProcess.start(logName + "-b", env, jvm));
        instances.put("a", a.get());
        instances.put("b", b.get());
        System.out.printf("started: a in %d ms, b in %d ms%n", instances.get("a").startupMillis(), instances.get("b").startupMillis());
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess p : instances.values()) {
            p.close();
        }
        instances.clear();
        if (between != null) {
            between.close();
            between = null;
        }
        pool.shutdownNow();
        if (llm != null) {
            llm.close();
        }
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }

    @Test
    @Order(1)
    void aBurstSplitAcrossBothWithEveryMessageSentToBothStoresEachOnce() throws Exception {
        LocalDate day = LocalDate.now(JAKARTA).minusDays(10);
        int leads = 12;
        int perLead = 5;
        List<Callable<JsonNode>> sends = new ArrayList<>();
        List<String> wamids = new ArrayList<>();
        for (int lead = 0; lead < leads; lead++) {
            String phone = Workspaces.newPhone();
            for (int m = 0; m < perLead; m++) {
                String wamid = "wamid.cluster." + RUN + "." + lead + "." + m;
                wamids.add(wamid);
                long at = day.atTime(LocalTime.of(9, 0)).plusMinutes(m).atZone(JAKARTA).toEpochSecond();
                byte[] body = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamid, phone,
                        "Pesan " + m + " dari lead-" + lead + "-burst: berapa harga paketnya?", at)
                        .toString().getBytes(StandardCharsets.UTF_8);
                // The same delivery to both instances at once (a retry landing on the other one).
                sends.add(() -> deliver(instances.get("a"), body));
                sends.add(() -> deliver(instances.get("b"), body));
            }
        }
        int stored = 0;
        int duplicates = 0;
        for (Future<JsonNode> answer : pool.invokeAll(sends)) {
            stored += answer.get().get("stored").asInt();
            duplicates += answer.get().get("duplicates").asInt();
        }

        long rows = count("SELECT count(*) FROM message WHERE wamid = ANY (?)", (Object) wamids.toArray(new String[0]));
        long leadRows = count("SELECT count(DISTINCT lead_id) FROM message WHERE wamid = ANY (?)", (Object) wamids.toArray(new String[0]));
        long leadsOfPhones = count("SELECT count(*) FROM lead l WHERE EXISTS (SELECT 1 FROM message m WHERE m.lead_id = l.id AND m.wamid = ANY (?))",
                (Object) wamids.toArray(new String[0]));
        System.out.printf("intake: %d messages, %d deliveries (each to both instances at once): %d stored, %d duplicates; "
                + "%d message rows, %d leads%n", wamids.size(), sends.size(), stored, duplicates, rows, leadsOfPhones);
        assertEquals(wamids.size(), rows, "each message stored once");
        assertEquals(wamids.size(), stored, "exactly one of the two deliveries of each message stored it");
        assertEquals(wamids.size(), duplicates, "the other one found it stored");
        assertEquals(leads, leadRows);
        assertEquals(leads, leadsOfPhones, "one lead per phone, though its first messages reached both instances at once");
    }

    @Test
    @Order(2)
    void concurrentManualRunsOfOneDayOnBothInstancesCallTheLlmOncePerLeadDay() throws Exception {
        LocalDate day = LocalDate.now(JAKARTA).minusDays(10);
        List<Long> leadIds = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT lead_id FROM message WHERE wamid LIKE ? ORDER BY lead_id")) {
            ps.setString(1, "wamid.cluster." + RUN + ".%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leadIds.add(rs.getLong(1));
                }
            }
        }
        assertEquals(12, leadIds.size());
        llm.latency(300); // long enough that the runs overlap
        int before = llm.requests().size();

        // The whole day on both instances, and every lead's day by itself on one or the other, all at once.
        List<Callable<HttpResponse<String>>> runs = new ArrayList<>();
        runs.add(() -> runSummaries(instances.get("a"), "date=" + day));
        runs.add(() -> runSummaries(instances.get("b"), "date=" + day));
        for (int i = 0; i < leadIds.size(); i++) {
            ServiceProcess on = instances.get(i % 2 == 0 ? "a" : "b");
            long lead = leadIds.get(i);
            runs.add(() -> runSummaries(on, "date=" + day + "&leadId=" + lead));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<Long> backgroundRuns = new ArrayList<>();
        for (Future<HttpResponse<String>> f : pool.invokeAll(runs)) {
            HttpResponse<String> r = f.get();
            statuses.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() == 202) {
                backgroundRuns.add(Webhooks.JSON.readTree(r.body()).get("id").asLong());
            }
        }
        awaitNoRunningRuns(Duration.ofSeconds(30));

        Map<String, Integer> perLeadDay = requestsPerLeadDay(requestsSince(before));
        long notes = count("SELECT count(*) FROM note WHERE kind = 'daily_summary' AND day = ? AND lead_id = ANY (?)",
                day, leadIds.toArray(new Long[0]));
        String outcomes = string("SELECT sum(notes_written) || ' written, ' || sum(skipped) || ' skipped (claimed by another run, or noted since)' "
                + "FROM summary_run WHERE trigger = 'manual' AND first_day = ?", day);
        System.out.printf("manual runs of %s: answers %s; run outcomes %s; LLM requests per lead-day %s; notes %d%n",
                day, statuses, outcomes, perLeadDay, notes);
        assertEquals(12, count("SELECT sum(notes_written) FROM summary_run WHERE trigger = 'manual' AND first_day = ?", day),
                "each note written by exactly one of the runs");
        assertEquals(12, perLeadDay.size(), "every lead-day was summarised");
        perLeadDay.forEach((leadDay, n) -> assertEquals(1, n, "one LLM call for " + leadDay));
        assertEquals(12, notes);
        assertTrue(statuses.getOrDefault(409, 0) + statuses.getOrDefault(202, 0) >= 2, "the whole-day runs: " + statuses);
        assertEquals(0, statuses.getOrDefault(500, 0) + statuses.getOrDefault(503, 0), "no run failed or was refused: " + statuses);
        assertEquals(0, count("SELECT count(*) FROM summary_claim"), "every claim released");
    }

    @Test
    @Order(3)
    void eachScheduledFireRunsOnExactlyOneInstance() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (fires(FIRED).size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        Map<Long, List<String>> fires = fires(FIRED);
        Map<String, Integer> perInstance = new TreeMap<>();
        fires.values().forEach(on -> on.forEach(i -> perInstance.merge(i, 1, Integer::sum)));
        long scheduledRuns = count("SELECT count(*) FROM summary_run WHERE trigger = 'schedule'");
        System.out.printf("scheduled fires: %d distinct fire times, per instance %s, %d scheduled run records%n",
                fires.size(), perInstance, scheduledRuns);
        assertTrue(fires.size() >= 4, "the 5 s schedule fired: " + fires);
        fires.forEach((at, on) -> assertEquals(1, on.size(), "fire " + at + " ran on " + on));
        assertTrue(scheduledRuns >= fires.size() - 1 && scheduledRuns <= fires.size(),
                "one run record per fire (one workspace): " + scheduledRuns + " for " + fires.size());
    }

    @Test
    @Order(3)
    void eachCatchUpFireRunsOnExactlyOneInstance() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (fires(CATCH_UP_FIRED).size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        Map<Long, List<String>> fires = fires(CATCH_UP_FIRED);
        System.out.printf("catch-up fires: %d distinct fire times, on %s%n", fires.size(), fires.values());
        assertTrue(fires.size() >= 4, "the 3 s catch-up schedule fired: " + fires);
        fires.forEach((at, on) -> assertEquals(1, on.size(), "catch-up fire " + at + " ran on " + on));
    }

    @Test
    @Order(4)
    void killMinus9MidRunAndTheSurvivorsNextFireFinishesTheDayWithNoLeadDaySummarisedTwice() throws Exception {
        LocalDate yesterday = LocalDate.now(JAKARTA).minusDays(1);
        int leads = 16;
        llm.latency(1500);
        int before = llm.requests().size();
        List<Callable<JsonNode>> sends = new ArrayList<>();
        for (int lead = 0; lead < leads; lead++) {
            String phone = Workspaces.newPhone();
            for (int m = 0; m < 2; m++) {
                long at = yesterday.atTime(LocalTime.of(14, 0)).plusMinutes(m).atZone(JAKARTA).toEpochSecond();
                byte[] body = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, "wamid.kill." + RUN + "." + lead + "." + m, phone,
                        "Pesan " + m + " dari lead-" + lead + "-kill: kapan bisa dikirim?", at).toString().getBytes(StandardCharsets.UTF_8);
                ServiceProcess on = instances.get(lead % 2 == 0 ? "a" : "b");
                sends.add(() -> deliver(on, body));
            }
        }
        for (Future<JsonNode> f : pool.invokeAll(sends)) {
            assertEquals(1, f.get().get("stored").asInt());
        }
        List<Long> leadIds = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT lead_id FROM message WHERE wamid LIKE ?")) {
            ps.setString(1, "wamid.kill." + RUN + ".%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leadIds.add(rs.getLong(1));
                }
            }
        }
        Long[] ids = leadIds.toArray(new Long[0]);
        String notesOfDay = "SELECT count(*) FROM note WHERE kind = 'daily_summary' AND day = ? AND lead_id = ANY (?)";

        // The next fire takes the day; once its first notes are written, kill -9 the instance running it.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (count(notesOfDay, yesterday, ids) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long runId = count("SELECT id FROM summary_run WHERE status = 'running' AND trigger = 'schedule' ORDER BY id DESC LIMIT 1");
        String victim = instanceThatStarted(runId);
        String survivor = victim.equals("a") ? "b" : "a";
        long killedAt = System.currentTimeMillis();
        instances.get(victim).kill();
        Thread.sleep(200); // requests the victim had sent are all in
        long notesAtKill = count(notesOfDay, yesterday, ids);
        Map<String, Integer> requestedAtKill = requestsPerLeadDay(requestsSince(before));
        int requestsAtKill = llm.requests().size();
        Set<String> notedAtKill = notedLeadDays(yesterday, ids);
        Set<String> inFlightAtKill = new HashSet<>(requestedAtKill.keySet());
        inFlightAtKill.removeAll(notedAtKill);

        deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (count(notesOfDay, yesterday, ids) < leads && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long doneAt = System.currentTimeMillis();
        String takeoverRuns = "SELECT min(id) FROM summary_run WHERE id > ? AND trigger = 'schedule' AND status <> 'running' AND leads_considered > 0";
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count(takeoverRuns, runId) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long takeoverRun = count(takeoverRuns, runId);
        long takeoverStartedAt = count("SELECT CAST(EXTRACT(EPOCH FROM started_at) * 1000 AS bigint) FROM summary_run WHERE id = ?", takeoverRun);
        Map<String, Integer> perLeadDay = requestsPerLeadDay(requestsSince(before));
        Map<String, Integer> afterKill = requestsPerLeadDay(requestsSince(requestsAtKill));
        long notes = count(notesOfDay, yesterday, ids);
        String killedStatus = string("SELECT status FROM summary_run WHERE id = ?", runId);
        Map<Integer, Integer> histogram = new TreeMap<>();
        perLeadDay.values().forEach(n -> histogram.merge(n, 1, Integer::sum));
        System.out.printf("kill -9 of instance %s during run %d: %d of %d notes written at the kill, %d lead-days in flight %s; "
                        + "survivor %s took over with run %d (%s) %d ms after the kill and finished the day %d ms after it; "
                        + "LLM requests per lead-day (requests: lead-days) %s, re-requested after the kill %s; notes %d; killed run %s%n",
                victim, runId, notesAtKill, leads, inFlightAtKill.size(), inFlightAtKill, survivor, takeoverRun,
                instanceThatStarted(takeoverRun), takeoverStartedAt - killedAt, doneAt - killedAt, histogram,
                afterKill.keySet().stream().filter(requestedAtKill::containsKey).toList(), notes, killedStatus);

        assertEquals(leads, notes, "the day is finished, one note per lead-day");
        assertEquals(leads, perLeadDay.size());
        assertEquals(survivor, instanceThatStarted(takeoverRun), "the survivor's fire took the day over");
        assertEquals("interrupted", killedStatus, "the dead instance's run is closed");
        for (Map.Entry<String, Integer> e : perLeadDay.entrySet()) {
            if (inFlightAtKill.contains(e.getKey())) {
                // Asked once by the dead instance, whose claim then expired, and once by the survivor.
                assertTrue(e.getValue() <= 2, e.toString());
            } else {
                assertEquals(1, e.getValue(), "a lead-day not in flight at the kill is summarised once: " + e.getKey());
            }
        }
        for (String noted : notedAtKill) {
            assertTrue(!afterKill.containsKey(noted), "a lead-day noted before the kill is never asked again: " + noted);
        }
        assertTrue(takeoverStartedAt - killedAt >= LEASE_SECONDS * 1000L,
                "the survivor asked again only after the dead run's claims expired");
        assertEquals(0, count("SELECT count(*) FROM summary_claim WHERE lead_id = ANY (?)", (Object) ids));

        // Still one instance per fire, the survivor's catch-up after the recovery included.
        fires(FIRED).forEach((at, on) -> assertEquals(1, on.size(), "fire " + at + " ran on " + on));
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static JsonNode deliver(ServiceProcess on, byte[] body) throws Exception {
        HttpResponse<String> r = on.deliverDemoWebhook(body);
        assertEquals(200, r.statusCode(), r.body());
        return Webhooks.JSON.readTree(r.body());
    }

    private static HttpResponse<String> runSummaries(ServiceProcess on, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(on.uri("/api/summaries/run?" + query))
                .header("Authorization", "Bearer " + ServiceProcess.DEMO_TOKEN)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> requestsSince(int index) {
        List<JsonNode> all = new ArrayList<>(llm.requests());
        return all.subList(index, all.size());
    }

    /** Stub LLM requests per lead-day, keyed "lead-N-tag day" from the prompt (its transcript and its Day line). */
    private static Map<String, Integer> requestsPerLeadDay(List<JsonNode> requests) {
        Map<String, Integer> perLeadDay = new TreeMap<>();
        for (JsonNode request : requests) {
            String prompt = request.path("messages").path(1).path("content").asText();
            Matcher lead = LEAD_TAG.matcher(prompt);
            Matcher day = DAY.matcher(prompt);
            if (lead.find() && day.find()) {
                perLeadDay.merge("lead-" + lead.group(1) + "-" + lead.group(2) + " " + day.group(1), 1, Integer::sum);
            }
        }
        return perLeadDay;
    }

    /** The lead-days (keyed like requestsPerLeadDay) that have a note. */
    private static Set<String> notedLeadDays(LocalDate day, Long[] leadIds) throws SQLException {
        Set<String> noted = new HashSet<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT (SELECT m.text FROM message m WHERE m.lead_id = n.lead_id LIMIT 1) FROM note n "
                        + "WHERE n.kind = 'daily_summary' AND n.day = ? AND n.lead_id = ANY (?)")) {
            ps.setObject(1, day);
            ps.setArray(2, c.createArrayOf("bigint", leadIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Matcher lead = LEAD_TAG.matcher(rs.getString(1));
                    if (lead.find()) {
                        noted.add("lead-" + lead.group(1) + "-" + lead.group(2) + " " + day);
                    }
                }
            }
        }
        return noted;
    }

    /** Each fire time of a schedule (from the instances' logs, as the pattern finds them) and the instances that ran it. */
    private static Map<Long, List<String>> fires(Pattern fired) throws Exception {
        Map<Long, List<String>> fires = new TreeMap<>();
        for (Map.Entry<String, ServiceProcess> e : instances.entrySet()) {
            Matcher m = fired.matcher(Files.readString(e.getValue().log()));
            while (m.find()) {
                fires.computeIfAbsent(Long.parseLong(m.group(1)), k -> new ArrayList<>()).add(e.getKey());
            }
        }
        return fires;
    }

    /** The instance whose log says it started the run. */
    private static String instanceThatStarted(long runId) throws Exception {
        return TakeoverBenchmark.instanceThatStarted(instances, runId);
    }

    private static void awaitNoRunningRuns(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (count("SELECT count(*) FROM summary_run WHERE status = 'running' AND trigger = 'manual'") > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, count("SELECT count(*) FROM summary_run WHERE status = 'running' AND trigger = 'manual'"));
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(dbUrl, dbUser, dbPassword);
    }

    private static long count(String sql, Object... params) throws SQLException {
        String value = string(sql, params);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static String string(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof Object[] array) {
                    ps.setArray(i + 1, c.createArrayOf(array instanceof Long[] ? "bigint" : "text", array));
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
