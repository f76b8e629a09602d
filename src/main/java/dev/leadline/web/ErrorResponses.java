package dev.leadline.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever a route threw into the one error shape, {@code {"error": ..., "detail": ...}}, with a
 * status that tells the caller what to do: 4xx fix the request, 503 retry later, 500 our bug.
 */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    /**
     * The answer to the failure, on the message the caller gets: the status (the ApiException's, typed or
     * not; 503 for an unavailable database; else 500), only the headers it needs, and the body; a 5xx is logged.
     */
    public Map<String, Object> render(Throwable failure, Exchange exchange) {
        Message message = exchange.getMessage();
        ApiException problem = classify(failure);
        if (problem.status() >= 500) {
            // Method, path and messages may carry request data: escaped, so they cannot forge a log line.
            LOG.warn("{} {} failed with {}: {} (root cause: {})", LogSafe.escape(message.getHeader(Exchange.HTTP_METHOD)),
                    LogSafe.escape(message.getHeader(Exchange.HTTP_PATH)), problem.status(), LogSafe.escape(failure),
                    LogSafe.escape(rootCause(failure)),
                    problem.status() == 500 ? failure : null);
        }
        message.removeHeaders("*");
        problem.headers().forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", problem.error());
        body.put("detail", problem.detail());
        body.putAll(problem.extra());
        return body;
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    /** The status and error shape a failure is answered with (also for one letter of a bulk replay). */
    public static ApiException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            if (isDatabaseUnavailable(t)) {
                return new ApiException(503, "unavailable",
                        "the database is unavailable; retry later");
            }
        }
        return new ApiException(500, "internal_error", "unexpected failure; it has been logged");
    }

    private static boolean isDatabaseUnavailable(Throwable t) {
        if (t instanceof SQLTransientConnectionException) {
            return true;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            // 08: connection exception, 53: insufficient resources, 57P: server shutting down or starting,
            // 57014: statement timeout, 55P03: lock not available (a row locked past db.lock-timeout-ms),
            // 40001 / 40P01: serialization failure, deadlock: all pass, so the sender should retry.
            return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                    || state.equals("57014") || state.equals("55P03") || state.equals("40001") || state.equals("40P01");
        }
        return false;
    }
}
