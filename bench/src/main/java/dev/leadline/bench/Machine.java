package dev.leadline.bench;

import java.lang.management.ManagementFactory;

/** What the figures were measured on, printed above every table. */
final class Machine {

    private Machine() {
    }

    /** Busy and total CPU ticks of the whole machine so far, from /proc/stat. */
    static long[] cpuTicks() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (java.io.IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** How busy all cores were between two cpuTicks() readings, in percent. */
    static double busyPercent(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total == 0 ? Double.NaN : 100.0 * (after[0] - before[0]) / total;
    }

    private static long clockTicks;

    /** The kernel's clock ticks per second (getconf CLK_TCK), the unit of /proc's CPU times. */
    static synchronized long clockTicksPerSecond() throws java.io.IOException, InterruptedException {
        if (clockTicks == 0) {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            getconf.waitFor();
            clockTicks = out.matches("\\d+") ? Long.parseLong(out) : 100;
        }
        return clockTicks;
    }

    static String describe() {
        long memoryBytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format("machine: %d cores, %.1f GiB memory, Java %s (%s), %s %s",
                Pin.onlineCores().size(), memoryBytes / (1024.0 * 1024 * 1024),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.arch"));
    }
}
