package dev.leadline.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadline.support.StubLlm;

/**
 * The daily run against its concurrency bound: N active leads with 10-30 messages each on one day, the
 * stub LLM answering after a fixed latency; the run's wall time (its record's finished_at - started_at)
 * against the ideal N x latency / concurrency. The same against a realistic LLM (a latency distribution, 429s,
 * a rate limit: {@link #realistic}). And a run of many leads in a 256 MiB heap, to show it streams.
 */
final class DailyRunBenchmark {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DailyRunBenchmark() {
    }

    /** Leads of a warm-up day: enough for a chunk of a few seconds at concurrency 32. */
    static final int WARM_UP_LEADS = 2_000;
    /** Where the phone numbers of the n-th seeded day's leads start (one day's leads never meet another's). */
    static final int NUMBERS_PER_DAY = 1_000_000;

    static void run(List<Integer> leadCounts, List<Integer> concurrencies, int latencyMillis, int runs, String jfr, Table table)
            throws Exception {
        for (int leads : leadCounts) {
            for (int concurrency : concurrencies) {
                try (StubLlm llm = new StubLlm();
                     ServiceProcess service = start("daily-" + leads + "-" + concurrency, llm, concurrency, 120_000)) {
                    llm.latency(latencyMillis);
                    LocalDate day = LocalDate.now(JAKARTA).minusDays(1);
                    // Each measured run has a day of its own (yesterday, the day before, ...), seeded up front;
                    // the warm-up day comes before them all and is run, forced, until the JIT settles.
                    LocalDate warmUpDay = day.minusDays(runs);
                    seed(service, Math.min(leads, WARM_UP_LEADS), warmUpDay, runs * NUMBERS_PER_DAY);
                    for (int r = 0; r < runs; r++) {
                        seed(service, leads, day.minusDays(r), r * NUMBERS_PER_DAY);
                    }
                    WarmUp.Done warm = WarmUp.untilJitSettles(service, (n, length) -> runDay(service, warmUpDay, n > 0));
                    for (int r = 0; r < runs; r++) {
                        measure(service, llm, leads, concurrency, latencyMillis, day.minusDays(r),
                                runs > 1 ? String.format(", run %d of %d", r + 1, runs) : "", r == 0 ? jfr : null, warm, table);
                    }
                }
            }
        }
    }

    /** The service of a daily run: summaries at this concurrency by this stub LLM, at most perMinute calls a minute. */
    private static ServiceProcess start(String name, StubLlm llm, int concurrency, int perMinute) throws Exception {
        // The main pool's size for a service before 8955727, whose lead-days used the main pool (now summaryDataSource).
        return ServiceProcess.start(name, ServiceProcess.pools(Math.max(16, concurrency + 4), concurrency, Map.of(
                "SUMMARIES_CONCURRENCY", String.valueOf(concurrency),
                "SUMMARIES_PROGRESS_EVERY", "1000",
                "LLM_API_KEY", StubLlm.KEY,
                "LLM_BASE_URL", llm.baseUrl(),
                "LLM_MODEL", StubLlm.MODEL,
                "LLM_MAX_REQUESTS_PER_MINUTE", String.valueOf(perMinute),
                // a benchmark measures the LLM path: no lead-day goes offline for the daily budget
                "LLM_DAILY_BUDGET_USD", "1000000")), List.of());
    }

