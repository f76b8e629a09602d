package dev.leadline.web;

import java.util.Map;

/**
 * Well formed, but the state does not allow it: e.g. a status change the workflow forbids (422).
 * A route raises it with a {@code throwException} step (its message, in simple language, is the detail)
 * or through a validation bean whose outcomes the route's comment lists.
 */
public class Unprocessable extends ApiException {

    public Unprocessable(String detail) {
        super(422, "unprocessable", detail);
    }

    /** With its own error code and fields that help the caller, e.g. the statuses allowed next. */
    public Unprocessable(String error, String detail, Map<String, Object> extra) {
        super(422, error, detail, extra);
    }
}
