package dev.leadline.summary;

import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;

/** Validates the parameters of a manual summary run (POST /api/summaries/run). */
public final class SummaryRequests {

    /** @return the lead id, or 0 for "every active lead" */
    public long leadId(String leadId) {
        return leadId == null || leadId.isEmpty() ? 0 : JsonRequests.id(leadId, "leadId");
    }

    public long runId(String id) {
        return JsonRequests.id(id, "run id");
    }

    public void requireRun(Object run) {
        ApiException.requireFound(run, "no such summary run");
    }

    public boolean force(String force) {
        if (force == null || force.isEmpty() || force.equals("false")) {
            return false;
        }
        if (force.equals("true")) {
            return true;
        }
        throw ApiException.badRequest("force must be true or false");
    }
}
