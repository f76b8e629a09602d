package dev.leadline.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.observe.Meters;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import io.micrometer.core.instrument.DistributionSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group commit: concurrent deliveries' messages stored in one transaction, each exactly once, each answered only
 * once its group has committed, and a message that fails in its group failing alone. One writer and a long wait,
 * so that deliveries sent together always meet in a group.
 */
class GroupCommitTest {

    private static LeadlineApp app;
    private static Webhooks kapso;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), Map.of(
                "summaries.enabled", "false",
                "intake.group-commit-ms", "1000",
                "intake.group-commit-writers", "1"));
        kapso = new Webhooks(app, Workspaces.DEMO_SECRET);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static DistributionSummary groups() {
        return Meters.of(app.context()).get("leadline.intake.group.commit.messages").summary();
    }

    private static ObjectNode message(String wamid, String phone) {
        return Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamid, phone, "Halo " + wamid,
                Instant.now().getEpochSecond());
    }

    /** Sends the deliveries at once; each answer with whether its message could be read right after it. */
    private static List<Answer> sendTogether(List<ObjectNode> deliveries) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(deliveries.size());
        try {
            List<Future<Answer>> answers = new ArrayList<>();
            for (ObjectNode delivery : deliveries) {
                answers.add(senders.submit(() -> {
                    HttpResponse<String> r = kapso.kapso(delivery);
                    long visible = app.queryLong("SELECT count(*) FROM message WHERE wamid = ?",
                            delivery.get("message").get("id").asText());
                    return new Answer(r.statusCode(), r.body(), visible);
                }));
            }
            List<Answer> done = new ArrayList<>();
            for (Future<Answer> a : answers) {
                done.add(a.get());
            }
            return done;
        } finally {
            senders.shutdownNow();
        }
    }

    private record Answer(int status, String body, long visibleAfter) {
        JsonNode counts() throws Exception {
            return Webhooks.JSON.readTree(body);
        }
    }

    @Test
    void concurrentDeliveriesShareACommitAndStoreEachMessageOnce() throws Exception {
        long groupsBefore = groups().count();
        List<String> phones = List.of(Workspaces.newPhone(), Workspaces.newPhone(), Workspaces.newPhone(), Workspaces.newPhone());
        List<ObjectNode> deliveries = new ArrayList<>();
        for (String phone : phones) {
            for (int i = 0; i < 2; i++) {
                String wamid = Workspaces.unique("wamid.group");
                deliveries.add(message(wamid, phone));
                deliveries.add(message(wamid, phone));   // the sender's retry, racing the first
            }
        }

        List<Answer> answers = sendTogether(deliveries);

        int stored = 0;
        int duplicates = 0;
        for (Answer a : answers) {
            assertEquals(200, a.status(), a.body());
            // A 200 means committed: another connection reads the message as soon as the answer is in.
            assertEquals(1, a.visibleAfter(), a.body());
            stored += a.counts().get("stored").asInt();
            duplicates += a.counts().get("duplicates").asInt();
        }
        assertEquals(8, stored);
        assertEquals(8, duplicates);
        for (String phone : phones) {
            assertEquals(1, app.queryLong("SELECT count(*) FROM lead WHERE phone = ?", phone));
            assertEquals(2, app.queryLong("SELECT count(*) FROM message m JOIN lead l ON l.id = m.lead_id WHERE l.phone = ?", phone));
        }
        // 16 deliveries in fewer commits than deliveries: they shared transactions.
        long groupsWritten = groups().count() - groupsBefore;
        assertTrue(groupsWritten < 16, "16 deliveries took " + groupsWritten + " group commits");
    }

    @Test
    void aMessageThatFailsInItsGroupFailsAloneAndItsRetryIsStored() throws Exception {
        String locked = Workspaces.newPhone();
        HttpResponse<String> first = kapso.kapso(message(Workspaces.unique("wamid.locked"), locked));
        assertEquals(200, first.statusCode(), first.body());

        String blocked = Workspaces.unique("wamid.blocked");
        List<String> neighbours = List.of(Workspaces.newPhone(), Workspaces.newPhone(), Workspaces.newPhone());
        List<ObjectNode> deliveries = new ArrayList<>();
        deliveries.add(message(blocked, locked));
        for (String phone : neighbours) {
            deliveries.add(message(Workspaces.unique("wamid.neighbour"), phone));
        }
        long groupsBefore = groups().count();
        List<Answer> answers;
        // Another transaction holds the lead's row past db.lock-timeout-ms: its message cannot be stored now.
        try (Connection holder = app.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT id FROM lead WHERE phone = ? FOR UPDATE")) {
                lock.setString(1, locked);
                lock.executeQuery().close();
            }
            answers = sendTogether(deliveries);
            holder.rollback();
        }

        Answer blockedAnswer = answers.get(0);
        assertEquals(503, blockedAnswer.status(), blockedAnswer.body());
        assertEquals("unavailable", blockedAnswer.counts().get("error").asText());
        assertEquals(0, app.queryLong("SELECT count(*) FROM message WHERE wamid = ?", blocked));
        for (int i = 1; i < answers.size(); i++) {
            assertEquals(200, answers.get(i).status(), answers.get(i).body());
            assertEquals(1, answers.get(i).counts().get("stored").asInt());
            assertEquals(1, app.queryLong("SELECT count(*) FROM lead WHERE phone = ?", neighbours.get(i - 1)));
        }
        assertEquals(1, groups().count() - groupsBefore, "the four deliveries met in one group");

        // The sender's retry, once the lead is free, is stored.
        HttpResponse<String> retry = kapso.kapso(message(blocked, locked));
        assertEquals(200, retry.statusCode(), retry.body());
        assertEquals(1, Webhooks.JSON.readTree(retry.body()).get("stored").asInt());
    }
}
