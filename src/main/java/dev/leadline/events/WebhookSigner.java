package dev.leadline.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing (standardwebhooks.com): secrets {@code whsec_<base64 of 32 random bytes>}, and the
 * {@code webhook-signature} of one attempt, {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} keyed with the
 * base64-decoded part after {@code whsec_}, so that a receiver verifies with the specification's own libraries.
 */
public final class WebhookSigner {

    static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new subscription's secret, shown once. */
    public String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** webhook-timestamp: this attempt's time, whole Unix seconds. */
    public long timestamp() {
        return System.currentTimeMillis() / 1000;
    }

    /** webhook-signature of the exact bytes sent (the body is UTF-8 text: the envelope from the outbox). */
    public String signature(String secret, String id, long timestamp, String body) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(PREFIX.length())), "HmacSHA256"));
            byte[] signed = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
