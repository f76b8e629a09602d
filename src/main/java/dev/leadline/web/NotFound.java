package dev.leadline.web;

/**
 * Nothing of that id in the caller's workspace; another workspace's row is answered the same (404).
 * A route raises it with a {@code throwException} step (its message, in simple language, is the detail)
 * or through a validation bean whose outcomes the route's comment lists.
 */
public class NotFound extends ApiException {

    public NotFound(String detail) {
        super(404, "not_found", detail);
    }
}
