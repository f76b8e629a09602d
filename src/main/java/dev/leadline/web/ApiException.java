package dev.leadline.web;

/** A request that cannot be served, with the HTTP status and the JSON error it is answered with. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;

    public ApiException(int status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
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
        return new ApiException(400, "bad_request", detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not_found", detail);
    }
}
