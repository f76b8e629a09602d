package dev.leadline.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault suite's result: one row per scenario (load, faults injected, expected, observed,
 * verdict), printed at the end and written to target/reliability.md for RELIABILITY.md.
 */
final class ReliabilityTable {

    private final List<String[]> rows = new ArrayList<>();

    /** Records a row and answers whether the scenario passed. */
    synchronized boolean record(String scenario, String load, String faults, String expected, String observed, boolean pass) {
        rows.add(new String[] {scenario, load, faults, expected, observed, pass ? "PASS" : "FAIL"});
        return pass;
    }

    synchronized String render() {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        StringBuilder sb = new StringBuilder();
        sb.append("Run ").append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(String.format(" on %d cores, %.1f GiB, Java %s, %s%n%n", Runtime.getRuntime().availableProcessors(),
                        memory / (1024.0 * 1024 * 1024), System.getProperty("java.version"), System.getProperty("os.name")));
        sb.append("| scenario | load | faults injected | expected | observed | verdict |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (String[] row : rows) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    void publish() throws IOException {
        String table = render();
        System.out.println("\n=== Reliability suite ===\n" + table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "reliability.md"), table);
    }
}
