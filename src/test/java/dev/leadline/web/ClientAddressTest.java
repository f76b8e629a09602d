package dev.leadline.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The rules of web/ClientAddress, case by case: whose headers are read, how a chain is walked, what a header
 * that can't be read gives. Over real HTTP in TrustedProxiesTest and LoadBalancerRecipeTest.
 */
class ClientAddressTest {

    private static final ClientAddress TRUSTING = new ClientAddress("127.0.0.1/32, 10.0.0.0/8 2001:db8:1::/48");
    private static final SocketAddress PROXY = SocketAddress.inetSocketAddress(41000, "10.1.2.3");
    private static final SocketAddress STRANGER = SocketAddress.inetSocketAddress(41000, "198.51.100.9");

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
        assertEquals("198.51.100.9", TRUSTING.of(STRANGER, "for=203.0.113.7", "203.0.113.7"));
        assertEquals("10.1.2.3", new ClientAddress("").of(PROXY, "for=203.0.113.7", "203.0.113.7"),
                "no trusted proxies by default");
        assertEquals("10.1.2.3", new ClientAddress(null).of(PROXY, null, "203.0.113.7"));
    }

    @Test
    void aTrustedProxyNamesTheClientInXForwardedFor() {
        assertEquals("203.0.113.7", TRUSTING.of(PROXY, null, "203.0.113.7"));
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, null, null), "no header: the proxy itself");
        // walked from the right: trusted proxies skipped, the right-most untrusted one is the client; what
        // lies left of it was written by the client itself
        assertEquals("203.0.113.7", TRUSTING.of(PROXY, null, "6.6.6.6, 203.0.113.7, 10.9.9.9"));
        assertEquals("203.0.113.7", TRUSTING.of(PROXY, null, List.of("6.6.6.6", "203.0.113.7, 10.9.9.9")),
                "the header sent twice is one list");
        assertEquals("10.0.0.1", TRUSTING.of(PROXY, null, "10.0.0.1, 10.9.9.9"), "all trusted: the left-most");
        assertEquals("203.0.113.7", TRUSTING.of(PROXY, null, "203.0.113.7:5555"), "a port is no part of the address");
        assertEquals("2001:db8:2::7", TRUSTING.of(PROXY, null, "2001:db8:2:0:0:0:0:7"), "IPv6, in its short form");
        assertEquals("2001:db8:2::7", TRUSTING.of(PROXY, null, "[2001:db8:2::7]:443"));
        assertEquals("203.0.113.7", TRUSTING.of(PROXY, null, "203.0.113.7, 2001:db8:1::5"), "a trusted IPv6 proxy skipped");
    }

    @Test
    void forwardedComesBeforeXForwardedFor() {
        assertEquals("203.0.113.7", TRUSTING.of(PROXY, "for=203.0.113.7;proto=https", "192.0.2.1"));
        assertEquals("203.0.113.7", TRUSTING.of(PROXY, "for=6.6.6.6, for=\"203.0.113.7:4711\";by=10.1.2.3, FOR=10.9.9.9", null));
        assertEquals("2001:db8:2::7", TRUSTING.of(PROXY, "for=\"[2001:db8:2::7]:4711\"", null), "quoted IPv6 with a port");
        assertEquals("203.0.113.7", TRUSTING.of(PROXY, List.of("for=6.6.6.6", "for=203.0.113.7"), null));
        assertEquals("192.0.2.1", TRUSTING.of(PROXY, "proto=https;host=example.com", "192.0.2.1"),
                "a Forwarded that names no client leaves it to X-Forwarded-For");
    }

    @Test
    void aHiddenHopEndsTheWalkAtTheProxyThatHeardFromIt() {
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, "for=6.6.6.6, for=_hidden", null), "never the address left of it");
        assertEquals("10.9.9.9", TRUSTING.of(PROXY, "for=unknown, for=10.9.9.9", null));
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, null, "6.6.6.6, unknown"));
    }

    @Test
    void aChainThatCantBeReadGivesThePeer() {
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, null, "203.0.113.7, not-an-address"));
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, null, "example.com"), "a name is never looked up");
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, null, "203.0.113.7:port"));
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, "for=203.0.113.7, proto=https", null), "a hop without for=");
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, "for", null));
        assertEquals("10.1.2.3", TRUSTING.of(PROXY, "for=\"[2001:db8:2::7\"", null));
    }

    @Test
    void cidrsAreMatchedBitByBit() {
        ClientAddress addresses = new ClientAddress("192.0.2.128/25,::1");
        assertEquals("203.0.113.7", addresses.of(SocketAddress.inetSocketAddress(1, "192.0.2.200"), null, "203.0.113.7"));
        assertEquals("192.0.2.100", addresses.of(SocketAddress.inetSocketAddress(1, "192.0.2.100"), null, "203.0.113.7"));
        assertEquals("203.0.113.7", addresses.of(SocketAddress.inetSocketAddress(1, "::1"), null, "203.0.113.7"));
        assertEquals("203.0.113.7", new ClientAddress("0.0.0.0/0").of(STRANGER, null, "203.0.113.7"));
    }

    @Test
    void aBadSettingStopsTheStart() {
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress("proxy.internal"));
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress("10.0.0.0/x"));
    }
}
