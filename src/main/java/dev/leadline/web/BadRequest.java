package dev.leadline.web;

/**
 * The request is malformed or a value is out of range: fix it and send it again (400).
 * A route raises it with a {@code throwException} step (its message, in simple language, is the detail)
 * or through a validation bean whose outcomes the route's comment lists.
 */
public class BadRequest extends ApiException {

    public BadRequest(String detail) {
        super(400, "bad_request", detail);
    }
}
