package dev.leadline.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * The benchmark harness: {@code bench/run.sh <intake|catch-up|daily|read|page|oversize|events|pgbouncer|retention|startup|takeover|all|smoke> [--option value ...]}.
 * Prints a table: machine, workload, figure, limit, ratio.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        run(args).print();
        System.exit(0);
    }

    /** Runs the named benchmark(s) and answers their table; a smoke run starts its services in this JVM. */
    public static Table run(String[] args) throws Exception {
        String which = args.length == 0 ? "all" : args[0];
        ServiceProcess.inProcess(which.equals("smoke"));
        try {
            return run(which, args);
        } finally {
            ServiceProcess.inProcess(false);
        }
    }

    private static Table run(String which, String[] args) throws Exception {
        Map<String, String> o = Options.parse(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
        Table table = new Table();
        boolean smoke = which.equals("smoke");
        // --pin N: bench/run.sh started this JVM on core N; pgbench goes there too, the services to the other cores.
        Pin.loadGeneratorCore(o.containsKey("pin") ? Integer.valueOf(o.get("pin")) : null);
        if (which.equals("intake") || which.equals("all") || smoke) {
            IntakeBenchmark.run(Options.integer(o, "clients", 16), Options.integer(o, "seconds", smoke ? 1 : 20),
                    Options.integer(o, "leads", smoke ? 100 : 10_000), !smoke, table);
        }
        if (which.equals("catch-up") || which.equals("all") || smoke) {
            CatchUpBenchmark.run(Options.integer(o, "messages", smoke ? 300 : 100_000), Options.integer(o, "leads", smoke ? 10 : 1_000),
                    Options.integer(o, "page-size", 100), Options.integer(o, "seconds", smoke ? 1 : 20), !smoke, table);
        }
        boolean realistic = o.containsKey("realistic");
        if (which.equals("daily") && realistic || smoke) {
            // a smoke run's LLM is ten times faster than the realistic one, and its 429s ten times as frequent
            DailyRunBenchmark.realistic(Options.ints(o.getOrDefault("leads", smoke ? "20" : "10000")),
                    Options.ints(o.getOrDefault("concurrency", smoke ? "4" : "32")),
                    new DailyRunBenchmark.RealisticLlm(Options.decimal(o, "median-ms", smoke ? 80 : 800),
                            Options.decimal(o, "p99-ms", smoke ? 400 : 4_000), Options.decimal(o, "429-rate", smoke ? 0.1 : 0.01),
                            Options.integer(o, "rpm", 2_400), Options.integer(o, "seed", 1)), table);
        }
        if (which.equals("daily") && !realistic || which.equals("all") || smoke) {
            DailyRunBenchmark.run(Options.ints(o.getOrDefault("leads", smoke ? "20" : "1000,10000")),
                    Options.ints(o.getOrDefault("concurrency", smoke ? "4" : "8,32")),
                    Options.integer(o, "latency-ms", 50), Options.integer(o, "runs", 1), smoke ? null : o.get("jfr"), table);
            int streamLeads = Options.integer(o, "stream-leads", smoke ? 200 : 100_000);
            if (streamLeads > 0) {
                DailyRunBenchmark.streaming(streamLeads, table);
            }
        }
        if (which.equals("read") || which.equals("all") || smoke) {
            ReadApiBenchmark.run(Options.integer(o, "leads", smoke ? 1_000 : 100_000), Options.integer(o, "notes", smoke ? 10_000 : 1_000_000),
                    Options.integer(o, "rate", smoke ? 20 : 200),
                    // eight workloads: a smoke run gives each a third of a second
                    smoke ? Duration.ofMillis(300) : Duration.ofSeconds(Options.integer(o, "seconds", 20)), !smoke, smoke, table);
        }
        // Not in the smoke run (the browser tests cover the page in mvn test); see bench/README.md.
        if (which.equals("page") || which.equals("all")) {
            PageBenchmark.run(Options.integer(o, "leads", 100_000), Options.integer(o, "notes", 1_000_000),
                    Options.integer(o, "runs", 5), table);
        }
        if (which.equals("oversize") || which.equals("all") || smoke) {
            OversizeBenchmark.run(Options.integer(o, "posts", smoke ? 10 : 200), Options.integer(o, "mib", smoke ? 2 : 15), table);
        }
        // Not in the smoke run (it starts a Kafka broker and three services; the relays' own tests run in mvn test).
        if (which.equals("events") || which.equals("all")) {
            EventsBenchmark.run(Options.integer(o, "clients", 16), Options.integer(o, "seconds", 20),
                    Options.integer(o, "leads", 10_000), Options.integer(o, "backlog", 100_000), table);
        }
        // Not in the smoke run (it needs Debian's pgbouncer and starts six services), nor in all (run it on its own).
        if (which.equals("pgbouncer")) {
            PgBouncerBenchmark.run(Options.integer(o, "clients", 32), Options.integer(o, "seconds", 20),
                    Options.integer(o, "leads", 10_000), table);
        }
        if (which.equals("retention") || which.equals("all") || smoke) {
            RetentionBenchmark.run(Options.integer(o, "messages", smoke ? 2_000 : 1_000_000), Options.integer(o, "leads", smoke ? 100 : 10_000),
                    Options.integer(o, "rate", smoke ? 20 : 200), Options.integer(o, "seconds", smoke ? 1 : 20),
                    Options.integer(o, "batch-size", 1_000), Options.integer(o, "pause-ms", smoke ? 0 : -1), table);
        }
        if (which.equals("startup") || which.equals("all") || smoke) {
            StartupBenchmark.run(Options.integer(o, "runs", smoke ? 1 : 3), table);
        }
        // Two service processes and a kill -9: not in a smoke run (its services run inside this JVM).
        if (which.equals("takeover") || which.equals("all")) {
            TakeoverBenchmark.run(Options.integer(o, "leads", 60), Options.integer(o, "llm-ms", 1000), table);
        }
        return table;
    }
}
