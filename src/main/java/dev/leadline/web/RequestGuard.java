package dev.leadline.web;

import java.util.Locale;

/** Cheap checks that come before any parsing: the declared content type and the body size. */
public final class RequestGuard {

    private final int maxBodyBytes;

    public RequestGuard(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public void requireJson(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        if (!type.equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type",
                    "Content-Type must be application/json, got " + (contentType == null ? "none" : "'" + contentType + "'"));
        }
    }

    public byte[] requireWithinLimit(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        if (body.length > maxBodyBytes) {
            throw new ApiException(413, "payload_too_large",
                    "the body has " + body.length + " bytes; the limit is " + maxBodyBytes + " (webhook.max-body-bytes)");
        }
        return body;
    }
}
