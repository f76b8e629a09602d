package dev.leadline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Every benchmark of bench/ at a tiny size, so the harness can't rot: it must start the service,
 * drive each workload to completion and produce its figures. No timing is asserted here; the figures
 * are in BENCHMARKS.md.
 */
class BenchmarkSmokeTest {

    @Test
    void everyBenchmarkRunsAtASmokeSizeAndReportsItsFigures() throws Exception {
        Table table = Bench.run(new String[] {"smoke"});

        List<String[]> rows = table.rows();
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("intake at saturation") && r[1].matches("\\d+ msgs/s \\(0 failed.*")),
                "intake throughput measured without failures");
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("intake latency") && r[1].startsWith("p50 ")), "intake latency measured");
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("catch-up, 300 messages over 10 leads") && r[1].contains("stored 300, 0 duplicates")),
                "the catch-up stored every message once");
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("catch-up again") && r[1].contains("stored 0, 300 duplicates")),
                "the second catch-up found every message already stored");
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("daily run, 20 leads") && r[1].contains("(20 notes;")),
                "the daily run wrote every note");
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("daily run, 20 leads, concurrency 4, realistic LLM")
                && r[1].contains("(20 notes, 0 failed;") && r[1].endsWith(", 0 refused for the limit)")),
                "the daily run against the realistic LLM wrote every note, and the provider never refused a call for its limit");
        assertTrue(rows.stream().anyMatch(r -> r[0].endsWith("realistic LLM (log-normal median 80 ms, p99 400 ms; 10% 429 Retry-After 1 s; "
                + "limit 2,400/min): requests per minute") && r[1].matches("at most \\d+ in any 60 s window")),
                "the realistic run counted its requests per minute");
        assertTrue(rows.stream().anyMatch(r -> r[0].contains("-Xmx256m") && r[1].contains("200 notes")), "the streaming run wrote every note");
        assertEquals(10, rows.stream().filter(r -> r[0].startsWith("GET /api/leads") && r[1].contains("(0 failed; the load generator's sends")
                        && !r[1].startsWith("p50 0.00 ms, p99 0.00 ms")).count(),
                "every read workload sent requests and had every one answered");
        assertEquals(6, rows.stream().filter(r -> r[0].startsWith("EXPLAIN")).count(), "every read query explained");
        assertTrue(rows.stream().anyMatch(r -> r[0].equals("load generators and the cores they ran on") && r[1].startsWith("nothing pinned")),
                "the read table says what was pinned");
        // pgbench is on the PATH where the benchmarks run (Debian's postgresql-15); a checkout without it still runs the rest.
        if (PgBench.available(false)) {
            assertEquals(10, rows.stream().filter(r -> r[0].startsWith("GET /api/leads")
                    && r[2].matches("PostgreSQL \\(pgbench -R 20, workspace-by-token\\.sql, .*\\): p50 [0-9.]+ ms, p99 [0-9.]+ ms \\([1-9][0-9,]* transactions\\).*")
                    && r[3].matches("p99/p99 [0-9.]+: (ok|FAIL)")).count(), "every read workload has PostgreSQL's own limit, measured");
            assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("GET /api/leads with If-None-Match")
                    && r[2].contains("(pgbench -R 20, workspace-by-token.sql, workspace-change-mark.sql)")), "the poll's limit is its two statements");
        }
        assertEquals(2, rows.stream().filter(r -> r[0].contains("MiB webhook POSTs") && r[1].startsWith("statuses {413=10}")).count(),
                "every oversize post, declared or chunked, answered 413");
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("purge of 2,000 old messages") && r[1].matches("[\\d,]+ rows/s: all in .*")),
                "the purge deleted every old message");
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("intake at 20 deliveries/s during the purge") && r[1].contains("(0 of ")),
                "intake answered every delivery during the purge");
        assertTrue(rows.stream().anyMatch(r -> r[0].startsWith("start-up") && r[1].matches("\\d+ ms to the first served request.*")),
                "start-up measured");
    }
}
