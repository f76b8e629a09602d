package dev.leadline.events;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import dev.leadline.web.ApiException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The SSRF guard of outbound webhooks: where leadline may send a workspace's events. A target is an https URL
 * (http too with events.allow-http) whose host resolves only to public addresses: never loopback, private
 * (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10), link-local (169.254/16 with the cloud metadata
 * 169.254.169.254, fe80::/10), multicast, unspecified, or the cloud metadata addresses; unless
 * events.allow-private-targets. Checked when a subscription is saved, again before each delivery, and a third
 * time as the connection is made (the HTTP client resolves names through {@link #resolver()}), so a name that
 * resolves elsewhere later (DNS rebinding) is refused too.
 */
public final class WebhookTargets {

    /** A target refused when a delivery was about to go: given up at once, never sent. */
    public static final class Refused extends UnknownHostException {
        public Refused(String reason) {
            super(reason);
        }
    }

    private final boolean allowHttp;
    private final boolean allowPrivate;

    public WebhookTargets(boolean allowHttp, boolean allowPrivate) {
        this.allowHttp = allowHttp;
        this.allowPrivate = allowPrivate;
    }

    /** A subscription's URL as saved: 400 with the reason when refused. */
    public String requireAllowed(String url) {
        String reason = refusal(url);
        if (reason != null) {
            throw ApiException.badRequest("url " + reason);
        }
        return url;
    }

    /** Why a delivery may not go to url now (its host resolved afresh), or null when it may. */
    public String refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return "is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            return allowHttp ? "must be http or https" : "must be https (http only with events.allow-http)";
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return "must be an absolute URL with a host, and no user info or fragment";
        }
        try {
            check(host(uri.getHost()));
            return null;
        } catch (Refused e) {
            return e.getMessage();
        } catch (UnknownHostException e) {
            return "names a host that does not resolve (" + uri.getHost() + ")";
        }
    }

    /** The HTTP client's name resolution for the webhook deliveries: the same rule at connect time. */
    public DnsResolver resolver() {
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return check(host(host));
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
    }

    private static String host(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.contains(":") ? bare : IDN.toASCII(bare);
    }

    /** Every address the host resolves to, when each is allowed; one that is not refuses the host. */
    InetAddress[] check(String host) throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                String kind = forbidden(address);
                if (kind != null) {
                    throw new Refused("resolves to a " + kind + " address (" + address.getHostAddress()
                            + "), refused unless events.allow-private-targets");
                }
            }
        }
        return addresses;
    }

    /** What kind of address no webhook may reach, or null for a public one. */
    static String forbidden(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            // ::ffff:a.b.c.d and the NAT64 prefix 64:ff9b::/96 carry an IPv4 address: judged as that one
            boolean mapped = isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && isZero(b, 4, 12);
            if (mapped || nat64) {
                try {
                    return forbidden(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException impossible) {
                    return "malformed";
                }
            }
            if (address.getHostAddress().startsWith("fd00:ec2:0:0:0:0:0:254")) {
                return "cloud metadata";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "private";   // unique local fc00::/7
            }
        }
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 169 && second == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254) {
                return "cloud metadata";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "private";   // carrier-grade NAT 100.64/10
            }
            if (first == 0) {
                return "unspecified";
            }
            if (first >= 240) {
                return "reserved";
            }
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        return null;
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
