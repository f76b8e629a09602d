package dev.leadline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.leadline.api.ApiTokens;
import dev.leadline.api.LeadQueries;
import dev.leadline.intake.PhoneCanonicalizer;

/**
 * PostgreSQL's own limit for a read workload: pgbench running, at the workload's rate, the SQL files its route
 * runs per request (the bearer token's workspace, then for the lead list the workspace's change mark of the ETag
 * and, unless the poll is answered 304, the list; for the timeline its one statement), their named parameters
 * as pgbench variables with the values the route's own bean (LeadQueries) makes of the workload's query.
 * <p>
 * Prepared statements with bound values (pgbench -M prepared), as the service's JDBC driver sends them after its
 * first few executions; a NULL parameter is written into the statement instead (a pgbench variable can't be NULL),
 * which lets PostgreSQL fold that filter away even in a generic plan: if anything, a stricter limit.
 * A workload whose query is drawn at random (a search term) runs as up to {@link #MAX_DRAWS} scripts of its own
 * draws, picked at random per transaction; a random lead is a pgbench random() over the same range. Latency is per
 * transaction from its scheduled start (pgbench -R: schedule lag included, as the HTTP open loop counts from each
 * request's intended start), p50 and p99 of the per-transaction log. pgbench's -R schedule is a Poisson process,
 * the HTTP loop's evenly spaced: pgbench's arrivals bunch more, which can only raise its own percentiles.
 */
final class ReadLimit {

    /**
     * Each draw is a script of its own, prepared on each connection apart: twenty keep a spread of search terms
     * while each prepared statement still runs often enough (PostgreSQL's plan cache weighs a generic plan after
     * five executions) to reach the steady state of the service's one statement per connection.
     */
    static final int MAX_DRAWS = 20;

    /** As many connections as the service's pool (db.pool-size) may use. */
    static final int CLIENTS = 16;

    /** One read workload: its path ({lead}: a lead of leadFrom..leadTo), its query (one of queries draws), a poll with If-None-Match. */
    record Workload(String name, String path, long leadFrom, long leadTo, int queries,
                    java.util.function.IntFunction<Map<String, String>> query, boolean conditional) {

        boolean timeline() {
            return path.contains("{lead}");
        }
    }

    /** pgbench's figures: transactions, p50 and p99 in ms (schedule lag included), and which statements ran. */
    record Figures(long transactions, double p50, double p99, String statements) {
    }

    /** The bearer token's workspace as workspace-by-token.sql answers it: what the route then binds. */
    record Caller(String tokenHash, long workspaceId, String defaultCountry, String timeZone) {

