package dev.leadline.bench;

import java.io.IOException;
import java.io.Reader;
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
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.leadline.Leadline;
import dev.leadline.support.TestPorts;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.main.Main;

/**
 * The service as the README runs it: a separate JVM running dev.leadline.Leadline from the project
 * directory (routes/, application.properties), on the embedded PostgreSQL, or on an external one when
 * BENCH_DB_URL is set, or when the caller's environment names one (DB_URL: several processes on one
 * database, as the two-instance test runs them). Knows its start-up time (launch to the first served
 * request) and resident memory; its output goes to target/bench-logs/{name}.log.
 *
 * <p>The smoke run ({@code bench/run.sh smoke}, BenchmarkSmokeTest) starts each service inside the calling
 * JVM instead ({@link #inProcess(boolean)}): the same dev.leadline.Leadline, working directory and settings
 * (each environment variable given as the application.properties key it overrides), each on a fresh
 * database of one embedded PostgreSQL shared by the smoke run: no JVM launch and no initdb per benchmark,
 * so the tiny runs take seconds. JVM options do not apply there, and the memory and CPU figures are the
 * calling JVM's: a smoke run checks that every benchmark runs, not its figures.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final String DEMO_TOKEN = "demo-token";
    private static final HttpClient WEBHOOKS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static volatile boolean inProcess;
    private static EmbeddedPostgres smokeDatabase;
    private static int smokeDatabases;

    private final Process process;
    private final Main main;
    private final int port;
    private final int managementPort;
    private final int dbPort;
    private final String dbName;
    private final long startupMillis;
    private final String jdbcUrl;
    private final Path log;
    private final Path dataDir;

    private ServiceProcess(Process process, Main main, int port, int managementPort, int dbPort, String dbName, long startupMillis, String jdbcUrl,
                           Path log, Path dataDir) {
        this.process = process;
        this.main = main;
        this.port = port;
        this.managementPort = managementPort;
        this.dbPort = dbPort;
        this.dbName = dbName;
        this.startupMillis = startupMillis;
        this.jdbcUrl = jdbcUrl;
        this.log = log;
        this.dataDir = dataDir;
    }

    /**
     * From now on, services start inside this JVM on a database of one shared embedded PostgreSQL (true), or
     * as a JVM of their own (false, the default; stops that PostgreSQL).
     */
    public static synchronized void inProcess(boolean on) throws IOException {
        inProcess = on;
        if (!on && smokeDatabase != null) {
            smokeDatabase.close();
            smokeDatabase = null;
        }
    }

    /** A new empty database on the smoke run's PostgreSQL (started with the first): its name. */
    private static synchronized String newSmokeDatabase() throws IOException, SQLException {
        if (smokeDatabase == null) {
            smokeDatabase = EmbeddedPostgres.builder()
                    .setDataDirectory(Path.of("target", "bench-pg", "smoke-" + UUID.randomUUID()).toAbsolutePath())
                    .setCleanDataDirectory(true).start();
        }
        String name = "smoke_" + (++smokeDatabases);
        try (Connection c = smokeDatabase.getPostgresDatabase().getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    /** The intake pool the benchmarks were measured with, beside a main pool of its own size. */
    static final int BENCH_INTAKE_POOL = 16;

    /**
     * A main pool of mainPool connections and the intake's 16, as measured before db.max-connections, and the
     * budget that fits them beside the streamed query's default 4 and the daily run's summaryConcurrency + 1.
     */
    static Map<String, String> pools(int mainPool, int summaryConcurrency) {
        return pools(mainPool, summaryConcurrency, Map.of());
    }

    /** The same, with the benchmark's other settings. */
    static Map<String, String> pools(int mainPool, int summaryConcurrency, Map<String, String> others) {
        Map<String, String> env = new HashMap<>(others);
        env.put("DB_POOL_SIZE", String.valueOf(mainPool));
        env.put("DB_INTAKE_POOL_SIZE", String.valueOf(BENCH_INTAKE_POOL));
        env.put("DB_MAX_CONNECTIONS", String.valueOf(mainPool + BENCH_INTAKE_POOL + 4 + summaryConcurrency + 1));
        return env;
    }

    public static ServiceProcess start(String name, Map<String, String> env, List<String> jvmArgs) throws Exception {
        int port = freePort();
        int dbPort = freePort();
        Path dataDir = Path.of("target", "bench-pg", UUID.randomUUID().toString()).toAbsolutePath();
        Path log = log(name);
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(Pin.service());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.leadline.Leadline");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = new HashMap<>();
        environment.put("HTTP_PORT", String.valueOf(port));
        int managementPort = freePort();
        environment.put("MANAGEMENT_PORT", String.valueOf(managementPort));
        environment.put("SUMMARIES_ENABLED", "false");
        String external = System.getenv("BENCH_DB_URL");
        String jdbcUrl;
        String dbName = "postgres";
        if (inProcess) {
            dbName = newSmokeDatabase();
            dbPort = smokeDatabase.getPort();
            jdbcUrl = "jdbc:postgresql://localhost:" + dbPort + "/" + dbName + "?user=postgres";
            environment.put("DB_URL", "jdbc:postgresql://localhost:" + dbPort + "/" + dbName);
            environment.put("DB_USER", "postgres");
            environment.put("DEMO_ENABLED", "true");
        } else if (external != null && !external.isBlank()) {
            environment.put("DB_URL", external);
            environment.put("DEMO_ENABLED", "true");
            jdbcUrl = external;
            // pgbench connects to 127.0.0.1 on the URL's port and database (an external PostgreSQL on this machine)
            java.util.regex.Matcher url = java.util.regex.Pattern.compile("jdbc:postgresql://[^:/]+(?::(\\d+))?/([^?]+).*").matcher(external);
            if (url.matches()) {
                dbPort = url.group(1) == null ? 5432 : Integer.parseInt(url.group(1));
                dbName = url.group(2);
            }
        } else {
            environment.put("DB_EMBEDDED_DATA_DIR", dataDir.toString());
            environment.put("DB_EMBEDDED_PORT", String.valueOf(dbPort));
            jdbcUrl = "jdbc:postgresql://localhost:" + dbPort + "/postgres?user=postgres";
        }
        environment.putAll(env);
        if (environment.containsKey("DB_URL")) {
            // An external database refuses the published demo key encryption key.
            environment.putIfAbsent("CATCHUP_KEY_ENCRYPTION_KEY", "bench-key-encryption-key-" + UUID.randomUUID());
        }
        if (env.containsKey("DB_URL")) {
            jdbcUrl = env.get("DB_URL");
        }
        long launched = System.nanoTime();
        Process process = null;
        Main main = null;
        if (inProcess) {
            main = Leadline.create(Path.of(""));
            Map<String, String> keys = propertyKeysByEnvironmentName();
            for (Map.Entry<String, String> e : environment.entrySet()) {
                String key = keys.get(e.getKey());
                if (key == null) {
                    throw new IllegalArgumentException(e.getKey() + " overrides no key of application.properties");
                }
                main.addOverrideProperty(key, e.getValue());
            }
            main.addOverrideProperty("camel.main.shutdown-timeout", "5");
            main.start();
        } else {
            builder.environment().putAll(environment);
            process = builder.start();
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/leads?limit=1"))
                .header("Authorization", "Bearer " + DEMO_TOKEN).timeout(Duration.ofSeconds(5)).build();
        long deadline = launched + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the service exited during start-up; see " + log);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    long startup = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched);
                    return new ServiceProcess(process, main, port, managementPort, dbPort, dbName, startup, jdbcUrl, log, dataDir);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        if (process != null) {
            process.destroyForcibly();
        } else {
            main.stop();
        }
        throw new IllegalStateException("the service did not serve a request within 120 s; see " + log);
    }

    /** application.properties' keys by the environment variable that overrides each (llm.api-key: LLM_API_KEY). */
    private static Map<String, String> propertyKeysByEnvironmentName() throws IOException {
        Properties defaults = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            defaults.load(in);
        }
        Map<String, String> keys = new HashMap<>();
        for (String key : defaults.stringPropertyNames()) {
            keys.put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), key);
        }
        return keys;
    }

    /** Where the service's output (its log) goes. */
    public static Path log(String name) {
        return Path.of("target", "bench-logs", name + ".log");
    }

    /** The service JVM: its pid, its children (an embedded PostgreSQL), a SIGTERM with destroy(). */
    public ProcessHandle handle() {
        return process != null ? process.toHandle() : ProcessHandle.current();
    }

    private long pid() {
        return handle().pid();
    }

    /** A port for the service to bind later: in a test run, from the fork's own range (TestPorts). */
    static int freePort() throws IOException {
        return TestPorts.next();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * A value of the service's Prometheus metrics (/observe/metrics), by its full name with labels as printed, e.g.
     * {@code leadline_intake_group_commit_messages_count}; NaN when it is not there.
     */
    public double metric(String name) throws InterruptedException {
        HttpResponse<String> metrics;
        try {
            metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                    + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return Double.NaN;
        }
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    public long startupMillis() {
        return startupMillis;
    }

    int dbPort() {
        return dbPort;
    }

    /** The service's database on that port (postgres, but for a smoke run's services). */
    String dbName() {
        return dbName;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    /** Resident set size of the service JVM, from /proc. */
    long rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
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
        return new double[] {cpuSeconds(pid()), database};
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

    /**
     * Seconds the service JVM's JIT compilers have spent so far (jstat -compiler, its Time column); NaN for a
     * service inside this JVM.
     */
    double compileSeconds() throws IOException, InterruptedException {
        if (process == null) {
            return Double.NaN;
        }
        Process jstat = jstat("-compiler");
        List<String> lines = new String(jstat.getInputStream().readAllBytes()).lines().toList();
        jstat.waitFor();
        List<String> names = List.of(lines.get(0).trim().split("\\s+"));
        return Double.parseDouble(lines.get(1).trim().split("\\s+")[names.indexOf("Time")]);
    }

    /** jstat on the service JVM; without JAVA_TOOL_OPTIONS, whose "Picked up" line would come before its header. */
    private Process jstat(String option) throws IOException {
        ProcessBuilder jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(), option,
                String.valueOf(pid())).redirectErrorStream(true);
        jstat.environment().remove("JAVA_TOOL_OPTIONS");
        return jstat.start();
    }

    /** Heap in use right now (young + old), from jstat, in MiB. */
    double heapUsedMiB() throws IOException, InterruptedException {
        Process jstat = jstat("-gc");
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

    /** Starts a JDK Flight Recorder recording (the profile settings) in the service JVM (jcmd JFR.start). */
    void startFlightRecording() throws IOException, InterruptedException {
        jcmd("JFR.start", "name=bench", "settings=profile");
    }

    /** Writes the recording started by {@link #startFlightRecording()} to that file and stops it. */
    void dumpFlightRecording(Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        jcmd("JFR.stop", "name=bench", "filename=" + file);
    }

    /** The service JVM's uptime in seconds (jcmd VM.uptime): the time base of its -XX:+PrintCompilation lines. */
    double uptimeSeconds() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid()), "VM.uptime").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+[.,][0-9]+) s").matcher(out);
        return m.find() ? Double.parseDouble(m.group(1).replace(',', '.')) : Double.NaN;
    }

    private void jcmd(String... command) throws IOException, InterruptedException {
        if (process == null) {
            throw new UnsupportedOperationException("no flight recording of a service inside this JVM");
        }
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid())));
        line.addAll(List.of(command));
        new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    /** A full GC in the service (jcmd), so that the heap in use afterwards is what is still live. */
    void gc() throws IOException, InterruptedException {
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid()), "GC.run").redirectErrorStream(true).start().waitFor();
    }

    /** A webhook delivery to the demo workspace's endpoint, signed with its secret, as Kapso sends one: the answer. */
    public HttpResponse<String> deliverDemoWebhook(byte[] body) throws IOException, InterruptedException {
        return WEBHOOKS.send(HttpRequest.newBuilder(uri("/webhooks/kapso"))
                .header("Content-Type", "application/json")
                .header("X-Webhook-Event", Webhooks.RECEIVED)
                .header("X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, body))
                .header("X-Webhook-Payload-Version", "v2")
                .header("X-Idempotency-Key", UUID.randomUUID().toString())
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether this instance's log says it started the summary run. */
    public boolean startedSummaryRun(long runId) throws IOException {
        return Files.readString(log).contains("Summary run " + runId + " started");
    }

    /** Where the process's output goes. */
    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process != null ? process.isAlive() : main.isStarted();
    }

    /** kill -9: no shutdown hook, no graceful stop, nothing closed. */
    public void kill() throws InterruptedException {
        if (process == null) {
            throw new UnsupportedOperationException("a service inside this JVM can't be killed");
        }
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            main.stop();
            return;
        }
        process.destroy(); // SIGTERM: the graceful shutdown stops the embedded PostgreSQL too
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
