package dev.leadline.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadline.support.StubKapso;

/**
 * Catch-up of missed webhooks: Kapso's history of N inbound text messages over L customers, generated a page at a
 * time by the stub on loopback, read back by the manual POST /api/admin/workspaces/{id}/catch-up in a
 * -Xmx256m service; its rate against pgbench running the same store statement, its peak heap, a second
 * pass of the same window (every message a duplicate), and the CPU it took.
 */
final class CatchUpBenchmark {

    static final String ADMIN_TOKEN = "bench-admin-token-0123456789abcdef";
    /** The generated history's pace: messages per second of Kapso time (the window is N / this seconds). */
    static final int MESSAGES_PER_SECOND = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CatchUpBenchmark() {
    }

    /** One pass: the run record, its wall time, and the CPU seconds it took (the service JVM's and PostgreSQL's are reported). */
    record Pass(JsonNode run, double seconds, Cpu cpu) {
        double messagesPerSecond() {
            return run.get("seen").asLong() / seconds;
        }
    }

    static void run(int messages, int leads, int pageSize, int pgbenchSeconds, boolean install, Table table) throws Exception {
        try (StubKapso kapso = new StubKapso();
             ServiceProcess service = ServiceProcess.start("catch-up", ServiceProcess.pools(16, 8, Map.of(
                     "ADMIN_TOKEN", ADMIN_TOKEN,
                     "KAPSO_API_BASE_URL", kapso.baseUrl(),
                     "CATCHUP_ON_START", "false",
                     "CATCHUP_PAGE_SIZE", String.valueOf(pageSize),
                     // one pass reads the whole window: no share to leave for other workspaces here
                     "CATCHUP_MAX_PAGES_PER_RUN", String.valueOf(messages / pageSize + 2))), List.of("-Xmx256m"))) {
            String number = Seed.DEMO_PHONE_NUMBER_ID;
            long workspaceId = Seed.count(service, "SELECT id FROM workspace WHERE phone_number_id = '" + number + "'");
            String key = "bench-kapso-key-" + UUID.randomUUID();
            kapso.key(number, key);
            HttpResponse<String> set = admin(service, "PUT", "/api/admin/workspaces/" + workspaceId + "/kapso-key",
                    "{\"apiKey\": \"" + key + "\"}");
            check(set.statusCode() == 200, "PUT kapso-key answered " + set.statusCode() + ": " + set.body());

            // Message i: customer i % leads, Kapso time base + i / MESSAGES_PER_SECOND; wamids in index order, so
            // records come ordered by (timestamp, id) as the stub requires. Built only when its page is asked for.
            Instant base = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
            long first = base.getEpochSecond();
            kapso.generate(number, messages, i -> {
                String phone = Seed.phone(1 + i % leads);
                return StubKapso.inbound(String.format("wamid.catchup.%09d", i), phone.substring(1), "conv-" + phone,
                        "Pelanggan " + (1 + i % leads), "Halo, saya mau tanya harga paket bulanan? (" + i + ")",
                        first + i / MESSAGES_PER_SECOND);
            });
            Instant until = base.plusSeconds(messages / MESSAGES_PER_SECOND + 1);
            long leadsBefore = Seed.count(service, "SELECT count(*) FROM lead WHERE workspace_id = " + workspaceId);

            service.gc();
            double heapBefore = service.heapUsedMiB();
            HeapPeak heap = new HeapPeak(service, 200);
            long[] machine = Machine.cpuTicks();
            Pass stored = pass(service, workspaceId, base, until);
            double busy = Machine.busyPercent(machine, Machine.cpuTicks());
            heap.close();
            service.gc();
            double heapLive = service.heapUsedMiB();
            JsonNode run = stored.run();
            check("done".equals(run.path("status").asText()) && run.get("seen").asLong() == messages
                    && run.get("stored").asLong() == messages && run.get("duplicates").asLong() == 0,
                    "the first pass should see and store every message once: " + run);
            long newLeads = Seed.count(service, "SELECT count(*) FROM lead WHERE workspace_id = " + workspaceId) - leadsBefore;
            long caughtUp = Seed.count(service, "SELECT count(*) FROM message WHERE workspace_id = " + workspaceId
                    + " AND source = 'catch-up'");
            check(newLeads == leads && caughtUp == messages,
                    "expected " + leads + " new leads and " + messages + " caught-up messages, found " + newLeads + " and " + caughtUp);

            Pass again = pass(service, workspaceId, base, until);
            JsonNode repeat = again.run();
            check("done".equals(repeat.path("status").asText()) && repeat.get("seen").asLong() == messages
                    && repeat.get("stored").asLong() == 0 && repeat.get("duplicates").asLong() == messages,
                    "the second pass should find every message already stored: " + repeat);

            // The limit: the same statement (store-message.sql), the catch-up's mix (one message per transaction,
            // every phone an existing lead of the L), serially as the catch-up stores, and with the intake's 16
            // connections; on this service's database, after the passes (so the leads exist).
            boolean pgbench = PgBench.available(install);
            double serial = pgbench ? PgBench.messagesPerSecond(service,
                    new PgBench.Mix("catch-up-1", 1, pgbenchSeconds, 0, 1, 100, leads, "catch-up")) : Double.NaN;
            double parallel = pgbench ? PgBench.messagesPerSecond(service,
                    new PgBench.Mix("catch-up-16", 16, pgbenchSeconds, 0, 1, 100, leads, "catch-up")) : Double.NaN;

            String workload = String.format("catch-up, %,d messages over %,d leads, pages of %d, -Xmx256m", messages, leads, pageSize);
            table.add(workload,
                    String.format("%.0f msgs/s (%.1f s, %d pages; stored %d, %d duplicates; all cores %.0f%% busy)",
                            stored.messagesPerSecond(), stored.seconds(), run.get("pages").asInt(), run.get("stored").asLong(),
                            run.get("duplicates").asLong(), busy),
                    pgbench ? String.format("%.0f msgs/s pgbench, same SQL, 1 connection (catch-up stores serially); %.0f at 16",
                            serial, parallel) : "pgbench not available",
                    pgbench ? String.format("%.2f / %.2f", stored.messagesPerSecond() / serial, stored.messagesPerSecond() / parallel)
                            : "n/a");
            table.add(String.format("catch-up heap, %,d messages, -Xmx256m", messages),
                    String.format("peak %.0f MiB in use (jstat every 200 ms); %.0f MiB live before, %.0f MiB after (full GC)",
                            heap.peakMiB(), heapBefore, heapLive),
                    "256 MiB heap", String.format("%.2f", heap.peakMiB() / 256));
            table.add(String.format("catch-up again, the same window (%,d duplicates)", messages),
                    String.format("%.0f msgs/s (%.1f s; stored %d, %d duplicates)", again.messagesPerSecond(), again.seconds(),
                            repeat.get("stored").asLong(), repeat.get("duplicates").asLong()),
                    String.format("%.0f msgs/s first pass", stored.messagesPerSecond()),
                    String.format("%.2f", again.messagesPerSecond() / stored.messagesPerSecond()));
            // seconds per 1,000 messages: the same figure as ms per message
            Cpu firstCpu = stored.cpu().msPer(messages);
            Cpu againCpu = again.cpu().msPer(messages);
            table.add("catch-up CPU per 1,000 messages (from /proc)",
                    String.format("first pass: service JVM %.2f s, PostgreSQL %.2f s; second pass: JVM %.2f s, PostgreSQL %.2f s",
                            firstCpu.service(), firstCpu.database(), againCpu.service(), againCpu.database()),
                    "-", "-");
        }
    }

