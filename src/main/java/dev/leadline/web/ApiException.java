package dev.leadline.web;

import java.util.Map;

/**
 * A request that cannot be served, with the HTTP status and the JSON error it is answered with. The outcomes
 * a route decides are typed subclasses that carry their status (BadRequest, Unauthorized, Forbidden, NotFound,
 * Conflict, Unprocessable, PreconditionRequired), so a route can raise them with {@code throwException}; the
 * factories below return them. The cheap edge checks (413, 415, 429) and 503/500 use this class directly.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final Map<String, Object> extra;
    private final Map<String, String> headers;

    public ApiException(int status, String error, String detail) {
        this(status, error, detail, Map.of());
    }

    /** With fields beyond error and detail that help the caller, e.g. the allowed next statuses. */
    public ApiException(int status, String error, String detail, Map<String, Object> extra) {
        this(status, error, detail, extra, Map.of());
    }

    /** With response headers the answer needs, e.g. Retry-After. */
    public ApiException(int status, String error, String detail, Map<String, Object> extra, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.error = error;
        this.extra = extra;
        this.headers = headers;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }

    public static ApiException badRequest(String detail) {
        return new BadRequest(detail);
    }

    public static ApiException unauthorized(String detail) {
        return new Unauthorized(detail);
    }

    public static ApiException notFound(String detail) {
        return new NotFound(detail);
    }

    /** A row a query found, or 404 with the detail when there is none. */
    public static <T> T requireFound(T row, String detail) {
        if (row == null) {
            throw notFound(detail);
        }
        return row;
    }
}
