package dev.leadline.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.Test;

/**
 * The relays' shared claim (sql/events/claim-deliveries.sql) under four instances claiming at once, as the relay
 * does it (claim, then deliveries-done.sql as that instance), statement by statement over JDBC: without a crash or
 * a lapsed lease, each delivery is claimed exactly once, and a lead's deliveries in sequence order.
 */
class ClaimDeliveriesTest {

    private static final Pattern NAMED = Pattern.compile(":#(\\w+)");

    @Test
    void instancesClaimingAtOnceNeverTakeAHeadAnotherFinished() throws Exception {
        try (LeadlineApp app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of("summaries.enabled", "false",
                "catchup.on-start", "false", "catchup.scheduled", "false"))) {
            KafkaRelayTest.awaitKafkaSubscription(app, false);
            // The Kafka subscription on (no relay runs: no brokers), and 8 leads with 150 events each; four
            // instances claiming two at a time, so that one finishes a head while another's claim is under way.
            app.queryString("UPDATE event_subscription SET enabled = true WHERE kind = 'kafka' RETURNING id");
            Tenant t = Tenant.create(app);
            List<Long> leads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String phone = Workspaces.newPhone();
                assertEquals(200, t.webhooks.kapso(Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.claim"), phone,
                        "halo", Instant.now().getEpochSecond())).statusCode());
                leads.add(Long.parseLong(app.queryString("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", t.workspaceId, phone)));
            }
            try (Connection c = app.dataSource().getConnection();
                 PreparedStatement write = c.prepareStatement("SELECT event_write(?, ?, 'note.created', '{}'::jsonb, NULL)")) {
                for (int i = 0; i < 150; i++) {
                    for (long lead : leads) {
                        write.setLong(1, t.workspaceId);
                        write.setLong(2, lead);
                        write.execute();
                    }
                }
            }
            long deliveries = app.queryLong("SELECT count(*) FROM event_delivery WHERE status = 'pending'");
            assertTrue(deliveries >= 8 * 150, "deliveries to claim: " + deliveries);

            String claim = statement("claim-deliveries.sql");
            String done = statement("deliveries-done.sql");
            Map<String, Integer> claims = new ConcurrentHashMap<>();
            Map<Long, Long> lastSeq = new ConcurrentHashMap<>();
            AtomicInteger outOfOrder = new AtomicInteger();
            ExecutorService instances = Executors.newFixedThreadPool(4);
            List<Future<Integer>> rounds = new ArrayList<>();
            for (String instance : List.of("instance-a", "instance-b", "instance-c", "instance-d")) {
                rounds.add(instances.submit(() -> {
                    int round = 0;
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (System.nanoTime() < deadline) {
                        List<Map<String, Object>> claimed = run(app.dataSource(), claim, Map.of("kind", "kafka", "limit", "2",
                                "leaseSeconds", "60", "instance", instance));
                        round++;
                        if (claimed.isEmpty() && app.queryLong("SELECT count(*) FROM event_delivery WHERE status = 'pending'") == 0) {
                            return round;
                        }
                        for (Map<String, Object> d : claimed) {
                            long lead = ((Number) d.get("leadId")).longValue();
                            long seq = ((Number) d.get("seq")).longValue();
                            claims.merge(lead + "#" + seq, 1, Integer::sum);
                            Long before = lastSeq.put(lead, seq);
                            if (before != null && seq != before + 1) {
                                outOfOrder.incrementAndGet();
                            }
                            run(app.dataSource(), done, Map.of("instance", instance, "delivered", String.format(
                                    "[{\"subscriptionId\": %s, \"leadId\": %d, \"seq\": %d, \"status\": null, \"latencyMs\": 1}]",
                                    d.get("subscriptionId"), lead, seq)));
                        }
                    }
                    return round;
                }));
            }
            int total = 0;
            for (Future<Integer> f : rounds) {
                total += f.get(90, TimeUnit.SECONDS);
            }
            instances.shutdownNow();
            long twice = claims.values().stream().filter(n -> n > 1).count();
            System.out.printf("claim race: %d deliveries, %d claim rounds of four instances, %d claimed more than once, %d out of order%n",
                    deliveries, total, twice, outOfOrder.get());
            assertEquals(deliveries, claims.size(), "every delivery claimed");
            assertEquals(0, twice, "a delivery claimed again after the other instance finished it");
            assertEquals(0, outOfOrder.get(), "a lead's deliveries claimed out of sequence order");
        }
    }

    private static String statement(String file) throws IOException {
        try (InputStream in = ClaimDeliveriesTest.class.getResourceAsStream("/sql/events/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A statement with camel-sql's named parameters (:#name), bound by name as the routes bind them. */
    private static List<Map<String, Object>> run(DataSource dataSource, String sql, Map<String, Object> parameters) throws Exception {
        List<Object> values = new ArrayList<>();
        Matcher m = NAMED.matcher(sql);
        StringBuilder jdbc = new StringBuilder();
        while (m.find()) {
            values.add(parameters.get(m.group(1)));
            m.appendReplacement(jdbc, "?");
        }
        m.appendTail(jdbc);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(jdbc.toString())) {
            for (int i = 0; i < values.size(); i++) {
                ps.setObject(i + 1, values.get(i));
            }
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        Map<String, Object> row = new java.util.HashMap<>();
                        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                            row.put(rs.getMetaData().getColumnLabel(col), rs.getObject(col));
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }
}
