package dev.leadline.intake;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Meta, whose one POST may name several business numbers (one per change): the signature is over the
     * whole body, so it is checked with the secret of each workspace the changes name (each distinct
     * secret once), then with the fallback secret. Answers who verified it, for IntakeTriage: an item goes
     * only to a workspace whose secret verified the delivery. 401 when no secret does, saying which case:
     * a signature that matches none of the named workspaces' secrets, or numbers that no workspace owns
     * with no fallback secret to verify them.
     *
     * @param workspaces the workspaces that own a number the delivery names (sql/intake/workspaces-by-phone-number-ids.sql)
     * @param numbers    MetaEvents.deliveryNumbers: the numbers named ("named")
     * @return {verified: {phoneNumberId: workspace}, named: {phoneNumberId: workspace}, fallback: the fallback secret verified it}
     */
    public Map<String, Object> verifyMetaAmong(byte[] rawBody, String header, List<Map<String, Object>> workspaces,
                                               Map<String, Object> numbers) {
        if (header == null || !header.startsWith(META_PREFIX) || !HEX_SHA256.matcher(header.substring(META_PREFIX.length())).matches()) {
            throw ApiException.unauthorized("X-Hub-Signature-256 must be 'sha256=<hex HMAC-SHA256 of the body>'");
        }
        byte[] given = HexFormat.of().parseHex(header.substring(META_PREFIX.length()));
        Map<String, Boolean> bySecret = new HashMap<>();
        Map<String, Object> verified = new LinkedHashMap<>();
        Map<String, Object> named = new LinkedHashMap<>();
        for (Map<String, Object> workspace : workspaces == null ? List.<Map<String, Object>>of() : workspaces) {
            String secret = (String) workspace.get("webhookSecret");
            named.put((String) workspace.get("phoneNumberId"), workspace);
            boolean matches = bySecret.computeIfAbsent(secret == null ? "" : secret,
                    k -> !k.isEmpty() && MessageDigest.isEqual(hmacSha256(k, rawBody), given));
            if (matches) {
                verified.put((String) workspace.get("phoneNumberId"), workspace);
            }
        }
        boolean fallback = !fallbackSecret.isEmpty() && MessageDigest.isEqual(hmacSha256(fallbackSecret, rawBody), given);
        if (verified.isEmpty() && !fallback) {
            @SuppressWarnings("unchecked")
            List<String> numbersNamed = numbers == null || numbers.get("named") == null ? List.of() : (List<String>) numbers.get("named");
            String unknown = shown(numbersNamed.stream().filter(n -> !named.containsKey(n)).toList());
            String nor = fallbackSecret.isEmpty() ? "" : ", nor the fallback secret";
            if (!named.isEmpty()) {
                throw ApiException.unauthorized("X-Hub-Signature-256 matches no secret of the workspaces this delivery names "
                        + "(phone_number_id " + shown(List.copyOf(named.keySet())) + ")" + nor);
            }
            if (numbersNamed.isEmpty()) {
                throw ApiException.unauthorized(fallbackSecret.isEmpty()
                        ? "no change of this delivery names a phone_number_id (account-level changes only) and no fallback "
                          + "secret is set (webhook.fallback-secret), so it cannot be verified"
                        : "X-Hub-Signature-256 does not match the fallback secret (no change of this delivery names a phone_number_id)");
            }
            throw ApiException.unauthorized(fallbackSecret.isEmpty()
                    ? "no workspace has phone_number_id " + unknown + " and no fallback secret is set (webhook.fallback-secret), "
                      + "so the delivery cannot be verified"
                    : "X-Hub-Signature-256 does not match the fallback secret (no workspace has phone_number_id " + unknown + ")");
        }
        Map<String, Object> signers = new HashMap<>();
        signers.put("verified", verified);
        signers.put("named", named);
        signers.put("fallback", fallback);
        return signers;
    }

    /** Numbers as quoted back in an error: at most 5, each at most 40 characters (they come from the request). */
    private static String shown(List<String> numbers) {
        List<String> cut = numbers.stream().limit(5).map(n -> n.length() <= 40 ? n : n.substring(0, 40) + "...").toList();
        return String.join(", ", cut) + (numbers.size() > 5 ? " and " + (numbers.size() - 5) + " more" : "");
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
