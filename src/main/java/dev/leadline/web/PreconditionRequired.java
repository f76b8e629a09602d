package dev.leadline.web;

/**
 * A change that needs the version the caller read, which it did not send (428).
 * A route raises it with a {@code throwException} step (its message, in simple language, is the detail)
 * or through a validation bean whose outcomes the route's comment lists.
 */
public class PreconditionRequired extends ApiException {

    public PreconditionRequired(String detail) {
        super(428, "precondition_required", detail);
    }
}
