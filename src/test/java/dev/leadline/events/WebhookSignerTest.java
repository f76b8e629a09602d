package dev.leadline.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/**
 * The signer against the Standard Webhooks algorithm written a second time, independently, here (a receiver's
 * verification: the headers, the 5-minute tolerance, any matching v1 entry, constant-time comparison), on the
 * test vector cases of STANDARD_WEBHOOKS.md.
 */
class WebhookSignerTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330;
    static final String BODY = "{\"test\": 2432232314}";

    final WebhookSigner signer = new WebhookSigner();

    /** A receiver's check, as the specification describes it; null headers are missing ones. */
    static boolean verify(String secret, String id, String timestamp, String signatures, byte[] body, long nowSeconds)
            throws Exception {
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        if (Math.abs(nowSeconds - Long.parseLong(timestamp)) > 5 * 60) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(body);
        for (String entry : signatures.split(" ")) {
            String[] parts = entry.split(",", 2);
            if (parts.length == 2 && parts[0].equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theSignatureIsTheSpecificationsOnTheTestVector() throws Exception {
        String signature = signer.signature(SECRET, ID, TIMESTAMP, BODY);
        // the value the specification's reference libraries compute for this vector
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        assertTrue(verify(SECRET, ID, String.valueOf(TIMESTAMP), signature, body, TIMESTAMP));
        // two signatures (a secret rotation), only the second matching
        assertTrue(verify(SECRET, ID, String.valueOf(TIMESTAMP), "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + signature,
                body, TIMESTAMP));
        // a tampered body, a wrong secret, a timestamp 6 minutes old, a missing header
        assertFalse(verify(SECRET, ID, String.valueOf(TIMESTAMP), signature, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), TIMESTAMP));
        String other = signer.newSecret();
        assertFalse(verify(other, ID, String.valueOf(TIMESTAMP), signature, body, TIMESTAMP));
        assertFalse(verify(SECRET, ID, String.valueOf(TIMESTAMP), signature, body, TIMESTAMP + 6 * 60));
        assertFalse(verify(SECRET, ID, String.valueOf(TIMESTAMP), null, body, TIMESTAMP));
        assertFalse(verify(SECRET, null, String.valueOf(TIMESTAMP), signature, body, TIMESTAMP));
        // a non-ASCII body is signed as its UTF-8 bytes, the bytes sent
        String text = "{\"name\": \"Siti 🌷 Rahayu\"}";
        assertTrue(verify(SECRET, ID, String.valueOf(TIMESTAMP), signer.signature(SECRET, ID, TIMESTAMP, text),
                text.getBytes(StandardCharsets.UTF_8), TIMESTAMP));
    }

    @Test
    void aNewSecretIsWhsecAndThirtyTwoRandomBytes() {
        String secret = signer.newSecret();
        assertTrue(secret.startsWith("whsec_"), secret);
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
        assertFalse(secret.equals(signer.newSecret()));
    }
}
