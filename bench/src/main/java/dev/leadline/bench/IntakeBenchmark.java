package dev.leadline.bench;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.Webhooks;

/**
 * Intake throughput and latency: signed Kapso deliveries (80% existing leads, 20% new; 10% batched) from
 * N connections, against pgbench doing the same SQL per message with the same mix and connections.
 */
final class IntakeBenchmark {

    static final String SECRET = "demo-secret";
    static final int BATCH_PERCENT = 10;
    /** The service's summary of messages per group commit (intake/MessageGroupCommit). */
    static final String GROUPS = "leadline_intake_group_commit_messages";
    static final int BATCH_SIZE = 5;
    static final int EXISTING_PERCENT = 80;
    static final int HALF_PHASES = 3;
    static final int OPEN_WARM_UP_SECONDS = 10;

    private IntakeBenchmark() {
    }

    record Figures(double serviceMsgsPerSecond, double pgbenchMsgsPerSecond, double p50Millis, double p99Millis,
                   double halfRateMsgsPerSecond, long rssAfterStartMiB, long rssAfterMiB, long startupMillis) {
    }

    static Figures run(int clients, int seconds, int seededLeads, boolean install, Table table) throws Exception {
        // -Dbench.jfr=<file>: a JDK Flight Recorder profile of the service over the saturation phase (after the warm-up).
        String jfr = System.getProperty("bench.jfr");
        // -Dbench.print-compilation=true: the service JVM logs each JIT compilation (its log, ServiceProcess.log), and
        // each half-saturation phase's bounds are printed in its uptime, to see what the JIT compiles late.
        boolean printCompilation = Boolean.getBoolean("bench.print-compilation");
        try (ServiceProcess service = ServiceProcess.start("intake", ServiceProcess.pools(clients, 8),
                printCompilation ? List.of("-XX:+PrintCompilation") : List.of())) {
            long rssAfterStart = service.rssMiB();
            Seed.leads(service, seededLeads, Instant.now().toString());
            Random random = new Random(7);
            Load load = new Load(clients);
            // Deliveries are built and signed before each timed phase, so the load generator spends its
            // (shared) CPU on sending, as pgbench does.
            // Saturating load until the JIT settles, fresh messages in every chunk (about 1,000 a second at most).
            WarmUp.Done warm = WarmUp.untilJitSettles(service, (n, length) -> {
                List<Load.Call> calls = deliveries(service, random, seededLeads, "w" + n + "-", (int) Math.min(20_000, length.toMillis()));
                load.closedLoop(clients, length, i -> calls.get(i % calls.size()));
            });
            double compileBefore = service.compileSeconds();
            if (jfr != null) {
                service.startFlightRecording();
            }
            List<Load.Call> saturationCalls = deliveries(service, random, seededLeads, "s", Math.max(2_000, seconds * 5_000));
            long[] cpu = Machine.cpuTicks();
            Cpu before = Cpu.of(service);
            double groupsBefore = service.metric(GROUPS + "_count");
            double groupedBefore = service.metric(GROUPS + "_sum");
            Load.Result saturation = load.closedLoop(clients, Duration.ofSeconds(seconds),
                    i -> saturationCalls.get(i % saturationCalls.size()));
            Cpu used = Cpu.of(service).minus(before);
            double messagesPerCommit = (service.metric(GROUPS + "_sum") - groupedBefore)
                    / (service.metric(GROUPS + "_count") - groupsBefore);
            long[] cpuAfter = Machine.cpuTicks();
            double busy = Machine.busyPercent(cpu, cpuAfter);
            double machineMsPerMessage = (cpuAfter[0] - cpu[0]) * 1000.0 / Machine.clockTicksPerSecond() / Math.max(1, saturation.units());
            double deliveriesPerSecond = saturation.requests() / saturation.seconds();
            double compileSaturation = service.compileSeconds() - compileBefore;
            if (jfr != null) {
                service.dumpFlightRecording(java.nio.file.Path.of(jfr).toAbsolutePath());
            }
            // The half-saturation phase three times, each figure the median of the three: a phase in which the JIT
            // still compiled for seconds (it happens after a settled warm-up) shows in its own row, not in the figure.
            // First an unmeasured open-loop phase: the change from back-to-back requests to a fixed rate (connections
            // idle between requests, opened and closed) sent the JIT into seconds of deoptimising and recompiling the
            // Netty and Vert.x paths (-Dbench.print-compilation=true shows it), after a warm-up that had settled.
            int settleSeconds = Math.min(OPEN_WARM_UP_SECONDS, seconds);
            List<Load.Call> settleCalls = deliveries(service, random, seededLeads, "o", (int) (deliveriesPerSecond / 2 * settleSeconds) + 1);
            double compileSettleBefore = service.compileSeconds();
            load.openLoop(deliveriesPerSecond / 2, Duration.ofSeconds(settleSeconds), settleCalls::get);
            double compileSettle = service.compileSeconds() - compileSettleBefore;
            List<Load.Result> halves = new ArrayList<>();
            List<Double> halfCompiles = new ArrayList<>();
            for (int phase = 0; phase < HALF_PHASES; phase++) {
                List<Load.Call> halfCalls = deliveries(service, random, seededLeads, "h" + phase + "-",
                        (int) (deliveriesPerSecond / 2 * seconds) + 1);
                double compileHalfBefore = service.compileSeconds();
                double from = printCompilation ? service.uptimeSeconds() : Double.NaN;
                halves.add(load.openLoop(deliveriesPerSecond / 2, Duration.ofSeconds(seconds), halfCalls::get));
                if (printCompilation) {
                    System.out.printf("half-saturation phase %d: service uptime %.3f-%.3f s (its log: %s)%n", phase, from,
                            service.uptimeSeconds(), service.log());
                }
                halfCompiles.add(service.compileSeconds() - compileHalfBefore);
            }
            Load.Result half = halves.get(0);
            long rssAfter = service.rssMiB();
            long[] pgbenchTicks = Machine.cpuTicks();
            double pgbench = PgBench.available(install)
                    ? PgBench.messagesPerSecond(service, new PgBench.Mix("intake", clients, seconds, BATCH_PERCENT, BATCH_SIZE,
                            EXISTING_PERCENT, seededLeads, "webhook"))
                    : Double.NaN;
            long[] pgbenchTicksAfter = Machine.cpuTicks();
            double pgbenchBusy = Machine.busyPercent(pgbenchTicks, pgbenchTicksAfter);
            // pgbench's backends exit before the reading (their CPU is not under the postmaster any more):
            // the whole machine's busy CPU per message instead, as for the service's run below.
            double pgbenchMachineMs = (pgbenchTicksAfter[0] - pgbenchTicks[0]) * 1000.0 / Machine.clockTicksPerSecond()
                    / Math.max(1, pgbench * seconds);
            double p50 = median(halves.stream().mapToDouble(Load.Result::p50).toArray());
            double p99 = median(halves.stream().mapToDouble(Load.Result::p99).toArray());
            Figures f = new Figures(saturation.unitsPerSecond(), pgbench, p50, p99, half.unitsPerSecond(),
                    rssAfterStart, rssAfter, service.startupMillis());
            String mix = String.format("80%% existing / 20%% new leads, %d%% batched x%d, %d connections", BATCH_PERCENT, BATCH_SIZE, clients);
            table.add("intake at saturation (" + mix + ")",
                    String.format("%.0f msgs/s (%d failed requests; all cores %.0f%% busy)", f.serviceMsgsPerSecond(),
                            saturation.failures(), busy),
                    Double.isNaN(pgbench) ? "pgbench not available" : String.format("%.0f msgs/s pgbench, same SQL and mix", pgbench),
                    Double.isNaN(pgbench) ? "n/a" : String.format("%.2f (target >= 1.0)", f.serviceMsgsPerSecond() / pgbench));
            // CPU per stored message at saturation: the service JVM, PostgreSQL (its processes), the load
            // generator (this JVM), in ms; the harness's own cost is visible, not folded into the service's.
            table.add("intake CPU per stored message at saturation (from /proc; harness: its JVM's process CPU)",
                    String.format("%s; whole machine %.3f ms (%d messages, %.1f per commit; service JIT compile time in the phase %.2f s; %s)",
                            used.perUnit(saturation.units()), machineMsPerMessage, saturation.units(), messagesPerCommit,
                            compileSaturation, warm.describe()),
                    Double.isNaN(pgbench) ? "-" : String.format("pgbench run: whole machine %.3f ms per message (all cores %.0f%% busy)",
                            pgbenchMachineMs, pgbenchBusy),
                    "-");
            StringBuilder phases = new StringBuilder();
            long halfFailures = 0;
            for (int phase = 0; phase < halves.size(); phase++) {
                Load.Result r = halves.get(phase);
                halfFailures += r.failures();
                phases.append(String.format("%s%.2f / %.2f ms, JIT %.2f s, sends p99 %.2f ms late", phase == 0 ? "" : "; ",
                        r.p50(), r.p99(), halfCompiles.get(phase), r.sendLateP99()));
            }
            table.add(String.format("intake latency at half saturation (%.0f msgs/s offered; median of %d phases of %d s, after"
                                    + " %d s of it unmeasured, JIT %.2f s in those)",
                            f.halfRateMsgsPerSecond(), halves.size(), seconds, settleSeconds, compileSettle),
                    String.format("p50 %.2f ms, p99 %.2f ms (%d failed; each phase p50 / p99: %s)", f.p50Millis(), f.p99Millis(),
                            halfFailures, phases),
                    "p50 < 5 ms, p99 < 25 ms",
                    String.format("%.2f / %.2f", f.p50Millis() / 5, f.p99Millis() / 25));
            table.add("service resident memory", String.format("%d MiB after start, %d MiB after the intake benchmark",
                    rssAfterStart, rssAfter), "-", "-");
            return f;
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static List<Load.Call> deliveries(ServiceProcess service, Random random, int seededLeads, String prefix, int n) {
        List<Load.Call> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calls.add(delivery(service, random, seededLeads, prefix + i));
        }
        return calls;
    }

    /** One signed delivery: mostly a single message, sometimes a batch; its units are its messages. */
    static Load.Call delivery(ServiceProcess service, Random random, int seededLeads, String id) {
        int messages;
        ObjectNode body;
        synchronized (random) {
            boolean batched = random.nextInt(100) < BATCH_PERCENT;
            messages = batched ? BATCH_SIZE : 1;
            List<ObjectNode> events = new ArrayList<>();
            for (int m = 0; m < messages; m++) {
                long lead = random.nextInt(100) < EXISTING_PERCENT ? 1 + random.nextInt(seededLeads)
                        : seededLeads + 1 + random.nextInt(90_000_000);
                events.add(Webhooks.received(Seed.DEMO_PHONE_NUMBER_ID, "wamid.bench." + id + "." + m + "." + random.nextLong(),
                        Seed.phone(lead), "Halo, saya mau tanya harga paket bulanan?", Instant.now().getEpochSecond()));
            }
            body = batched ? Webhooks.batch(events.toArray(ObjectNode[]::new)) : events.get(0);
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(service.uri("/webhooks/kapso"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("Content-Type", "application/json")
                .header("X-Webhook-Event", Webhooks.RECEIVED)
                .header("X-Webhook-Signature", Webhooks.sign(SECRET, bytes))
                .timeout(Duration.ofSeconds(30)).build();
        return new Load.Call(request, messages);
    }
}
