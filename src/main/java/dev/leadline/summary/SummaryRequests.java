package dev.leadline.summary;

import dev.leadline.web.ApiException;

/** Validates the parameters of a manual summary run (POST /api/summaries/run). */
public final class SummaryRequests {

    /** @return the lead id, or 0 for "every active lead" */
    public long leadId(String leadId) {
        if (leadId == null || leadId.isEmpty()) {
            return 0;
        }
        try {
            long id = Long.parseLong(leadId);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("leadId must be a positive number");
    }

    public long runId(String id) {
        try {
            long value = Long.parseLong(id);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("run id must be a positive number");
    }

    public void requireRun(Object run) {
        if (run == null) {
            throw ApiException.notFound("no such summary run");
        }
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
