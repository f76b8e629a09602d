package dev.leadline.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.bench.ServiceProcess;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real service process (a separate JVM, as deployed) under a steady stream of webhooks: it
 * stops taking new ones (503 with Retry-After, or the connection is refused once it is gone), finishes
 * those in flight, closes the summary run it was in as interrupted, and exits within
 * camel.main.shutdown-timeout. Every request is bounded; every 200 has its rows, checked in a PostgreSQL
 * that outlives the service. The service logs in JSON lines (LOG_FORMAT=json), with no customer phone.
 */
class GracefulShutdownTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    static final LocalDate DAY = LocalDate.now(JAKARTA).minusDays(1);
    static final int SHUTDOWN_TIMEOUT_SECONDS = 5;
    static final Duration REQUEST_BOUND = Duration.ofSeconds(12);
    static final int SENDERS = 6;
    static final int BATCH = 10;

    record Delivery(List<String> wamids, long startNanos, long endNanos, int status, String failure) {
    }

    @Test
    void sigtermFinishesWhatIsInFlightAndRefusesTheRest() throws Exception {
        assumeFalse(LeadlineApp.externalDatabase(), "starts its own embedded PostgreSQL for the service");
        String name = "graceful-shutdown";
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start(); StubLlm llm = new StubLlm()) {
            String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
            llm.latency(1500);
            ServiceProcess service = ServiceProcess.start(name, Map.ofEntries(
                    Map.entry("DB_URL", jdbcUrl),
                    Map.entry("DB_USER", "postgres"),
                    Map.entry("DEMO_ENABLED", "true"),
                    Map.entry("LOG_FORMAT", "json"),
                    Map.entry("LLM_API_KEY", StubLlm.KEY),
                    Map.entry("LLM_BASE_URL", llm.baseUrl()),
                    Map.entry("LLM_MODEL", StubLlm.MODEL),
                    Map.entry("SUMMARIES_CONCURRENCY", "2")),
                    List.of("-Xmx512m", "-Dcamel.main.shutdown-timeout=" + SHUTDOWN_TIMEOUT_SECONDS));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<String> phones = new ArrayList<>();
            try {
                // A day of 30 leads, summarised by a slow LLM (1.5 s a call, 2 at a time: over 20 s of work), so the run
                // is still going when the shutdown timeout runs out, however the machine is loaded.
                for (int i = 0; i < 30; i++) {
                    String phone = Workspaces.newPhone();
                    phones.add(phone);
                    long at = DAY.atTime(LocalTime.of(9, i)).atZone(JAKARTA).toEpochSecond();
                    assertEquals(200, post(http, service, Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID,
                            Workspaces.unique("wamid.day"), phone, "Halo, berapa harga paket?", at)).statusCode());
                }
                HttpResponse<String> run = http.send(HttpRequest.newBuilder(service.uri("/api/summaries/run?date=" + DAY))
                        .header("Authorization", "Bearer " + Workspaces.DEMO_TOKEN).POST(HttpRequest.BodyPublishers.noBody())
                        .timeout(REQUEST_BOUND).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, run.statusCode(), run.body());
                long runId = Webhooks.JSON.readTree(run.body()).get("id").asLong();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (llm.requests().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertFalse(llm.requests().isEmpty(), "the summary run is calling the LLM");

                // A steady stream of batched deliveries from several senders, SIGTERM in the middle of it.
                ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
                AtomicBoolean sending = new AtomicBoolean(true);
                AtomicInteger sequence = new AtomicInteger();
                ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
                for (int s = 0; s < SENDERS; s++) {
                    senders.submit(() -> {
                        while (sending.get()) {
                            deliveries.add(deliver(http, service, sequence.incrementAndGet(), phones));
                        }
                        return null;
                    });
                }
                Thread.sleep(1500);
                long sigterm = System.nanoTime();
                service.handle().destroy(); // SIGTERM
                boolean exited = service.handle().onExit().thenApply(p -> true)
                        .completeOnTimeout(false, SHUTDOWN_TIMEOUT_SECONDS + 20, TimeUnit.SECONDS).get();
                long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
                Thread.sleep(500); // a few more, to the port nobody listens on
                sending.set(false);
                senders.shutdown();
                assertTrue(senders.awaitTermination(REQUEST_BOUND.toSeconds() + 5, TimeUnit.SECONDS));
                assertTrue(exited, "the service exits after SIGTERM");

                // The contract, delivery by delivery.
                Map<String, Integer> outcomes = new TreeMap<>();
                int inFlightAtSigterm = 0;
                int inFlightStored = 0;
                long missing = 0;
                long slowestMillis = 0;
                try (Connection db = DriverManager.getConnection(jdbcUrl)) {
                    for (Delivery d : deliveries) {
                        String outcome = d.status() > 0 ? String.valueOf(d.status()) : d.failure();
                        outcomes.merge(outcome, 1, Integer::sum);
                        slowestMillis = Math.max(slowestMillis, (d.endNanos() - d.startNanos()) / 1_000_000);
                        boolean straddles = d.startNanos() < sigterm && d.endNanos() > sigterm;
                        inFlightAtSigterm += straddles ? 1 : 0;
                        if (d.status() == 200) {
                            long stored = stored(db, d.wamids());
                            missing += BATCH - stored;
                            inFlightStored += straddles ? 1 : 0;
                        }
                    }
                    System.out.printf("%d deliveries of %d messages: %s; %d in flight at SIGTERM (%d of them answered 200 and stored); "
                                    + "slowest %d ms; exited %d ms after SIGTERM%n", deliveries.size(), BATCH, outcomes,
                            inFlightAtSigterm, inFlightStored, slowestMillis, exitMillis);
                    assertEquals(0, missing, "a 200 whose messages are not all stored");
                    Set<String> allowed = Set.of("200", "503", "connection refused", "connection closed");
                    assertTrue(allowed.containsAll(outcomes.keySet()), "only 200, 503 or a failed connection (the sender retries): " + outcomes);
                    assertTrue(outcomes.getOrDefault("200", 0) > 0, "deliveries were stored before SIGTERM: " + outcomes);
                    assertTrue(outcomes.size() > 1, "deliveries after SIGTERM were refused: " + outcomes);
                    assertTrue(slowestMillis < REQUEST_BOUND.toMillis(), "no request hangs");
                    assertTrue(exitMillis < (SHUTDOWN_TIMEOUT_SECONDS + 15) * 1000L, "exit within the shutdown timeout: " + exitMillis);

                    // The summary run it was in is closed as interrupted, not left running, and its record counts
                    // the notes it wrote.
                    try (PreparedStatement ps = db.prepareStatement("SELECT status, error, notes_written, "
                            + "(SELECT count(*) FROM note n WHERE n.run_id = r.id), leads_considered FROM summary_run r WHERE id = ?")) {
                        ps.setLong(1, runId);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertTrue(rs.next());
                            assertEquals("interrupted", rs.getString(1), rs.getString(2));
                            assertEquals(rs.getLong(4), rs.getLong(3), "notes_written: the notes carrying its id");
                            assertTrue(rs.getLong(5) >= rs.getLong(3), "leads_considered at least its notes");
                        }
                    }
                }

                // JSON lines, and no customer phone in any of them.
                List<String> lines = Files.readAllLines(ServiceProcess.log(name), StandardCharsets.UTF_8);
                int json = 0;
                for (String line : lines) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode event = Webhooks.JSON.readTree(line); // throws on a line that is not JSON
                    assertTrue(event.has("@timestamp") && event.has("log.level") && event.has("message"), line);
                    json++;
                    for (String phone : phones) {
                        assertFalse(line.contains(phone.substring(1)), "a customer phone in the log: " + line);
                    }
                }
                assertTrue(json > 10, "the service logged in JSON lines: " + json);
                assertTrue(lines.stream().anyMatch(l -> l.contains("marked interrupted")), "the interrupted run is logged");
            } finally {
                service.close();
            }
        }
    }

    @Test
    void sigtermStopsTheEmbeddedPostgresToo() throws Exception {
        assumeFalse(LeadlineApp.externalDatabase(), "the service's own embedded PostgreSQL");
        java.nio.file.Path dataDir = LeadlineApp.freshDataDir();
        ServiceProcess service = ServiceProcess.start("graceful-shutdown-embedded",
                Map.of("DB_EMBEDDED_DATA_DIR", dataDir.toString()), List.of("-Xmx256m"));
        try {
            // pg_ctl detaches the server from the JVM: found by its data directory's postmaster.pid
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
            List<ProcessHandle> postgres = new ArrayList<>(server.descendants().toList());
            postgres.add(server);
            long sigterm = System.nanoTime();
            service.handle().destroy(); // SIGTERM
            assertTrue(service.handle().onExit().thenApply(p -> true).completeOnTimeout(false, 30, TimeUnit.SECONDS).get(),
                    "the service exits after SIGTERM");
            System.out.printf("idle service exited %d ms after SIGTERM%n", (System.nanoTime() - sigterm) / 1_000_000);
            for (ProcessHandle p : postgres) {
                assertTrue(p.onExit().thenApply(h -> true).completeOnTimeout(false, 5, TimeUnit.SECONDS).get(),
                        "postgres process " + p.pid() + " outlived the service");
            }
            assertFalse(Files.exists(dataDir.resolve("postmaster.pid")), "PostgreSQL was shut down cleanly");
        } finally {
            service.close();
        }
    }

    static HttpResponse<String> post(HttpClient http, ServiceProcess service, ObjectNode body) throws Exception {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(service.uri("/webhooks/kapso"))
                .header("Content-Type", "application/json").header("X-Webhook-Event", Webhooks.RECEIVED)
                .header("X-Webhook-Signature", Webhooks.sign(Workspaces.DEMO_SECRET, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).timeout(REQUEST_BOUND).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One batch of new messages (from the day's leads, so every lead exists), and what became of it. */
    static Delivery deliver(HttpClient http, ServiceProcess service, int n, List<String> phones) {
        List<String> wamids = new ArrayList<>();
        ObjectNode[] events = new ObjectNode[BATCH];
        long now = System.currentTimeMillis() / 1000;
        for (int i = 0; i < BATCH; i++) {
            String wamid = "wamid.sigterm." + n + "." + i;
            wamids.add(wamid);
            events[i] = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamid, phones.get((n + i) % phones.size()), "pesan " + n, now);
        }
        long start = System.nanoTime();
        try {
            int status = post(http, service, Webhooks.batch(events)).statusCode();
            return new Delivery(wamids, start, System.nanoTime(), status, null);
        } catch (HttpTimeoutException e) {
            return new Delivery(wamids, start, System.nanoTime(), -1, "timed out");
        } catch (java.net.ConnectException e) {
            return new Delivery(wamids, start, System.nanoTime(), -1, "connection refused");
        } catch (IOException e) {
            return new Delivery(wamids, start, System.nanoTime(), -1, "connection closed");
        } catch (Exception e) {
            return new Delivery(wamids, start, System.nanoTime(), -1, e.getClass().getSimpleName());
        }
    }

    static long stored(Connection db, List<String> wamids) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM message WHERE wamid = ANY (?)")) {
            ps.setArray(1, db.createArrayOf("text", wamids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
