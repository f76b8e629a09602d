package dev.leadline.admin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;

/**
 * A workspace's Kapso API key at rest: AES-256-GCM under a key derived (SHA-256) from
 * catchup.key-encryption-key, a fresh 12-byte nonce per key, stored as "v1:" + Base64(nonce + ciphertext).
 * The workspace id is the associated data, so a ciphertext copied onto another workspace does not decrypt.
 * The clear key exists only in memory, for the catch-up's request header; it is never answered or logged.
 */
public final class KapsoKeys {

    static final int MAX_KEY_LENGTH = 500;
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public KapsoKeys(String keyEncryptionKey) {
        if (keyEncryptionKey == null || keyEncryptionKey.length() < 16) {
            throw new IllegalArgumentException("catchup.key-encryption-key needs at least 16 characters");
        }
        try {
            byte[] derived = MessageDigest.getInstance("SHA-256").digest(keyEncryptionKey.getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(derived, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PUT /api/admin/workspaces/{id}/kapso-key {"apiKey": "..."}: the parameters of set-kapso-key.sql; 400 for
     * another field, or a key missing, too long or not printable ASCII.
     */
    public Map<String, Object> set(Map<String, Object> request, long workspaceId) {
        JsonRequests.onlyFields(request, Set.of("apiKey"));
        String apiKey = JsonRequests.text(request, "apiKey", MAX_KEY_LENGTH, true);
        if (apiKey.isBlank() || !apiKey.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // It goes into an HTTP header: printable ASCII only, so it cannot split the request.
            throw ApiException.badRequest("apiKey must be printable ASCII without spaces");
        }
        return params(workspaceId, encrypt(apiKey, workspaceId));
    }

    /** DELETE /api/admin/workspaces/{id}/kapso-key: the parameters that clear it. */
    public Map<String, Object> clear(long workspaceId) {
        return params(workspaceId, null);
    }

    private static Map<String, Object> params(long workspaceId, String encrypted) {
        Map<String, Object> params = new HashMap<>();
        params.put("workspaceId", workspaceId);
        params.put("kapsoKeyEnc", encrypted);
        return params;
    }

    String encrypt(String apiKey, long workspaceId) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(workspaceId));
            byte[] sealed = cipher.doFinal(apiKey.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt the Kapso API key", e);
        }
    }

    /**
     * The clear key, for the catch-up's X-API-Key header. A key sealed under another
     * catchup.key-encryption-key (or tampered with) fails here, with a message that names the setting.
     */
    public String decrypt(String stored, long workspaceId) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new IllegalStateException("workspace " + workspaceId + " has no readable Kapso API key");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(aad(workspaceId));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the Kapso API key of workspace " + workspaceId
                    + " does not decrypt: was catchup.key-encryption-key changed? Set the key again");
        }
    }

    private static byte[] aad(long workspaceId) {
        return ("leadline-workspace-" + workspaceId).getBytes(StandardCharsets.UTF_8);
    }
}
