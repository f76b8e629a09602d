package dev.leadline.web;

/**
 * No credentials, or wrong ones (401).
 * A route raises it with a {@code throwException} step (its message, in simple language, is the detail)
 * or through a validation bean whose outcomes the route's comment lists.
 */
public class Unauthorized extends ApiException {

    public Unauthorized(String detail) {
        super(401, "unauthorized", detail);
    }
}