    /** One day's run: its wall time against the ideal, and its CPU per lead-day (seeding and warm-up excluded). */
    private static void measure(ServiceProcess service, StubLlm llm, int leads, int concurrency, int latencyMillis, LocalDate day,
                                String which, String jfr, WarmUp.Done warm, Table table) throws Exception {
        if (jfr != null) {
            service.startFlightRecording();
        }
        long[] cpu = Machine.cpuTicks();
        Cpu before = Cpu.of(service);
        double compile = service.compileSeconds();
        long stub = llm.cpuNanos();
        long completions = llm.completions();
        JsonNode run = runDay(service, day, false);
        Cpu used = Cpu.of(service).minus(before);
        double compileAfter = service.compileSeconds();
        long stubAfter = llm.cpuNanos();
        double busy = Machine.busyPercent(cpu, Machine.cpuTicks());
        if (jfr != null) {
            Path recording = Path.of("target", "bench", jfr + "-" + leads + "-" + concurrency + ".jfr").toAbsolutePath();
            service.dumpFlightRecording(recording);
            System.out.println("JFR recording of the run: " + recording);
        }
        double seconds = run.get("wallMillis").asLong() / 1000.0;
        double ideal = leads * latencyMillis / (double) concurrency / 1000.0;
        table.add(String.format("daily run, %,d leads, concurrency %d, stub LLM %d ms%s", leads, concurrency, latencyMillis, which),
                String.format("%.2f s wall (%d notes; all cores %.0f%% busy)", seconds, run.get("notesWritten").asInt(), busy),
                String.format("%.2f s ideal (N x %d ms / %d)", ideal, latencyMillis, concurrency),
                String.format("%.3f%s", seconds / ideal, leads == 10_000 && concurrency == 32 ? " (target <= 1.15)" : ""));
        // CPU per lead-day, over the run only: the service JVM, the stub LLM's threads (in this JVM),
        // PostgreSQL, and this whole JVM (the stub plus the harness's polling).
        Cpu perLead = used.msPer(leads);
        double serviceMs = perLead.service();
        double stubMs = (stubAfter - stub) / 1e6 / leads;
        table.add(String.format("daily run, %,d leads, concurrency %d%s: CPU per lead-day", leads, concurrency, which),
                String.format("service %.2f ms + stub LLM %.2f ms = %.2f ms; PostgreSQL %.2f ms; harness JVM (stub included) %.2f ms"
                                + " (service JIT compile time in the run %.2f s; before the first run, %s)",
                        serviceMs, stubMs, serviceMs + stubMs, perLead.database(), perLead.harness(), compileAfter - compile,
                        warm.describe()),
                "service + stub", String.format("%.2f ms (%d LLM requests on %d connections)", serviceMs + stubMs,
                        llm.completions() - completions, llm.connections()));
    }

    /**
     * The LLM as a provider is: a completion's latency drawn from a log-normal distribution of this median and
     * 99th percentile, a share of requests answered 429 with Retry-After 1 s at once, and its rate limit per
     * minute (a sliding window), a 429 past it; seeded, so a run is reproducible.
     */
    record RealisticLlm(double medianMillis, double p99Millis, double tooManyRate, int perMinute, long seed) {
        String describe() {
            return String.format("log-normal median %.0f ms, p99 %.0f ms; %.0f%% 429 Retry-After 1 s; limit %,d/min",
                    medianMillis, p99Millis, tooManyRate * 100, perMinute);
        }
    }

    /**
     * The daily run against the realistic LLM, the service's llm.max-requests-per-minute set to the provider's
     * limit: its wall time against N x the stub's measured mean latency of answered calls / concurrency, and the
     * most requests the stub saw in any 60 s window against the limit. No JIT warm-up: its load would spend the
     * rate limit, and a run of 800 ms calls is the LLM's time, not the service's.
     */
    static void realistic(List<Integer> leadCounts, List<Integer> concurrencies, RealisticLlm shape, Table table) throws Exception {
        for (int leads : leadCounts) {
            for (int concurrency : concurrencies) {
                try (StubLlm llm = new StubLlm();
                     ServiceProcess service = start("daily-realistic-" + leads + "-" + concurrency, llm, concurrency, shape.perMinute())) {
                    llm.latency(StubLlm.LatencyDistribution.logNormal(shape.medianMillis(), shape.p99Millis(), shape.seed()));
                    llm.tooManyRequests(shape.tooManyRate(), "1", shape.seed());
                    llm.rateLimit(shape.perMinute(), 60_000);
                    LocalDate day = LocalDate.now(JAKARTA).minusDays(1);
                    seed(service, leads, day, 0);
                    JsonNode run = runDay(service, day, false);
                    double seconds = run.get("wallMillis").asLong() / 1000.0;
                    double mean = llm.meanAnsweredMillis();
                    double ideal = leads * mean / concurrency / 1000.0;
                    String workload = String.format("daily run, %,d leads, concurrency %d, realistic LLM (%s)", leads, concurrency, shape.describe());
                    table.add(workload,
                            String.format("%.2f s wall (%d notes, %d failed; %,d requests: %d answered 429 by chance, %d refused for the limit)",
                                    seconds, run.get("notesWritten").asInt(), run.get("failed").asInt(), llm.requestTimes().size(),
                                    llm.tooManyAnswered(), llm.rateLimited()),
                            String.format("%.2f s ideal (N x %.0f ms measured mean / %d)", ideal, mean, concurrency),
                            String.format("%.3f%s", seconds / ideal, leads == 10_000 && concurrency == 32 ? " (target <= 1.15)" : ""));
                    int most = llm.maxInAnyWindow(60_000);
                    table.add(workload + ": requests per minute",
                            String.format("at most %,d in any 60 s window", most),
                            String.format("%,d per minute", shape.perMinute()),
                            String.format("%.3f (limit <= 1)", most / (double) shape.perMinute()));
                }
            }
        }
    }

