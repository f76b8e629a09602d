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
import dev.leadline.web.AuthAttempts;

/**
 * Checks a webhook's HMAC-SHA256 over the raw body bytes, as received, in constant time.
 * The secret is the workspace's; for a phone_number_id we do not know, it is the optional fallback
 * secret (webhook.fallback-secret), and with none configured the delivery is not authentic: 401.
 */
public final class WebhookSignature {

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String META_PREFIX = "sha256=";

    /** The one 401 detail of a Meta delivery no secret verifies, whichever numbers it names. */
    static final String META_MISMATCH = "X-Hub-Signature-256 does not match: sign the body with the Meta app secret "
            + "set as the webhook secret of the workspace of its phone_number_id";

    private final String fallbackSecret;
    private final AuthAttempts attempts;

    public WebhookSignature(String fallbackSecret, AuthAttempts attempts) {
        this.fallbackSecret = fallbackSecret == null ? "" : fallbackSecret;
        this.attempts = attempts;
    }

    /** Kapso: {@code X-Webhook-Signature: <64 hex>}. */
    public void verifyKapso(byte[] rawBody, String header, Map<String, Object> workspace) {
        verify(rawBody, header, workspace, "X-Webhook-Signature");
    }

    /**
     * Meta, whose one POST may name several business numbers (one per change): the signature is over the
     * whole body, so it is checked with the secret of each workspace the changes name (each distinct
     * secret once), then with the fallback secret. Answers who verified it, for IntakeTriage: an item goes
     * only to a workspace whose secret verified the delivery. 401 when no secret does, with one detail
     * whatever the case (a wrong secret, numbers no workspace owns, no number at all), so that a forged
     * delivery naming many numbers learns nothing of which are workspaces'; the case goes to the log. Such
     * a failure counts against the sender's address like a wrong API token ({@link AuthAttempts}).
     *
     * @param workspaces    the workspaces that own a number the delivery names (sql/intake/workspaces-by-phone-number-ids.sql)
     * @param numbers       MetaEvents.deliveryNumbers: the numbers named ("named")
     * @param clientAddress the sender's address (ClientAddress), whose failures are counted
     * @return {verified: {phoneNumberId: workspace}, named: {phoneNumberId: workspace}, fallback: the fallback secret verified it}
     */
    public Map<String, Object> verifyMetaAmong(byte[] rawBody, String header, List<Map<String, Object>> workspaces,
                                               Map<String, Object> numbers, String clientAddress) {
        return verifyAmong("X-Hub-Signature-256", META_MISMATCH, rawBody, header, workspaces, numbers, clientAddress);
    }

    /**
     * {@link #verifyMetaAmong} for a delivery of Meta's shape that another sender (a BSP forwarding Meta's
     * Cloud API payload) signs the same way, {@code sha256=<hex HMAC-SHA256 of the body>}, in a header of its
     * own: the route names the header, e.g. {@code verifyMetaShapedAmong('X-Relay-Signature', ${variable.rawBody},
     * ${header.X-Relay-Signature}, ...)}. The same secrets, the same answer, the same 401s and counted failures.
     */
    public Map<String, Object> verifyMetaShapedAmong(String headerName, byte[] rawBody, String header,
                                                     List<Map<String, Object>> workspaces, Map<String, Object> numbers,
                                                     String clientAddress) {
        return verifyAmong(headerName, headerName + " does not match: sign the body with the webhook secret of the "
                + "workspace of its phone_number_id", rawBody, header, workspaces, numbers, clientAddress);
    }

    private Map<String, Object> verifyAmong(String headerName, String mismatch, byte[] rawBody, String header,
                                            List<Map<String, Object>> workspaces, Map<String, Object> numbers,
                                            String clientAddress) {
        if (header == null || !header.startsWith(META_PREFIX) || !HEX_SHA256.matcher(header.substring(META_PREFIX.length())).matches()) {
            throw ApiException.unauthorized(headerName + " must be 'sha256=<hex HMAC-SHA256 of the body>'");
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
            // Checked only after the signature failed: a rightly signed delivery from an address that failed
            // before (Meta's are shared by every tenant) is never refused.
            attempts.requireAllowed(clientAddress);
            attempts.recordFailure(clientAddress, "a Meta-shaped webhook whose " + headerName + " no secret verifies ("
                    + numbersNamed.size() + " phone_number_id(s) named, " + named.size() + " of them a workspace's; "
                    + (fallbackSecret.isEmpty() ? "no" : "a") + " fallback secret)");
            throw ApiException.unauthorized(mismatch);
        }
        Map<String, Object> signers = new HashMap<>();
        signers.put("verified", verified);
        signers.put("named", named);
        signers.put("fallback", fallback);
        return signers;
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
