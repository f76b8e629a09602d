package dev.leadline.admin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A workspace's Kapso API key at rest: AES-256-GCM under a key derived (SHA-256) from
 * catchup.key-encryption-key, a fresh 12-byte nonce per key, stored as "v1:" + Base64(nonce + ciphertext),
 * and beside it the key id of the key that sealed it (a fingerprint: the first 12 hex digits of a SHA-256
 * of the derived key). The workspace id is the associated data, so a ciphertext copied onto another
 * workspace does not decrypt. The clear key exists only in memory, for the catch-up's request header; it is
 * never answered or logged.
 *
 * <p>A new key encryption key is rolled in with catchup.previous-key-encryption-key set to the old one: keys
 * sealed under either are read (GCM authenticates, so the wrong key fails cleanly and the other is tried),
 * and POST /api/admin/kapso-keys/re-encrypt seals every stored key under the new one.
 *
 * <p>The default key encryption key is a demo value published with the sources: it is refused when the
 * database is external, and only warned about with the embedded demo database.
 */
public final class KapsoKeys {

    private static final Logger LOG = LoggerFactory.getLogger(KapsoKeys.class);

    /** The default of catchup.key-encryption-key in the application.properties that ships: public. */
    public static final String DEMO_KEY = "leadline-demo-key-encryption-key-change-me";
    static final int MAX_KEY_LENGTH = 500;
    static final int MIN_KEY_ENCRYPTION_KEY = 16;
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One key encryption key: the AES key derived from it, and its id. */
    private record Sealer(SecretKeySpec key, String id) {

        static Sealer of(String keyEncryptionKey, String setting) {
            if (keyEncryptionKey == null || keyEncryptionKey.length() < MIN_KEY_ENCRYPTION_KEY) {
                throw new IllegalArgumentException(setting + " needs at least " + MIN_KEY_ENCRYPTION_KEY + " characters");
            }
            byte[] derived = sha256(keyEncryptionKey.getBytes(StandardCharsets.UTF_8));
            // A hash of the derived key under a label of its own: it names the key, and opens nothing.
            String id = HexFormat.of().formatHex(sha256("leadline-kapso-key-id:".getBytes(StandardCharsets.UTF_8), derived), 0, 6);
            return new Sealer(new SecretKeySpec(derived, "AES"), id);
        }
    }

    private final Sealer current;
    /** The key encryption key before the current one, while its keys are being re-sealed; null when none. */
    private final Sealer previous;

    /** A key encryption key of the operator's, the demo database's rules aside (tests, tools). */
    public KapsoKeys(String keyEncryptionKey) {
        this(keyEncryptionKey, null, true);
    }

    /**
     * @param previousKeyEncryptionKey catchup.previous-key-encryption-key: blank when there is none
     * @param embeddedDatabase         the embedded demo database (db.url empty): only there may the demo key seal keys
     */
    public KapsoKeys(String keyEncryptionKey, String previousKeyEncryptionKey, boolean embeddedDatabase) {
        if (DEMO_KEY.equals(keyEncryptionKey)) {
            if (!embeddedDatabase) {
                throw new IllegalArgumentException("catchup.key-encryption-key (CATCHUP_KEY_ENCRYPTION_KEY) is the published demo "
                        + "value, and the database is external (db.url): anyone with the sources could read the Kapso API keys "
                        + "stored there. Set your own, " + MIN_KEY_ENCRYPTION_KEY + "+ characters (e.g. openssl rand -hex 32); "
                        + "keys already sealed under the demo value are moved with catchup.previous-key-encryption-key = the demo "
                        + "value and POST /api/admin/kapso-keys/re-encrypt");
            }
            LOG.warn("catchup.key-encryption-key is the published demo value: accepted only because the database is the "
                    + "embedded demo one. Set CATCHUP_KEY_ENCRYPTION_KEY before storing a real Kapso API key");
        }
        this.current = Sealer.of(keyEncryptionKey, "catchup.key-encryption-key");
        boolean hasPrevious = previousKeyEncryptionKey != null && !previousKeyEncryptionKey.isBlank()
                && !previousKeyEncryptionKey.equals(keyEncryptionKey);
        this.previous = hasPrevious ? Sealer.of(previousKeyEncryptionKey, "catchup.previous-key-encryption-key") : null;
    }

