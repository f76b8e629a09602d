package dev.leadline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Which cores the load generators run on, and which the system under test: with bench/run.sh's {@code --pin N}
 * the harness JVM (its HTTP client) is started under {@code taskset -c N}, pgbench runs there too, and the
 * service JVM (with the embedded PostgreSQL it starts) on every other core, so no load generator takes a
 * core from what it measures. Without it nothing is pinned.
 */
final class Pin {

    private static volatile Integer core;

    private Pin() {
    }

    /** The core of the load generators (bench/run.sh's --pin), or null: nothing pinned. */
    static void loadGeneratorCore(Integer pinned) {
        if (pinned != null && !onlineCores().contains(pinned)) {
            throw new IllegalArgumentException("--pin " + pinned + ": no such core");
        }
        core = pinned;
    }

    /** The command prefix that runs a load generator (pgbench) on its core: empty when nothing is pinned. */
    static List<String> loadGenerator() {
        return core == null ? List.of() : List.of("taskset", "-c", String.valueOf(core));
    }

    /** The command prefix that runs the service (and its PostgreSQL) on the other cores: empty when nothing is pinned. */
    static List<String> service() {
        return core == null ? List.of() : List.of("taskset", "-c", otherCores());
    }

    private static String otherCores() {
        return onlineCores().stream().filter(c -> !c.equals(core)).map(String::valueOf).collect(Collectors.joining(","));
    }

    /**
     * The machine's cores, from the kernel ("0-1", "0,2-3"): not this JVM's availableProcessors(), which under
     * taskset counts only the cores it may run on.
     */
    static List<Integer> onlineCores() {
        List<Integer> cores = new ArrayList<>();
        try {
            for (String range : Files.readString(Path.of("/sys/devices/system/cpu/online")).trim().split(",")) {
                String[] ends = range.split("-");
                IntStream.rangeClosed(Integer.parseInt(ends[0]), Integer.parseInt(ends[ends.length - 1])).forEach(cores::add);
            }
        } catch (IOException | RuntimeException e) {
            IntStream.range(0, Runtime.getRuntime().availableProcessors()).forEach(cores::add);
        }
        return cores;
    }

    /** What ran where, for the table: the harness's cores as the kernel reports them, not as asked. */
    static String describe(boolean serviceInThisJvm) {
        if (core == null) {
            return "nothing pinned: the load generators (this JVM's HTTP client, pgbench), the service and PostgreSQL share all "
                    + onlineCores().size() + " cores (bench/run.sh --pin N pins them)";
        }
        List<String> parts = new ArrayList<>();
        parts.add("harness JVM (the HTTP load generator) on cores " + allowedCores());
        parts.add("pgbench on core " + core + " (taskset)");
        parts.add(serviceInThisJvm ? "the service inside the harness JVM (smoke): not separated"
                : "the service JVM and its PostgreSQL on cores " + otherCores() + " (taskset)");
        return String.join("; ", parts);
    }

    private static String allowedCores() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
