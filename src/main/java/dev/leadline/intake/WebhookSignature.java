package dev.leadline.intake;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.leadline.web.ApiException;

/**
 * Checks a webhook's HMAC-SHA256 over the raw body bytes, as received, in constant time.
 * The secret is the workspace's; for a phone_number_id we do not know, it is the optional fallback
 * secret (webhook.fallback-secret), and with none configured the delivery is not authentic: 401.
 */
public final class WebhookSignature {

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String META_PREFIX = "sha256=";

    private final String fallbackSecret;

    public WebhookSignature(String fallbackSecret) {
        this.fallbackSecret = fallbackSecret == null ? "" : fallbackSecret;
    }

    /** Kapso: {@code X-Webhook-Signature: <64 hex>}. */
    public void verifyKapso(byte[] rawBody, String header, Map<String, Object> workspace) {
        verify(rawBody, header, workspace, "X-Webhook-Signature");
    }

    /** Meta: {@code X-Hub-Signature-256: sha256=<64 hex>}. */
    public void verifyMeta(byte[] rawBody, String header, Map<String, Object> workspace) {
        if (header == null || !header.startsWith(META_PREFIX)) {
            throw ApiException.unauthorized("X-Hub-Signature-256 must be 'sha256=<hex HMAC-SHA256 of the body>'");
        }
        verify(rawBody, header.substring(META_PREFIX.length()), workspace, "X-Hub-Signature-256");
    }

    private void verify(byte[] rawBody, String hex, Map<String, Object> workspace, String headerName) {
        if (hex == null || !HEX_SHA256.matcher(hex).matches()) {
            throw ApiException.unauthorized(headerName + " is missing or is not 64 hex characters");
        }
        String secret = workspace != null ? (String) workspace.get("webhookSecret") : fallbackSecret;
        byte[] expected = hmacSha256(secret, rawBody);
        byte[] given = HexFormat.of().parseHex(hex);
        if (secret.isEmpty() || !MessageDigest.isEqual(expected, given)) {
            throw ApiException.unauthorized(headerName + " does not match the body");
        }
    }

    public static byte[] hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // An empty key is not allowed by SecretKeySpec; such a secret never verifies anyway.
            byte[] key = secret.isEmpty() ? new byte[1] : secret.getBytes(StandardCharsets.UTF_8);
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
