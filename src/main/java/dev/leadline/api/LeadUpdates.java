package dev.leadline.api;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.leadline.web.ApiException;
import dev.leadline.web.Conflict;
import dev.leadline.web.JsonRequests;
import dev.leadline.web.PreconditionRequired;

/**
 * PATCH /api/leads/{id}: the checks of a change against the lead as it is, one step each in the route
 * update-lead (known fields 400, version precondition 428/400/409, status 400, workflow 422), and the
 * parameters of update-lead.sql.
 */
public final class LeadUpdates {

    static final Set<String> FIELDS = Set.of("status", "name", "author", "version");
    static final int MAX_NAME = 200;
    static final int MAX_AUTHOR = 200;

    private final LeadWorkflow workflow;

    public LeadUpdates(LeadWorkflow workflow) {
        this.workflow = workflow;
    }

    /** 400 for a field PATCH does not know. */
    public void requireKnownFields(Map<String, Object> request) {
        JsonRequests.onlyFields(request, FIELDS);
    }

    /**
     * The version the caller read: If-Match: "3" (the ETag of GET /api/leads/{id}), or "version": 3 in the
     * body. 428 when neither is sent, 400 when it is not a version (ASCII digits). A write compares tags
     * strongly (RFC 9110): a weak tag (W/"3") never matches, so it is answered as any tag that does not
     * match, 409 with the current version.
     */
    public long expectedVersion(String ifMatch, Object bodyVersion, Map<String, Object> current) {
        String raw = ifMatch != null ? ifMatch.strip() : bodyVersion == null ? null : bodyVersion.toString();
        if (raw == null || raw.isEmpty()) {
            throw new PreconditionRequired(
                    "send If-Match with the lead's ETag (its version), so that a concurrent change is not lost");
        }
        boolean weak = ifMatch != null && raw.startsWith("W/");
        String tag = weak ? raw.substring(2) : raw;
        if (ifMatch != null && tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        Long version = JsonRequests.asciiNumber(tag);
        if (version == null) {
            throw ApiException.badRequest(ifMatch != null ? "If-Match must be the lead's ETag, e.g. \"3\""
                    : "version must be the lead's version, a whole number");
        }
        if (weak) {
            throw new Conflict("If-Match " + raw + " is a weak tag, and a change compares tags strongly: send the ETag "
                    + "as GET /api/leads/{id} gave it", Map.of("currentVersion", version(current)));
        }
        return version;
    }

    /** 409 when the lead was changed since the caller read it (the answer carries the current version). */
    public void requireCurrentVersion(long expected, Map<String, Object> current) {
        long currentVersion = version(current);
        if (expected != currentVersion) {
            throw conflict(currentVersion);
        }
    }

    /** The status asked for, or null when the request does not change it; 400 when it is not a short string. */
    public String status(Map<String, Object> request) {
        return JsonRequests.text(request, "status", 50, false);
    }

    /** 422 when the workflow does not lead from the current status to the one asked for. */
    public void requireAllowedChange(String from, String to) {
        if (to != null) {
            workflow.requireAllowed(from, to);
        }
    }

    /** The parameters of update-lead.sql, once the checks above passed; 400 for a bad name or author. */
    public Map<String, Object> plan(Map<String, Object> request, Map<String, Object> current, long workspaceId, String to) {
        String from = (String) current.get("status");
        String name = JsonRequests.text(request, "name", MAX_NAME, false);
        Map<String, Object> params = new HashMap<>();
        boolean statusChanges = to != null && !to.equals(from);
        params.put("leadId", current.get("id"));
        params.put("workspaceId", workspaceId);
        params.put("expectedVersion", version(current));
        params.put("statusFrom", statusChanges ? from : null);
        params.put("statusTo", statusChanges ? to : null);
        params.put("name", name);
        String author = JsonRequests.text(request, "author", MAX_AUTHOR, false);
        params.put("author", author == null ? "dashboard" : author);
        params.put("changed", statusChanges || name != null);
        return params;
    }

    /** 409 when the update found another version: a concurrent change won between the read and the write. */
    public void requireUpdated(Object updated, Map<String, Object> current) {
        if (updated == null) {
            throw conflict(version(current) + 1);
        }
    }

    /** The optimistic lock lost: someone changed the lead since the caller read it. */
    static Conflict conflict(long currentVersion) {
        return new Conflict("the lead was changed since you read it: read it again and reapply",
                Map.of("currentVersion", currentVersion));
    }

    private static long version(Map<String, Object> current) {
        return ((Number) current.get("version")).longValue();
    }
}
