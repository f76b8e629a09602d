package dev.leadline.support;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A workspace of a test's own, so that the contract samples (fixed BSUIDs and phones) can be sent as
 * they are, re-addressed to its business number, in a database that other tests share.
 */
public final class Tenant {

    public final LeadlineApp app;
    public final String phoneNumberId;
    /** The workspace's webhook secret (its webhooks sign with it). */
    public final String secret;
    public final String token;
    public final long workspaceId;
    public final Webhooks webhooks;

    private Tenant(LeadlineApp app, String phoneNumberId, String secret, String token, long workspaceId) {
        this.app = app;
        this.phoneNumberId = phoneNumberId;
        this.secret = secret;
        this.token = token;
        this.workspaceId = workspaceId;
        this.webhooks = new Webhooks(app, secret);
    }

    public static Tenant create(LeadlineApp app) throws Exception {
        String phoneNumberId = Workspaces.unique("77");
        String secret = Workspaces.unique("secret-of-a-tenant-");
        String token = Workspaces.unique("token-of-a-tenant-");
        return new Tenant(app, phoneNumberId, secret, token, Workspaces.create(app, phoneNumberId, secret, token));
    }

    /** A Kapso sample addressed to this workspace (top level and conversation). */
    public ObjectNode kapsoSample(String name) {
        ObjectNode body = Webhooks.sampleJson(name);
        body.put("phone_number_id", phoneNumberId);
        if (body.get("conversation") instanceof ObjectNode conversation && conversation.has("phone_number_id")) {
            conversation.put("phone_number_id", phoneNumberId);
        }
        return body;
    }

    /** A Meta sample addressed to this workspace, its (only) message given the id wamid. */
    public ObjectNode metaSample(String name, String wamid) {
        ObjectNode delivery = Webhooks.sampleJson(name);
        ObjectNode value = metaValue(delivery);
        ((ObjectNode) value.get("metadata")).put("phone_number_id", phoneNumberId);
        if (wamid != null) {
            ((ObjectNode) value.get("messages").get(0)).put("id", wamid);
        }
        return delivery;
    }

    public static ObjectNode metaValue(JsonNode delivery) {
        return (ObjectNode) delivery.get("entry").get(0).get("changes").get(0).get("value");
    }

    public static ObjectNode metaMessage(JsonNode delivery) {
        return (ObjectNode) metaValue(delivery).get("messages").get(0);
    }

    public HttpResponse<String> kapso(String event, JsonNode body) throws IOException, InterruptedException {
        return webhooks.kapso(event, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> meta(JsonNode delivery) throws IOException, InterruptedException {
        return webhooks.meta(delivery.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The first column of the first row of a query, for this workspace: the query's first parameter is its id. */
    public String one(String sql, Object... params) throws Exception {
        Object[] all = new Object[params.length + 1];
        all[0] = workspaceId;
        System.arraycopy(params, 0, all, 1, params.length);
        return app.queryString(sql, all);
    }

    public long count(String sql, Object... params) throws Exception {
        return Long.parseLong(one(sql, params));
    }
}
