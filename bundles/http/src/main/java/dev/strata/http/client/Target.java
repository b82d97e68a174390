package dev.strata.http.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

import dev.strata.api.http.client.HttpClientException;
import dev.strata.api.http.client.HttpClientException.Kind;
import dev.strata.api.ipv4.Ipv4Address;

/**
 * Where a request goes, from its {@code http} URI (RFC 9110 4.2.1): the peer's address, the
 * request-target in origin-form (RFC 9112 3.2.1) and the Host field value (RFC 9110 7.2).
 * The stack has no resolver, so the host is an IPv4 literal or {@code localhost}.
 *
 * @param host the host as written in the URI
 * @param remote the peer's address and port
 * @param requestTarget absolute-path [ "?" query ], "/" for an empty path
 * @param authority the Host field: host, and ":port" unless the port is 80
 */
record Target(String host, InetSocketAddress remote, String requestTarget, String authority) {

    static final int DEFAULT_PORT = 80;

    static Target of(URI uri) throws HttpClientException {
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new HttpClientException(Kind.MALFORMED_URL, "URL rejected: No scheme: " + uri);
        }
        if (!scheme.equalsIgnoreCase("http")) {
            throw new HttpClientException(Kind.UNSUPPORTED_PROTOCOL,
                    "Protocol \"" + scheme + "\" not supported" + (scheme.equalsIgnoreCase("https") ? " (no TLS on the stack)" : ""));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new HttpClientException(Kind.MALFORMED_URL, "URL rejected: No host part in the URL: " + uri);
        }
        if (uri.getRawUserInfo() != null) {
            throw new HttpClientException(Kind.MALFORMED_URL, "URL rejected: user info is not supported: " + uri);
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new HttpClientException(Kind.MALFORMED_URL, "URL rejected: Port number was not a decimal number between 0 and 65535");
        }
        InetAddress address = address(host);
        String path = uri.getRawPath();
        String target = path == null || path.isEmpty() ? "/" : path;
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        // RFC 9110 7.2: Host is the authority of the target URI, without userinfo; the default port may be left out.
        String authority = port == DEFAULT_PORT ? host : host + ":" + port;
        return new Target(host, new InetSocketAddress(address, port), target, authority);
    }

    private static InetAddress address(String host) throws HttpClientException {
        try {
            if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
                return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
            }
            int a = Ipv4Address.parse(host);
            return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new HttpClientException(Kind.UNRESOLVED_HOST, "Could not resolve host: " + host
                    + " (the stack has no DNS: use an IPv4 address or localhost)");
        }
    }

    /** The peer as curl names it in errors: {@code 198.18.0.1 port 80}. */
    String peer() {
        return remote.getAddress().getHostAddress() + " port " + remote.getPort();
    }
}
