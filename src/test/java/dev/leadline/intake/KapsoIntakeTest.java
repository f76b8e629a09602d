package dev.leadline.intake;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kapso deliveries over real HTTP into real PostgreSQL: samples, phone formats, deduplication, races. */
class KapsoIntakeTest {

    static LeadlineApp app;
    static Webhooks kapso;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
        kapso = new Webhooks(app, Workspaces.DEMO_SECRET);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    static long messages(String phone) throws Exception {
        return app.queryLong("SELECT count(*) FROM message m JOIN lead l ON l.id = m.lead_id WHERE l.phone = ?", phone);
    }

    static long leads(String phone) throws Exception {
        return app.queryLong("SELECT count(*) FROM lead WHERE phone = ?", phone);
    }

    @Test
    void contractSamplesAreStoredWithDirectionTypeAndReadableText() throws Exception {
        HttpResponse<String> received = kapso.kapso(Webhooks.RECEIVED, Webhooks.sample("kapso-message-received.json"));
        HttpResponse<String> sent = kapso.kapso("whatsapp.message.sent", Webhooks.sample("kapso-message-sent.json"));
        HttpResponse<String> batch = kapso.kapso(Webhooks.RECEIVED, Webhooks.sample("kapso-batch.json"));

        assertEquals(200, received.statusCode(), received.body());
        assertEquals(200, sent.statusCode(), sent.body());
        assertEquals(200, batch.statusCode(), batch.body());
        // Another test or a rerun may have stored the samples already: stored + duplicates is what arrived.
        JsonNode batchCounts = json(batch);
        assertEquals(2, batchCounts.get("stored").asInt() + batchCounts.get("duplicates").asInt());

        assertEquals("Budi Santoso", app.queryString("SELECT name FROM lead WHERE phone = '+6281234567890'"));
        assertEquals("outbound", app.queryString("SELECT direction FROM message WHERE wamid = ?",
                "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ0QkE2RDg2QjY3RTQ2QkM1OQA="));
        assertEquals("inbound", app.queryString("SELECT direction FROM message WHERE wamid = ?",
                "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDNzc4RTA2QUQ1N0Y4RTk0AA=="));
        assertEquals("[audio] Saya tertarik paket tiga bulan", // from kapso.transcript, not the noisy kapso.content
                app.queryString("SELECT text FROM message WHERE wamid = 'wamid.BATCH0002'"));
        assertEquals("audio", app.queryString("SELECT type FROM message WHERE wamid = 'wamid.BATCH0002'"));
        assertEquals("https://example.invalid/media/123",
                app.queryString("SELECT media_url FROM message WHERE wamid = 'wamid.BATCH0002'"));
        assertEquals("2025-11-25 02:00:00+00", app.queryString(
                "SELECT to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS\"+00\"') FROM message WHERE wamid = ?",
                "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDNzc4RTA2QUQ1N0Y4RTk0AA=="));
        assertEquals(1, leads("+6285712345678"));
        assertEquals(1, app.queryLong("SELECT count(*) FROM conversation WHERE kapso_id = '9f8e7d6c-0000-4b4b-8a8a-444455556666'"));
    }

    @Test
    void threePhoneFormatsAndTheInternationalPrefixAreOneLead() throws Exception {
        String e164 = Workspaces.newPhone();                 // +62812xxxxxxxx
        String national = "0" + e164.substring(3);            // 0812xxxxxxxx
        String digits = e164.substring(1);                    // 62812xxxxxxxx
        String spaced = "+62 " + e164.substring(3, 6) + "-" + e164.substring(6, 10) + "-" + e164.substring(10);
        String idd = "00" + digits;
        long now = Instant.now().getEpochSecond();
        for (String format : List.of(spaced, digits, national, idd)) {
            ObjectNode event = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.fmt"), format, "hi", now);
            assertEquals(200, kapso.kapso(event).statusCode());
        }
        assertEquals(1, leads(e164));
        assertEquals(4, messages(e164));
    }

