package dev.leadline.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Variable;

/**
 * PATCH /api/leads/{id}: checks the request against the lead as it is (version precondition, status
 * workflow) and turns it into the parameters of update-lead.sql.
 */
public final class LeadUpdates {

    static final Set<String> FIELDS = Set.of("status", "name", "author", "version");
    static final int MAX_NAME = 200;
    static final int MAX_AUTHOR = 200;

    private final LeadWorkflow workflow;

    public LeadUpdates(LeadWorkflow workflow) {
        this.workflow = workflow;
    }

    public Map<String, Object> plan(@Body Map<String, Object> request,
                                    @Variable("current") Map<String, Object> current,
                                    @Variable("workspaceId") long workspaceId,
                                    @Header("If-Match") String ifMatch) {
        JsonRequests.onlyFields(request, FIELDS);
        long currentVersion = ((Number) current.get("version")).longValue();
        long expected = expectedVersion(ifMatch, request.get("version"));
        if (expected != currentVersion) {
            throw conflict(currentVersion);
        }
        String from = (String) current.get("status");
        String to = JsonRequests.text(request, "status", 50, false);
        if (to != null) {
            workflow.requireAllowed(from, to);
        }
        String name = JsonRequests.text(request, "name", MAX_NAME, false);
        Map<String, Object> params = new HashMap<>();
        boolean statusChanges = to != null && !to.equals(from);
        params.put("leadId", current.get("id"));
        params.put("workspaceId", workspaceId);
        params.put("expectedVersion", currentVersion);
        params.put("statusFrom", statusChanges ? from : null);
        params.put("statusTo", statusChanges ? to : null);
        params.put("name", name);
        String author = JsonRequests.text(request, "author", MAX_AUTHOR, false);
        params.put("author", author == null ? "dashboard" : author);
        params.put("changed", statusChanges || name != null);
        return params;
    }

    /** The optimistic lock lost: someone changed the lead since the caller read it. */
    public static ApiException conflict(long currentVersion) {
        return new ApiException(409, "conflict", "the lead was changed since you read it: read it again and reapply",
                Map.of("currentVersion", currentVersion));
    }

    public void requireUpdated(@Body Object updated, @Variable("current") Map<String, Object> current) {
        if (updated == null) {
            throw conflict(((Number) current.get("version")).longValue() + 1);
        }
    }

    /** If-Match: "3" (the ETag of GET /api/leads/{id}), or "version": 3 in the body. */
    static long expectedVersion(String ifMatch, Object bodyVersion) {
        String raw = ifMatch != null ? ifMatch.replace("W/", "").replace("\"", "").trim()
                : bodyVersion == null ? null : bodyVersion.toString();
        if (raw == null || raw.isEmpty()) {
            throw new ApiException(428, "precondition_required",
                    "send If-Match with the lead's ETag (its version), so that a concurrent change is not lost");
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("If-Match must be the lead's ETag, e.g. \"3\"");
        }
    }
}
