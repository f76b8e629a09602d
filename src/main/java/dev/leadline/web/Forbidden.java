package dev.leadline.web;

/**
 * Understood, allowed to no one: e.g. deleting a system note (403).
 * A route raises it with a {@code throwException} step (its message, in simple language, is the detail)
 * or through a validation bean whose outcomes the route's comment lists.
 */
public class Forbidden extends ApiException {

    public Forbidden(String detail) {
        super(403, "forbidden", detail);
    }
}
