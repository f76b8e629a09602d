package dev.leadline.api;

import java.util.List;
import java.util.Map;

import dev.leadline.web.Unprocessable;

/**
 * The lead status workflow: which status may follow which, as the API contract's x-lead-workflow says.
 */
public final class LeadWorkflow {

    /** The API contract's x-lead-workflow (openapi/leadline.yaml): the statuses and their ways on, in one home. */
    static final Map<String, List<String>> NEXT = ApiContract.LEAD_WORKFLOW;

    public List<String> next(String from) {
        return NEXT.getOrDefault(from, List.of());
    }

    /** A change to the current status is a no-op, not an error. */
    public void requireAllowed(String from, String to) {
        if (from.equals(to)) {
            return;
        }
        if (!NEXT.containsKey(to)) {
            throw notAllowed(from, "unknown status '" + to + "'");
        }
        if (!next(from).contains(to)) {
            throw notAllowed(from, "a lead cannot go from " + from + " to " + to);
        }
    }

    private Unprocessable notAllowed(String from, String why) {
        return new Unprocessable("transition_not_allowed", why + "; from " + from + " it can go to " + next(from),
                Map.of("status", from, "allowed", next(from)));
    }
}
