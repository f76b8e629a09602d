package dev.leadline.summary;

import java.util.Map;

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

    /**
     * A run of the same workspace, days and lead was already running, so none was opened (runId null):
     * 409 with that run's id, which the caller can follow instead of paying for the same notes twice.
     */
    public void requireOpened(Long runId, Long runningRunId) {
        if (runId == null) {
            throw new ApiException(409, "conflict", "a summary run of the same days is already running"
                    + (runningRunId == null ? "" : ": follow GET /api/summaries/runs/" + runningRunId),
                    runningRunId == null ? Map.of() : Map.of("runId", runningRunId));
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
