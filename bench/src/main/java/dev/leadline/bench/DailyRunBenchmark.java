package dev.leadline.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.SummaryRuns;
import dev.leadline.support.Workspaces;

/**
 * The daily run against its concurrency bound: N active leads with 10-30 messages each on one day, the
 * stub LLM answering after a fixed latency, and the wall time of the run against the ideal
 * N x latency / concurrency.
 *
 * <pre>args: --leads 1000,10000 --concurrency 8,32 --latency-ms 50</pre>
 */
public final class DailyRunBenchmark {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        List<Integer> leadCounts = Options.ints(options.getOrDefault("leads", "1000"));
        List<Integer> concurrencies = Options.ints(options.getOrDefault("concurrency", "8"));
        int latency = Integer.parseInt(options.getOrDefault("latency-ms", "50"));
        Table table = new Table();
        for (int leads : leadCounts) {
            for (int concurrency : concurrencies) {
                Duration wall = run(leads, concurrency, latency);
                double ideal = leads * latency / (double) concurrency / 1000.0;
                double seconds = wall.toMillis() / 1000.0;
                table.add(String.format("daily run, %,d leads, concurrency %d, stub LLM %d ms", leads, concurrency, latency),
                        String.format("%.2f s wall", seconds), String.format("%.2f s ideal (N x %d ms / %d)", ideal, latency, concurrency),
                        String.format("%.3f", seconds / ideal));
            }
        }
        table.print();
        System.exit(0);
    }

    static Duration run(int leads, int concurrency, int latencyMillis) throws Exception {
        try (StubLlm llm = new StubLlm();
             LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                     "summaries.enabled", "false",
                     "summaries.concurrency", String.valueOf(concurrency),
                     "summaries.progress-every", "1000",
                     "db.embedded.durable", System.getProperty("bench.durable", "true"),
                     "llm.api-key", StubLlm.KEY,
                     "llm.base-url", llm.baseUrl(),
                     "llm.model", StubLlm.MODEL,
                     "llm.max-requests-per-minute", "10000000",
                     "db.pool-size", String.valueOf(Math.max(16, concurrency + 4))))) {
            llm.latency(latencyMillis);
            LocalDate day = LocalDate.now(JAKARTA).minusDays(1);
            seed(app, leads, day);
            JsonNode run = new SummaryRuns(app, Workspaces.DEMO_TOKEN).runDay(day.toString());
            if (run.get("notesWritten").asInt() != leads) {
                throw new IllegalStateException("expected " + leads + " notes, run says " + run);
            }
            return Duration.ofMillis(app.queryLong("SELECT CAST(EXTRACT(EPOCH FROM finished_at - started_at) * 1000 AS bigint) "
                    + "FROM summary_run WHERE id = ?", run.get("id").asLong()));
        }
    }

    /** N leads of the demo workspace, each with 10-30 messages (two in three inbound) on the given local day. */
    static void seed(LeadlineApp app, int leads, LocalDate day) throws Exception {
        String sql = """
                WITH ws AS (SELECT id FROM workspace WHERE phone_number_id = ?),
                leads AS (
                    INSERT INTO lead (workspace_id, phone, name, last_activity_at)
                    SELECT ws.id, '+62813' || lpad(g::text, 8, '0'), 'Lead ' || g, ?::timestamptz + interval '20 hours'
                    FROM ws, generate_series(1, ?) g
                    RETURNING id, workspace_id
                )
                INSERT INTO message (workspace_id, lead_id, wamid, direction, type, text, sent_at)
                SELECT l.workspace_id, l.id, 'wamid.bench.' || l.id || '.' || k,
                       CASE WHEN k % 3 = 0 THEN 'outbound' ELSE 'inbound' END, 'text',
                       'Halo, saya mau tanya harga paket nomor ' || k || '?', ?::timestamptz + k * interval '10 minutes'
                FROM leads l, LATERAL generate_series(1, 10 + (l.id % 21)::int) k
                """;
        String dayStart = day.atStartOfDay(JAKARTA).toOffsetDateTime().toString();
        try (Connection c = app.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, Workspaces.DEMO_PHONE_NUMBER_ID);
            ps.setString(2, dayStart);
            ps.setInt(3, leads);
            ps.setString(4, dayStart);
            ps.executeUpdate();
        }
        try (Connection c = app.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("ANALYZE")) {
            ps.execute();
        }
    }
}
