package dev.leadline.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The SSRF guard's table: every kind of address a webhook may not reach, by literal and by name. */
class WebhookTargetsTest {

    final WebhookTargets guard = new WebhookTargets(false, false);

    @Test
    void refusesEveryNonPublicAddress() {
        Map<String, String> table = new LinkedHashMap<>();
        table.put("https://127.0.0.1/hook", "loopback");
        table.put("https://127.8.9.10/hook", "loopback");
        table.put("https://[::1]/hook", "loopback");
        table.put("https://localhost/hook", "loopback");              // a name resolving to loopback
        table.put("https://10.0.0.1/hook", "private");
        table.put("https://10.255.255.254/hook", "private");
        table.put("https://172.16.5.4/hook", "private");
        table.put("https://192.168.1.1/hook", "private");
        table.put("https://100.64.0.1/hook", "private");
        table.put("https://[fd12:3456::1]/hook", "private");
        table.put("https://169.254.169.254/latest/meta-data", "cloud metadata");
        table.put("https://[fd00:ec2::254]/latest", "cloud metadata");
        table.put("https://169.254.10.10/hook", "link-local");
        table.put("https://[fe80::1]/hook", "link-local");
        table.put("https://224.0.0.1/hook", "multicast");
        table.put("https://[ff02::1]/hook", "multicast");
        table.put("https://0.0.0.0/hook", "unspecified");
        table.put("https://[::]/hook", "unspecified");
        table.put("https://[::ffff:127.0.0.1]/hook", "loopback");     // IPv4-mapped
        table.put("https://[::ffff:169.254.169.254]/hook", "cloud metadata");
        table.put("https://2130706433/hook", "loopback");              // 127.0.0.1 as one number
        table.forEach((url, kind) -> {
            String refusal = guard.refusal(url);
            assertNotNull(refusal, url + " must be refused");
            assertTrue(refusal.contains("resolves to a " + kind + " address"), url + ": " + refusal);
        });
    }

    @Test
    void httpsOnlyWithAHostAndNoCredentials() {
        assertTrue(guard.refusal("http://93.184.215.14/hook").contains("must be https"));
        assertTrue(guard.refusal("ftp://93.184.215.14/hook").contains("must be https"));
        assertTrue(guard.refusal("https:///nohost").contains("with a host"));
        assertTrue(guard.refusal("https://user:pw@93.184.215.14/hook").contains("no user info"));
        assertTrue(guard.refusal("not a url at all").contains("is not a URL")
                || guard.refusal("not a url at all").contains("must be https"));
        assertNull(guard.refusal("https://93.184.215.14/hook"));
        assertNull(new WebhookTargets(true, false).refusal("http://93.184.215.14/hook"));
        // the setting the tests need: loopback allowed
        assertNull(new WebhookTargets(true, true).refusal("http://127.0.0.1:9/hook"));
    }

    @Test
    void theClientsResolverRefusesTheSameAtConnectTime() throws Exception {
        WebhookTargets.Refused refused = assertThrows(WebhookTargets.Refused.class, () -> guard.resolver().resolve("localhost"));
        assertTrue(refused.getMessage().contains("loopback"), refused.getMessage());
        assertThrows(WebhookTargets.Refused.class, () -> guard.resolver().resolve("169.254.169.254"));
        assertEquals(InetAddress.getByName("93.184.215.14"), guard.resolver().resolve("93.184.215.14")[0]);
    }
}
