package dev.leadline.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.intake.WebhookSignature;

/** Builds and sends signed Kapso and Meta deliveries, starting from the contract samples. */
public final class Webhooks {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String RECEIVED = "whatsapp.message.received";

    private final LeadlineApp app;
    private final String secret;

    public Webhooks(LeadlineApp app, String secret) {
        this.app = app;
        this.secret = secret;
    }

    public static byte[] sample(String name) {
        try (InputStream in = Webhooks.class.getResourceAsStream("/contracts/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode sampleJson(String name) {
        try {
            return (ObjectNode) JSON.readTree(sample(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sign(String secret, byte[] body) {
        return HexFormat.of().formatHex(WebhookSignature.hmacSha256(secret, body));
    }

    /** A single received-message event for the given business number and customer. */
    public static ObjectNode received(String phoneNumberId, String wamid, String phone, String text, long epochSeconds) {
        ObjectNode body = sampleJson("kapso-message-received.json");
        ObjectNode message = (ObjectNode) body.get("message");
        message.put("id", wamid);
        message.put("timestamp", String.valueOf(epochSeconds));
        ((ObjectNode) message.get("text")).put("body", text);
        ((ObjectNode) message.get("kapso")).put("content", text);
        ObjectNode conversation = (ObjectNode) body.get("conversation");
        conversation.put("phone_number", phone);
        conversation.put("id", "conv-" + phone);
        conversation.put("phone_number_id", phoneNumberId);
        body.put("phone_number_id", phoneNumberId);
        return body;
    }

    /**
     * The event as Kapso sends one of the business's messages: direction outbound and the given status
     * (sent, delivered, read, failed) in the signed body, which decides both.
     */
    public static ObjectNode ours(ObjectNode event, String status) {
        ((ObjectNode) event.get("message").get("kapso")).put("direction", "outbound").put("status", status);
        return event;
    }

    /**
     * A Kapso v2 received message (from the contract's BSUID sample) with the customer's identities as
     * given: a null phone, BSUID, parent BSUID or username is sent as null.
     */
    public static ObjectNode receivedFrom(String phoneNumberId, String wamid, String phone, String bsuid, String parentBsuid,
                                          String username, String text, long epochSeconds) {
        ObjectNode body = sampleJson("kapso-message-bsuid-only.json");
        ObjectNode message = (ObjectNode) body.get("message");
        message.put("id", wamid);
        message.put("timestamp", String.valueOf(epochSeconds));
        message.put("from_user_id", bsuid);
        message.put("username", username);
        ((ObjectNode) message.get("text")).put("body", text);
        ((ObjectNode) message.get("kapso")).put("content", text);
        ObjectNode conversation = (ObjectNode) body.get("conversation");
        conversation.put("id", "conv-" + (bsuid != null ? bsuid : phone));
        conversation.put("phone_number", phone);
        conversation.put("business_scoped_user_id", bsuid);
        conversation.put("parent_business_scoped_user_id", parentBsuid);
        conversation.put("username", username);
        conversation.put("phone_number_id", phoneNumberId);
        body.put("phone_number_id", phoneNumberId);
        return body;
    }

    public static ObjectNode batch(ObjectNode... events) {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("type", RECEIVED);
        batch.put("batch", true);
        ArrayNode data = batch.putArray("data");
        for (ObjectNode e : events) {
            data.add(e);
        }
        batch.putObject("batch_info").put("size", events.length);
        return batch;
    }

    /** A Meta delivery: one entry holding the given changes. */
    public static ObjectNode metaDelivery(ObjectNode... changes) {
        ObjectNode delivery = JSON.createObjectNode().put("object", "whatsapp_business_account");
        ArrayNode list = delivery.putArray("entry").addObject().put("id", "waba-test").putArray("changes");
        for (ObjectNode change : changes) {
            list.add(change);
        }
        return delivery;
    }

    /** A Meta 'messages' change: one text message, sent now, from the customer to the given business number. */
    public static ObjectNode metaMessages(String phoneNumberId, String wamid, String from, String text) {
        ObjectNode change = JSON.createObjectNode().put("field", "messages");
        ObjectNode value = change.putObject("value").put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "6221500123").put("phone_number_id", phoneNumberId);
        value.putArray("contacts").addObject().put("wa_id", from).putObject("profile").put("name", "Pelanggan");
        ObjectNode message = value.putArray("messages").addObject().put("from", from).put("id", wamid)
                .put("timestamp", String.valueOf(Instant.now().getEpochSecond())).put("type", "text");
        message.putObject("text").put("body", text);
        return change;
    }

    /** A Meta account-level change (no business number), carrying the marker in its value. */
    public static ObjectNode metaAccountUpdate(String marker) {
        ObjectNode change = JSON.createObjectNode().put("field", "account_update");
        change.putObject("value").put("event", "ACCOUNT_VIOLATION").put("waba_info", marker);
        return change;
    }

    public static byte[] bytes(JsonNode json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    public HttpResponse<String> kapso(String event, byte[] body) throws IOException, InterruptedException {
        return app.post("/webhooks/kapso", "application/json", body,
                "X-Webhook-Event", event, "X-Webhook-Signature", sign(secret, body),
                "X-Webhook-Payload-Version", "v2", "X-Idempotency-Key", java.util.UUID.randomUUID().toString());
    }

    /** This many new leads of the demo workspace, each with one inbound message at noon of the day (in the zone). */
    public void newLeadsWithAMessage(int leads, java.time.LocalDate day, java.time.ZoneId zone) throws IOException, InterruptedException {
        long at = day.atTime(java.time.LocalTime.NOON).atZone(zone).toEpochSecond();
        for (int i = 0; i < leads; i++) {
            kapso(received(Workspaces.DEMO_PHONE_NUMBER_ID, Workspaces.unique("wamid.lead"), Workspaces.newPhone(), "Halo", at));
        }
    }

    public HttpResponse<String> kapso(ObjectNode body) throws IOException, InterruptedException {
        return kapso(RECEIVED, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> meta(byte[] body) throws IOException, InterruptedException {
        return app.post("/webhooks/meta", "application/json", body,
                "X-Hub-Signature-256", "sha256=" + sign(secret, body));
    }
}
