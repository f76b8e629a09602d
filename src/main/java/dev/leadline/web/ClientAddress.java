package dev.leadline.web;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;

/**
 * The one place that decides a request's client address, for the failed-authentication limit
 * ({@link AuthAttempts}), the audit log and the log lines. The connection's peer, unless that peer is one of
 * {@code http.trusted-proxies} (CIDRs, IPv4 and IPv6; empty: none): then the client named by the proxy in
 * {@code Forwarded: for=} (RFC 7239), or else {@code X-Forwarded-For}. Those lists are read from the right,
 * skipping addresses that are themselves trusted proxies: the right-most one that is not is the client (what
 * lies further left was written by someone not trusted). Where that hop is hidden (an obfuscated identifier
 * or {@code unknown}) the client is the nearest trusted proxy that heard from it; a list that can't be read
 * gives the peer. A header from an untrusted peer is never read, so a client can't choose its own address.
 * Vert.x's own forwarded parsing is off (its router's default, which Camel's keeps), so the peer is the socket's.
 */
public final class ClientAddress {

    private final List<Cidr> trustedProxies;

    /** @param trustedProxies http.trusted-proxies: CIDRs or single addresses, separated by commas or spaces */
    public ClientAddress(String trustedProxies) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String entry : (trustedProxies == null ? "" : trustedProxies).split("[,\\s]+")) {
            if (!entry.isBlank()) {
                cidrs.add(Cidr.parse(entry.strip()));
            }
        }
        this.trustedProxies = List.copyOf(cidrs);
    }

    /**
     * The client's address.
     *
     * @param peer          the connection's address (CamelVertxPlatformHttpRemoteAddress)
     * @param forwarded     the Forwarded header(s): a string or, when sent more than once, a list
     * @param xForwardedFor the X-Forwarded-For header(s), likewise
     */
    public String of(Object peer, Object forwarded, Object xForwardedFor) {
        String peerAddress = peerAddress(peer);
        InetAddress hop = literal(peerAddress);
        if (hop == null || !trusted(hop)) {
            return peerAddress;
        }
        List<String> chain = forwardedFor(lines(forwarded));
        if (chain == null) {
            return peerAddress;
        }
        if (chain.isEmpty()) {
            chain = commaSeparated(lines(xForwardedFor));
        }
        String client = peerAddress;
        for (int i = chain.size() - 1; i >= 0; i--) {
            String node = chain.get(i);
            if (hidden(node)) {
                return client;
            }
            hop = literal(withoutPort(node));
            if (hop == null) {
                return peerAddress;
            }
            client = NetUtil.toAddressString(hop);
            if (!trusted(hop)) {
                return client;
            }
        }
        // every hop a trusted proxy: the left-most is the nearest to the client that is known
        return client;
    }

    /** Whether the address is in one of http.trusted-proxies. */
    boolean trusted(InetAddress address) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String peerAddress(Object peer) {
        if (peer instanceof SocketAddress socket) {
            return socket.hostAddress() != null ? socket.hostAddress() : String.valueOf(socket.host());
        }
        return peer == null ? "unknown" : peer.toString();
    }

    /** A header sent once is a string; sent more than once, Camel gives its values as a list, in order. */
    private static List<String> lines(Object header) {
        if (header == null) {
            return List.of();
        }
        if (header instanceof Iterable<?> values) {
            List<String> lines = new ArrayList<>();
            values.forEach(v -> lines.add(String.valueOf(v)));
            return lines;
        }
        return List.of(header.toString());
    }

    private static List<String> commaSeparated(List<String> lines) {
        List<String> items = new ArrayList<>();
        for (String line : lines) {
            for (String item : line.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
        }
        return items;
    }

    /**
     * The for= of each element of a Forwarded header, left to right; empty when there is none; null when it
     * can't be read (then the peer is the client). Elements are separated by commas, their pairs by semicolons,
     * a value may be quoted (it must be, for an IPv6 address or a port).
     */
    private static List<String> forwardedFor(List<String> lines) {
        List<String> fors = new ArrayList<>();
        List<String> elements = commaSeparated(lines);
        for (String element : elements) {
            String found = null;
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    return null;
                }
                if (pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
                    String value = pair.substring(eq + 1).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (found != null || value.isEmpty()) {
                        return null;
                    }
                    found = value;
                }
            }
            if (found != null) {
                fors.add(found);
            }
        }
        // a header that names no client at all (proto= or host= only) leaves X-Forwarded-For to say; one
        // where some hops lack their for= is a chain with gaps, which can't be walked
        return fors.isEmpty() || fors.size() == elements.size() ? fors : null;
    }

    /** RFC 7239's obfuscated identifiers (_...) and unknown: a hop whose address the proxy did not give. */
    private static boolean hidden(String node) {
        return node.startsWith("_") || node.toLowerCase(Locale.ROOT).equals("unknown");
    }

    /** [v6]:port, [v6], v4:port, v4 or a bare v6 address, without its port. */
    private static String withoutPort(String node) {
        if (node.startsWith("[")) {
            int close = node.indexOf(']');
            if (close < 0 || !(close == node.length() - 1 || port(node.substring(close + 1)))) {
                return "";
            }
            return node.substring(1, close);
        }
        int colon = node.indexOf(':');
        if (colon >= 0 && colon == node.lastIndexOf(':')) {
            return port(node.substring(colon)) ? node.substring(0, colon) : "";
        }
        return node;
    }

    private static boolean port(String colonAndPort) {
        return colonAndPort.matches(":([0-9]{1,5}|_[A-Za-z0-9._-]+)");
    }

    /** An IP address literal, never a name looked up (IPv4-mapped IPv6 as IPv4); null if it is none. */
    static InetAddress literal(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            return null;
        }
        try {
            // a 16-byte IPv4-mapped address comes back as the IPv4 address
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** An address block: an address and how many of its leading bits a member shares. */
    private record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("http.trusted-proxies: '" + text + "' is not an IP address or CIDR");
            }
            int max = address.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("http.trusted-proxies: '" + text + "' needs a prefix length of 0 to " + max);
            }
            return new Cidr(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            if (!Arrays.equals(candidate, 0, whole, network, 0, whole)) {
                return false;
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[whole] & mask) == (network[whole] & mask);
        }
    }
}
