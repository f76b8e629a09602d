package dev.leadline.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The service as the README runs it: a separate JVM running dev.leadline.Leadline from the project
 * directory (routes/, application.properties), on the embedded PostgreSQL, or on an external one when
 * BENCH_DB_URL is set, or when the caller's environment names one (DB_URL: several processes on one
 * database, as the two-instance test runs them). Knows its start-up time (launch to the first served
 * request) and resident memory; its output goes to target/bench-logs/{name}.log.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final String DEMO_TOKEN = "demo-token";

    private final Process process;
    private final int port;
    private final int dbPort;
    private final long startupMillis;
    private final String jdbcUrl;
    private final Path log;
    private final Path dataDir;

    private ServiceProcess(Process process, int port, int dbPort, long startupMillis, String jdbcUrl, Path log, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dbPort = dbPort;
        this.startupMillis = startupMillis;
        this.jdbcUrl = jdbcUrl;
        this.log = log;
        this.dataDir = dataDir;
    }

    public static ServiceProcess start(String name, Map<String, String> env, List<String> jvmArgs) throws Exception {
        int port = freePort();
        int dbPort = freePort();
        Path dataDir = Path.of("target", "bench-pg", UUID.randomUUID().toString()).toAbsolutePath();
        Path log = log(name);
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.leadline.Leadline");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("HTTP_PORT", String.valueOf(port));
        environment.put("MANAGEMENT_PORT", String.valueOf(freePort()));
        environment.put("SUMMARIES_ENABLED", "false");
        String external = System.getenv("BENCH_DB_URL");
        String jdbcUrl;
        if (external != null && !external.isBlank()) {
            environment.put("DB_URL", external);
            environment.put("DEMO_ENABLED", "true");
            jdbcUrl = external;
        } else {
            environment.put("DB_EMBEDDED_DATA_DIR", dataDir.toString());
            environment.put("DB_EMBEDDED_PORT", String.valueOf(dbPort));
            jdbcUrl = "jdbc:postgresql://localhost:" + dbPort + "/postgres?user=postgres";
        }
        environment.putAll(env);
        if (env.containsKey("DB_URL")) {
            jdbcUrl = env.get("DB_URL");
        }
        long launched = System.nanoTime();
        Process process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/leads?limit=1"))
                .header("Authorization", "Bearer " + DEMO_TOKEN).timeout(Duration.ofSeconds(5)).build();
        long deadline = launched + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited during start-up; see " + log);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    long startup = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched);
                    return new ServiceProcess(process, port, dbPort, startup, jdbcUrl, log, dataDir);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the service did not serve a request within 120 s; see " + log);
    }

    /** Where the service's output (its log) goes. */
    public static Path log(String name) {
        return Path.of("target", "bench-logs", name + ".log");
    }

    /** The service JVM: its pid, its children (an embedded PostgreSQL), a SIGTERM with destroy(). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public long startupMillis() {
        return startupMillis;
    }

    int dbPort() {
        return dbPort;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    /** Resident set size of the service JVM, from /proc. */
    long rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /**
     * CPU seconds (user + system) spent so far by the service JVM, and by the embedded PostgreSQL (its
     * postmaster, from postmaster.pid, and the processes under it alive now; 0 on an external database),
     * from /proc/<pid>/stat.
     */
    double[] cpuSeconds() throws IOException, InterruptedException {
        double database = 0;
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            database += cpuSeconds(postmaster);
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.descendants().toList()).orElse(List.of())) {
                database += cpuSeconds(child.pid());
            }
        }
        return new double[] {cpuSeconds(process.pid()), database};
    }

    private static double cpuSeconds(long pid) throws IOException, InterruptedException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        } catch (java.nio.file.NoSuchFileException gone) {
            return 0;
        }
        // after the ")" that ends the command name: state is the first field, utime the 12th, stime the 13th
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) Machine.clockTicksPerSecond();
    }

    /** Heap in use right now (young + old), from jstat, in MiB. */
    double heapUsedMiB() throws IOException, InterruptedException {
        Process jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                "-gc", String.valueOf(process.pid())).redirectErrorStream(true).start();
        List<String> lines = new String(jstat.getInputStream().readAllBytes()).lines().toList();
        jstat.waitFor();
        if (lines.size() < 2) {
            return -1;
        }
        String[] names = lines.get(0).trim().split("\\s+");
        String[] values = lines.get(1).trim().split("\\s+");
        Map<String, Double> gc = new HashMap<>();
        for (int i = 0; i < Math.min(names.length, values.length); i++) {
            try {
                gc.put(names[i], Double.parseDouble(values[i]));
            } catch (NumberFormatException e) {
                // a "-" column
            }
        }
        return (gc.getOrDefault("S0U", 0.0) + gc.getOrDefault("S1U", 0.0) + gc.getOrDefault("EU", 0.0)
                + gc.getOrDefault("OU", 0.0)) / 1024.0;
    }

    /** A full GC in the service (jcmd), so that the heap in use afterwards is what is still live. */
    void gc() throws IOException, InterruptedException {
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()), "GC.run").redirectErrorStream(true).start().waitFor();
    }

    /** Where the process's output goes. */
    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no graceful stop, nothing closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the graceful shutdown stops the embedded PostgreSQL too
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
