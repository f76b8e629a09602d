package dev.leadline.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU seconds so far of the service JVM, its PostgreSQL (both from /proc, {@link ServiceProcess#cpuSeconds()}) and
 * this harness JVM (the load generator, and the stub LLM or Kapso when a benchmark runs one: its process CPU time),
 * so that a phase's cost per unit of work shows where it went. Read before and after a phase; {@link #minus} is the
 * phase's.
 */
record Cpu(double service, double database, double harness) {

    static Cpu of(ServiceProcess service) throws Exception {
        double[] s = service.cpuSeconds();
        long harness = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        return new Cpu(s[0], s[1], harness / 1e9);
    }

    Cpu minus(Cpu earlier) {
        return new Cpu(service - earlier.service, database - earlier.database, harness - earlier.harness);
    }

    /** The same three in milliseconds per unit (1000 x seconds / units). */
    Cpu msPer(double units) {
        return new Cpu(1000 * service / units, 1000 * database / units, 1000 * harness / units);
    }

    /** Milliseconds per request (or message), at least one: "service JVM 0.123 ms, PostgreSQL 0.045 ms, load generator 0.067 ms". */
    String perUnit(long units) {
        Cpu ms = msPer(Math.max(1, units));
        return String.format("service JVM %.3f ms, PostgreSQL %.3f ms, load generator %.3f ms", ms.service, ms.database, ms.harness);
    }
}