    @Test
    void theSameMessageSingleInABatchAndSingleAgainIsStoredOnce() throws Exception {
        String phone = Workspaces.newPhone();
        ObjectNode event = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.dup"), phone, "once",
                Instant.now().getEpochSecond());
        ObjectNode other = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.dup"), phone, "other",
                Instant.now().getEpochSecond());

        JsonNode first = json(kapso.kapso(event));
        JsonNode batched = json(kapso.kapso(Webhooks.batch(event, other)));
        JsonNode again = json(kapso.kapso(event));

        assertEquals(1, first.get("stored").asInt());
        assertEquals(1, batched.get("stored").asInt());
        assertEquals(1, batched.get("duplicates").asInt());
        assertEquals(0, again.get("stored").asInt());
        assertEquals(1, again.get("duplicates").asInt());
        assertEquals(2, messages(phone));
        assertEquals(1, leads(phone));
    }

    @Test
    void fiftyParallelFirstMessagesFromOneNewNumberMakeOneLead() throws Exception {
        String phone = Workspaces.newPhone();
        long now = Instant.now().getEpochSecond();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Integer>> sends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ObjectNode event = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.race"), phone,
                        "message " + i, now);
                sends.add(() -> kapso.kapso(event).statusCode());
            }
            for (Future<Integer> status : pool.invokeAll(sends)) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, leads(phone));
        assertEquals(50, messages(phone));
        assertEquals(1, app.queryLong("SELECT count(*) FROM conversation WHERE kapso_id = ?", "conv-" + phone));
    }

    @Test
    void theSignatureIsCheckedOverTheRawBytesNotReserialisedJson() throws Exception {
        String phone = Workspaces.newPhone();
        String wamid = Workspaces.unique("wamid.raw");
        // Spacing, a \\u escape and an emoji: re-serialising this would change the bytes, and so the HMAC.
        String raw = "{ \"message\" : { \"id\" : \"" + wamid + "\", \"timestamp\" : \"" + Instant.now().getEpochSecond()
                + "\", \"type\" : \"text\",\n  \"text\" : { \"body\" : \"Harga \\u0052p 1.500.000? \uD83D\uDE00\" } },"
                + " \"conversation\" : { \"id\" : \"raw-" + phone + "\", \"phone_number\" : \"" + phone + "\" },"
                + " \"phone_number_id\" : \"" + Workspaces.DEMO_PHONE_NUMBER_ID + "\" }   ";
        byte[] body = raw.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = kapso.kapso(Webhooks.RECEIVED, body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("Harga Rp 1.500.000? \uD83D\uDE00", app.queryString("SELECT text FROM message WHERE wamid = ?", wamid));
    }

    @Test
    void conversationEventsUpdateTheStatusAndUnknownEventsAreKept() throws Exception {
        String phone = Workspaces.newPhone();
        ObjectNode message = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.conv"), phone, "hi",
                Instant.now().getEpochSecond());
        kapso.kapso(message);
        ObjectNode ended = JSON.createObjectNode();
        ended.set("conversation", message.get("conversation").deepCopy());
        ended.put("phone_number_id", Workspaces.DEMO_PHONE_NUMBER_ID);

        JsonNode conversationCounts = json(kapso.kapso("whatsapp.conversation.ended", ended.toString().getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> unknown = kapso.kapso("whatsapp.contact.marketing_preference_changed", ended.toString().getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> delivered = kapso.kapso("whatsapp.message.delivered",
                Webhooks.ours(message.deepCopy(), "delivered").toString().getBytes(StandardCharsets.UTF_8));

        assertEquals(1, conversationCounts.get("conversationsUpdated").asInt());
        assertEquals("ended", app.queryString("SELECT status FROM conversation WHERE kapso_id = ?", "conv-" + phone));
        assertEquals(200, unknown.statusCode());
        // An event leadline does not read carries something about a lead (here the contact's conversation): kept.
        assertEquals(1, json(unknown).get("deadLettered").asInt());
        // A status event updates the message it names: it tells whether our reply arrived.
        assertEquals(1, json(delivered).get("messagesUpdated").asInt());
        assertEquals("delivered", app.queryString("SELECT status FROM message WHERE wamid = ?", message.get("message").get("id").asText()));
        assertEquals(1, messages(phone));
    }

    @Test
    void authenticEventsThatCannotBeRoutedAreKeptAsDeadLetters() throws Exception {
        String wamidNoPhone = Workspaces.unique("wamid.nophone");
        ObjectNode noPhone = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamidNoPhone, "x", "hi", Instant.now().getEpochSecond());
        ((ObjectNode) noPhone.get("conversation")).remove("phone_number");
        String wamidBadPhone = Workspaces.unique("wamid.badphone");
        ObjectNode badPhone = Webhooks.received(Workspaces.DEMO_PHONE_NUMBER_ID, wamidBadPhone, "+62 12", "hi", Instant.now().getEpochSecond());

        JsonNode counts = json(kapso.kapso(Webhooks.batch(noPhone, badPhone)));
        JsonNode again = json(kapso.kapso(noPhone));

        assertEquals(2, counts.get("deadLettered").asInt());
        assertEquals(1, again.get("deadLettered").asInt());
        assertEquals("no customer phone number or BSUID",
                app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "kapso:" + wamidNoPhone));
        assertEquals("invalid customer phone number",
                app.queryString("SELECT reason FROM dead_letter WHERE dedup_key = ?", "kapso:" + wamidBadPhone));
        assertEquals(1, app.queryLong("SELECT count(*) FROM dead_letter WHERE dedup_key = ?", "kapso:" + wamidNoPhone));
        assertEquals(wamidNoPhone, JSON.readTree(app.queryString("SELECT payload FROM dead_letter WHERE dedup_key = ?",
                "kapso:" + wamidNoPhone)).at("/message/id").asText());
        assertEquals(0, app.queryLong("SELECT count(*) FROM message WHERE wamid IN (?, ?)", wamidNoPhone, wamidBadPhone));
    }
}