        static Caller of(ServiceProcess service, String token) throws Exception {
            byte[] hash = ApiTokens.presentedHash("Bearer " + token);
            try (Connection c = service.connect();
                 PreparedStatement s = c.prepareStatement(ReadApiBenchmark.sql("/sql/api/workspace-by-token.sql").replace(":#tokenHash", "?"))) {
                s.setBytes(1, hash);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new Caller("\\x" + HexFormat.of().formatHex(hash), rs.getLong("workspaceId"), rs.getString("defaultCountry"),
                            rs.getString("timeZone"));
                }
            }
        }
    }

    private static final Pattern PARAMETER = Pattern.compile(":#(\\w+)");

    private ReadLimit() {
    }

    /**
     * pgbench at rate transactions per second for seconds (after a second's warm-up unless smoke), one
     * transaction per request of the workload.
     */
    static Figures run(ServiceProcess service, Caller caller, Workload w, int rate, int seconds, boolean warmUp) throws Exception {
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        String slug = "read-" + w.name().toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        LeadQueries queries = new LeadQueries(new PhoneCanonicalizer());
        Random random = new Random(17);
        int draws = Math.min(w.queries(), MAX_DRAWS);
        List<String> command = new ArrayList<>(Pin.loadGenerator());
        command.addAll(List.of("pgbench", "-n", "-M", "prepared", "-c", String.valueOf(CLIENTS), "-j", "1", "-R", String.valueOf(rate),
                "-h", "127.0.0.1", "-p", String.valueOf(service.dbPort()), "-U", "postgres"));
        String statements = null;
        for (int d = 0; d < draws; d++) {
            Map<String, String> query = w.query().apply(w.queries() == 1 ? 0 : random.nextInt(w.queries()));
            Map<String, Object> params;
            List<String> files = new ArrayList<>();
            files.add("workspace-by-token");
            if (w.timeline()) {
                params = queries.timelinePage(caller.workspaceId(), caller.timeZone(), 0, query.get("kind"), query.get("from"),
                        query.get("to"), query.get("cursor"), query.get("limit"));
                files.add("list-lead-timeline");
            } else {
                params = queries.leadList(caller.workspaceId(), caller.defaultCountry(), query.get("status"), query.get("activeSince"),
                        query.get("q"), query.get("awaitingReply"), query.get("intent"), query.get("cursor"), query.get("limit"));
                files.add("workspace-change-mark");
                if (!w.conditional()) {
                    files.add(Boolean.TRUE.equals(params.get("awaitingReply")) ? "list-awaiting-leads" : "list-leads");
                }
            }
            params.put("tokenHash", caller.tokenHash());
            StringBuilder script = new StringBuilder();
            if (w.timeline()) {
                script.append("\\set lead random(").append(w.leadFrom()).append(", ").append(w.leadTo()).append(")\n");
            }
            Map<String, String> variables = new LinkedHashMap<>();
            for (String file : files) {
                script.append(bind(PgBench.strip(ReadApiBenchmark.sql("/sql/api/" + file + ".sql")), params, "d" + d + "_", variables))
                        .append(";\n");
            }
            Path path = dir.resolve(slug + "-" + d + ".sql");
            Files.writeString(path, script.toString());
            command.addAll(List.of("-f", path + "@1"));
            variables.forEach((name, value) -> command.addAll(List.of("-D", name + "=" + value)));
            statements = String.join(", ", files.stream().map(f -> f + ".sql").toList());
        }
        command.add(service.dbName());
        if (warmUp) {
            pgbench(command, 1, null, dir, slug);
        }
        Path log = dir.resolve(slug + "-log");
        return latencies(pgbench(command, Math.max(1, seconds), log, dir, slug), statements);
    }

    /** The statement with each named parameter a pgbench variable (the lead's: :lead), or NULL when it has no value. */
    private static String bind(String sql, Map<String, Object> params, String prefix, Map<String, String> variables) {
        Matcher m = PARAMETER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!params.containsKey(name)) {
                throw new IllegalStateException("no value for :#" + name + " in " + sql);
            }
            Object value = params.get(name);
            String replacement;
            if (name.equals("leadId")) {
                replacement = ":lead";
            } else if (value == null) {
                replacement = "NULL";
            } else {
                variables.put(prefix + name, String.valueOf(value));
                replacement = ":" + prefix + name;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Runs pgbench for seconds; with a log prefix, logs each transaction there and answers the log files. */
    private static List<Path> pgbench(List<String> base, int seconds, Path log, Path dir, String slug) throws Exception {
        List<String> command = new ArrayList<>(base);
        command.addAll(command.size() - 1, List.of("-T", String.valueOf(seconds)));
        if (log != null) {
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.filter(p -> p.getFileName().toString().startsWith(log.getFileName() + ".")).toList()) {
                    Files.delete(p);
                }
            }
            command.addAll(command.size() - 1, List.of("--log", "--log-prefix=" + log));
        }
        Process pgbench = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(pgbench.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (pgbench.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed:\n" + out);
        }
        // the command first, so that a run can be repeated by hand against the benchmark's database
        Files.writeString(dir.resolve(slug + "-pgbench-output.txt"), command.stream()
                .map(a -> a.matches("[\\w./@=,:-]+") ? a : "'" + a.replace("'", "'\\''") + "'").collect(java.util.stream.Collectors.joining(" "))
                + "\n\n" + out);
        if (log == null) {
            return List.of();
        }
        try (Stream<Path> logs = Files.list(dir)) {
            return logs.filter(p -> p.getFileName().toString().startsWith(log.getFileName() + ".")).toList();
        }
    }

    /**
     * p50 and p99 of the per-transaction log's latencies ("client transaction time script epoch us lag": the
     * third, in microseconds, counted from the scheduled start under -R).
     */
    private static Figures latencies(List<Path> logs, String statements) throws IOException {
        List<Long> micros = new ArrayList<>();
        for (Path log : logs) {
            for (String line : Files.readAllLines(log)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3) {
                    micros.add(Long.parseLong(f[2]));
                }
            }
        }
        if (micros.isEmpty()) {
            throw new IllegalStateException("pgbench logged no transaction in " + logs);
        }
        micros.sort(null);
        return new Figures(micros.size(), percentile(micros, 50), percentile(micros, 99), statements);
    }

    /** The nearest-rank percentile, in ms. */
    private static double percentile(List<Long> sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, rank - 1)) / 1000.0;
    }
}
