package dev.leadline.examples;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.leadline.web.ApiException;

/**
 * Checks a Standard Webhooks delivery (standardwebhooks.com), as leadline's own event webhooks sign them:
 * {@code webhook-signature} holds one or more {@code v1,<base64 HMAC-SHA256>} entries over
 * {@code "<webhook-id>.<webhook-timestamp>.<raw body>"}, keyed by the base64 part of the {@code whsec_} secret.
 * A delivery passes when any v1 entry matches (compared in constant time) and its timestamp is within the
 * tolerance of our clock (a replayed old delivery is refused). Anything else is 401.
 */
public final class StandardWebhookSignature {

    private static final String SECRET_PREFIX = "whsec_";

    private final byte[] key;
    private final Duration tolerance;
    private final Clock clock;

    /** @param secret the subscription's {@code whsec_...} secret; empty: every delivery is refused */
    public StandardWebhookSignature(String secret, Duration tolerance, Clock clock) {
        this.key = decode(secret == null ? "" : secret.strip());
        this.tolerance = tolerance;
        this.clock = clock;
    }

    private static byte[] decode(String secret) {
        if (secret.isEmpty()) {
            return null;
        }
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the webhook secret must be whsec_ followed by base64: " + e.getMessage());
        }
    }

    /** Passes, or throws 401 with what is wrong (never the expected signature). */
    public void verify(byte[] rawBody, String id, String timestamp, String signatures) {
        if (key == null) {
            throw ApiException.unauthorized("no webhook secret is set: set examples.hubspot.webhook-secret to the "
                    + "whsec_ secret of the subscription that points here");
        }
        if (id == null || id.isBlank() || timestamp == null || signatures == null || signatures.isBlank()) {
            throw ApiException.unauthorized("webhook-id, webhook-timestamp and webhook-signature are required");
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw ApiException.unauthorized("webhook-timestamp must be Unix seconds");
        }
        if (Math.abs(clock.instant().getEpochSecond() - sentAt) > tolerance.toSeconds()) {
            throw ApiException.unauthorized("webhook-timestamp is more than " + tolerance.toMinutes()
                    + " minutes from our clock (a replay, or a clock out of step)");
        }
        byte[] expected = sign(id + "." + timestamp.strip() + ".", rawBody);
        for (String entry : signatures.strip().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma > 0 && entry.substring(0, comma).equals("v1") && matches(expected, entry.substring(comma + 1))) {
                return;
            }
        }
        throw ApiException.unauthorized("no v1 entry of webhook-signature matches the body");
    }

    private static boolean matches(byte[] expected, String base64) {
        try {
            return MessageDigest.isEqual(expected, Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private byte[] sign(String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
