package dev.leadline.bench;

import java.lang.management.ManagementFactory;

/** What the figures were measured on, printed above every table. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        long memoryBytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format("machine: %d cores, %.1f GiB memory, Java %s (%s), %s %s",
                Runtime.getRuntime().availableProcessors(), memoryBytes / (1024.0 * 1024 * 1024),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.arch"));
    }
}