    /** The id of the current key encryption key: what is stored beside each key it seals. */
    public String keyId() {
        return current.id();
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
        return params(workspaceId, encrypt(apiKey, workspaceId), current.id());
    }

    /** DELETE /api/admin/workspaces/{id}/kapso-key: the parameters that clear it. */
    public Map<String, Object> clear(long workspaceId) {
        return params(workspaceId, null, null);
    }

    private static Map<String, Object> params(long workspaceId, String encrypted, String keyId) {
        Map<String, Object> params = new HashMap<>();
        params.put("workspaceId", workspaceId);
        params.put("kapsoKeyEnc", encrypted);
        params.put("kapsoKeyId", keyId);
        return params;
    }

    /** POST /api/admin/kapso-keys/re-encrypt: a new tally, for the reEncryption variable. */
    public ReEncryption reEncryption() {
        return new ReEncryption(current.id());
    }

    /**
     * One stored key (a row of kapso-keys.sql: workspaceId, keyEnc, keyId): the parameters of
     * re-seal-kapso-key.sql when it must be sealed again under the current key, else null, and counted:
     * already under the current key, or unreadable under both keys (left as it is, to be set again).
     */
    public Map<String, Object> reSeal(Map<String, Object> row, ReEncryption tally) {
        long workspaceId = ((Number) row.get("workspaceId")).longValue();
        String stored = (String) row.get("keyEnc");
        if (current.id().equals(row.get("keyId")) && open(current, stored, workspaceId) != null) {
            tally.unchanged++;
            return null;
        }
        String apiKey = open(current, stored, workspaceId);
        if (apiKey == null && previous != null) {
            apiKey = open(previous, stored, workspaceId);
        }
        if (apiKey == null) {
            tally.unreadable.add(workspaceId);
            LOG.warn("The Kapso API key of workspace {} (key id {}) opens under neither catchup.key-encryption-key nor "
                    + "catchup.previous-key-encryption-key: left as it is; set it again", workspaceId, row.get("keyId"));
            return null;
        }
        Map<String, Object> params = params(workspaceId, encrypt(apiKey, workspaceId), current.id());
        // Compare and set: a key set through the API meanwhile is not overwritten.
        params.put("wasKeyEnc", stored);
        return params;
    }

    /** re-seal-kapso-key.sql answered its row: sealed again (null: the key was set meanwhile, under the current key). */
    public void resealed(ReEncryption tally, Object row) {
        tally.resealed(row);
    }

    /** What a re-encryption did; its answer. */
    public static final class ReEncryption {
        private final String keyId;
        private int reEncrypted;
        private int unchanged;
        private final List<Long> unreadable = new ArrayList<>();

        ReEncryption(String keyId) {
            this.keyId = keyId;
        }

        void resealed(Object row) {
            if (row != null) {
                reEncrypted++;
            } else {
                unchanged++;
            }
        }

        public Map<String, Object> answer() {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("keyId", keyId);
            answer.put("reEncrypted", reEncrypted);
            answer.put("unchanged", unchanged);
            answer.put("unreadable", unreadable);
            return answer;
        }
    }

    String encrypt(String apiKey, long workspaceId) {
        SecretKeySpec key = current.key();
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
     * The clear key, for the catch-up's X-API-Key header: under the current key encryption key, else the
     * previous one. A key sealed under neither (or tampered with) fails here, with a message that names the settings.
     */
    public String decrypt(String stored, long workspaceId) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            throw new IllegalStateException("workspace " + workspaceId + " has no readable Kapso API key");
        }
        String apiKey = open(current, stored, workspaceId);
        if (apiKey == null && previous != null) {
            apiKey = open(previous, stored, workspaceId);
        }
        if (apiKey == null) {
            throw new IllegalStateException("the Kapso API key of workspace " + workspaceId
                    + " does not decrypt: was catchup.key-encryption-key changed without catchup.previous-key-encryption-key? "
                    + "Set the key again");
        }
        return apiKey;
    }

    /** The clear key under this sealer; null when it does not open (another key, another workspace, tampered). */
    private static String open(Sealer sealer, String stored, long workspaceId) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return null;
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealer.key(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(aad(workspaceId));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] aad(long workspaceId) {
        return ("leadline-workspace-" + workspaceId).getBytes(StandardCharsets.UTF_8);
    }
}