    /**
     * One manual catch-up of the window: started (202), then followed on its Location until it ends; timed by
     * its own record (startedAt to finishedAt), so that the polling interval does not count.
     */
    static Pass pass(ServiceProcess service, long workspaceId, Instant since, Instant until) throws Exception {
        Cpu before = Cpu.of(service);
        HttpResponse<String> answer = admin(service, "POST", "/api/admin/workspaces/" + workspaceId + "/catch-up?since=" + since
                + "&until=" + until, null);
        check(answer.statusCode() == 202, "the catch-up answered " + answer.statusCode() + ": " + answer.body());
        String location = answer.headers().firstValue("Location").orElseThrow();
        JsonNode run = JSON.readTree(answer.body());
        while ("running".equals(run.path("status").asText())) {
            Thread.sleep(100);
            HttpResponse<String> polled = admin(service, "GET", location, null);
            check(polled.statusCode() == 200, "the catch-up run answered " + polled.statusCode() + ": " + polled.body());
            run = JSON.readTree(polled.body());
        }
        Cpu used = Cpu.of(service).minus(before);
        double seconds = Duration.between(OffsetDateTime.parse(run.get("startedAt").asText()),
                OffsetDateTime.parse(run.get("finishedAt").asText())).toNanos() / 1e9;
        return new Pass(run, seconds, used);
    }

    private static HttpResponse<String> admin(ServiceProcess service, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.uri(path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .timeout(Duration.ofMinutes(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }
}
