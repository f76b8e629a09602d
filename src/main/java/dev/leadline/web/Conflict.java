package dev.leadline.web;

import java.util.Map;

/**
 * The request collides with the current state: a stale version, a duplicate, a run already going (409).
 * A route raises it with a {@code throwException} step (its message, in simple language, is the detail)
 * or through a validation bean whose outcomes the route's comment lists.
 */
public class Conflict extends ApiException {

    public Conflict(String detail) {
        super(409, "conflict", detail);
    }

    /** With fields that help the caller, e.g. the version to read again. */
    public Conflict(String detail, Map<String, Object> extra) {
        super(409, "conflict", detail, extra);
    }
}