    /** Many leads, offline summariser, -Xmx256m: the run must stream; peak heap sampled with jstat. */
    static void streaming(int leads, Table table) throws Exception {
        try (ServiceProcess service = ServiceProcess.start("daily-streaming-" + leads,
                Map.of("SUMMARIES_PROGRESS_EVERY", "10000"), List.of("-Xmx256m"))) {
            LocalDate day = LocalDate.now(JAKARTA).minusDays(1);
            seed(service, leads, day, 0);
            HeapPeak heap = new HeapPeak(service, 200);
            JsonNode run = runDay(service, day, false);
            heap.close();
            double peak = heap.peakMiB();
            table.add(String.format("daily run, %,d leads, offline summariser, -Xmx256m", leads),
                    String.format("%.1f s wall, %d notes, peak heap %.0f MiB", run.get("wallMillis").asLong() / 1000.0,
                            run.get("notesWritten").asInt(), peak),
                    "256 MiB heap", String.format("%.2f", peak / 256));
        }
    }

    /** Starts the day's run through the API (forced: every note rewritten) and waits for its record to finish. */
    static JsonNode runDay(ServiceProcess service, LocalDate day, boolean force) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(service.uri("/api/summaries/run?date=" + day + "&force=" + force))
                .header("Authorization", "Bearer " + ServiceProcess.DEMO_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        long id = JSON.readTree(started.body()).get("id").asLong();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
        while (Instant.now().isBefore(deadline)) {
            JsonNode run = JSON.readTree(http.send(HttpRequest.newBuilder(service.uri("/api/summaries/runs/" + id))
                    .header("Authorization", "Bearer " + ServiceProcess.DEMO_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body());
            if (!"running".equals(run.path("status").asText())) {
                long wall = Seed.count(service, "SELECT CAST(EXTRACT(EPOCH FROM finished_at - started_at) * 1000 AS bigint) "
                        + "FROM summary_run WHERE id = " + id);
                return ((com.fasterxml.jackson.databind.node.ObjectNode) run).put("wallMillis", wall);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("run " + id + " did not finish in 30 minutes");
    }

    /**
     * N leads of the demo workspace (their phone numbers from numbersFrom + 1 on), each with 10-30 messages (two in
     * three inbound) on the local day. Written
     * 200 leads a transaction: each message's insert takes a transaction-scoped advisory lock
     * (message_state_lock, V13), and a single statement for all of them runs out of PostgreSQL's lock table.
     */
    static void seed(ServiceProcess service, int leads, LocalDate day, int numbersFrom) throws Exception {
        String dayStart = day.atStartOfDay(JAKARTA).toOffsetDateTime().toString();
        try (java.sql.Connection c = service.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            // a starting state, not changes: no outbox events (see Seed.execute)
            st.execute("SET session_replication_role = replica");
            for (int first = 1; first <= leads; first += 200) {
                st.execute("""
                        WITH ws AS (SELECT id FROM workspace WHERE phone_number_id = '%s'),
                        leads AS (
                            INSERT INTO lead (workspace_id, phone, name, last_activity_at)
                            SELECT ws.id, '+62813' || lpad(g::text, 8, '0'), 'Lead ' || g, CAST('%s' AS timestamptz) + interval '20 hours'
                            FROM ws, generate_series(%d, %d) g
                            RETURNING id, workspace_id
                        )
                        INSERT INTO message (workspace_id, lead_id, wamid, direction, type, text, sent_at)
                        SELECT l.workspace_id, l.id, 'wamid.bench.' || l.id || '.' || k,
                               CASE WHEN k %% 3 = 0 THEN 'outbound' ELSE 'inbound' END, 'text',
                               'Halo, saya mau tanya harga paket nomor ' || k || '?', CAST('%s' AS timestamptz) + k * interval '10 minutes'
                        FROM leads l, LATERAL generate_series(1, 10 + (l.id %% 21)::int) k
                        """.formatted(Seed.DEMO_PHONE_NUMBER_ID, dayStart, numbersFrom + first, numbersFrom + Math.min(leads, first + 199), dayStart));
            }
            st.execute("ANALYZE");
        }
    }
}
