package dev.leadline.bench;

import java.time.Duration;

/**
 * Load until the service's JIT compilers settle, before anything is measured. A service in production runs
 * for hours, so its figures are those of compiled code; the first minute of a fresh JVM is not: on these
 * 2-core machines its C1/C2 compilers took ~17 s of CPU during a 15 s intake phase that followed a 4 s
 * warm-up (JFR jdk.CompilerStatistics), billed to the service's "CPU per message" and stalling
 * requests while a core compiled. The warm-up runs the benchmark's own load in chunks until one chunk adds
 * less than {@link #SETTLED_COMPILE_SECONDS} of compile time (jstat -compiler), or {@link #MAX} has passed,
 * and says which, with what it cost, so that the cold start stays visible next to the warm figures.
 */
final class WarmUp {

    static final Duration CHUNK = Duration.ofSeconds(5);
    /** Compile time per chunk under which the JIT counts as settled: 5% of one core's chunk. */
    static final double SETTLED_COMPILE_SECONDS = 0.25;
    static final Duration MAX = Duration.ofSeconds(120);

    /** One chunk of the benchmark's load, about as long as asked (the n-th chunk, from 0). */
    interface Chunk {
        void run(int n, Duration length) throws Exception;
    }

    /** What the warm-up took: load seconds, the compile seconds in it, those of its last chunk, and whether the JIT settled. */
    record Done(double seconds, double compileSeconds, double lastChunkCompileSeconds, boolean settled) {
        String describe() {
            return Double.isNaN(compileSeconds) ? String.format("warm-up %.0f s (service in this JVM: JIT not watched)", seconds)
                    : String.format("warm-up %.0f s of load, JIT compile time in it %.1f s, %.2f s in the last %d s chunk (%s)",
                            seconds, compileSeconds, lastChunkCompileSeconds, CHUNK.toSeconds(),
                            settled ? "settled" : "NOT settled within " + MAX.toSeconds() + " s");
        }
    }

    private WarmUp() {
    }

    static Done untilJitSettles(ServiceProcess service, Chunk load) throws Exception {
        long start = System.nanoTime();
        double first = service.compileSeconds();
        if (Double.isNaN(first)) { // a smoke run's service shares this JVM: one short chunk
            load.run(0, Duration.ofMillis(250));
            return new Done((System.nanoTime() - start) / 1e9, Double.NaN, Double.NaN, false);
        }
        double before = first;
        for (int n = 0; ; n++) {
            load.run(n, CHUNK);
            double now = service.compileSeconds();
            double seconds = (System.nanoTime() - start) / 1e9;
            boolean settled = now - before < SETTLED_COMPILE_SECONDS;
            if (settled || seconds >= MAX.toSeconds()) {
                return new Done(seconds, now - first, now - before, settled);
            }
            before = now;
        }
    }
}
