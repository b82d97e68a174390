package dev.strata.api.http.client;

import java.io.IOException;

/**
 * An HTTP exchange failed; {@link #kind()} says how and the message says it in the words curl
 * uses ({@code "Failed to connect to 198.18.0.1 port 80: Connection refused"}).
 */
public class HttpClientException extends IOException {

    private static final long serialVersionUID = 1L;

    /** How an exchange failed. */
    public enum Kind {
        /** The URI is not {@code http://HOST[:PORT]/...} or has no host. */
        MALFORMED_URL,
        /** A scheme other than http (there is no TLS). */
        UNSUPPORTED_PROTOCOL,
        /** The host is a name other than {@code localhost}: the stack has no resolver (no DNS). */
        UNRESOLVED_HOST,
        /** The peer answered the handshake with RST (ECONNREFUSED). */
        CONNECTION_REFUSED,
        /** The host is unreachable (ICMP host unreachable, EHOSTUNREACH). */
        NO_ROUTE_TO_HOST,
        /** No route to the network, or its interface is down (ENETUNREACH, ENETDOWN). */
        NETWORK_UNREACHABLE,
        /** The handshake did not complete in time. */
        CONNECT_TIMEOUT,
        /** The exchange took longer than {@link Request#timeout()}. */
        TIMEOUT,
        /** The request could not be sent (reset, broken pipe). */
        SEND_FAILED,
        /** The connection failed while the response was being received (reset). */
        RECEIVE_FAILED,
        /** The peer answered with something that is not HTTP/1.x, or broke its framing. */
        MALFORMED_RESPONSE,
        /** The connection closed before the body announced was complete. */
        PARTIAL_BODY,
        /** The peer closed the connection without answering. */
        EMPTY_RESPONSE,
        /** More redirects than {@link Request#maxRedirects()}. */
        TOO_MANY_REDIRECTS,
        /** The body sink failed to store the body. */
        WRITE_FAILED,
        /** The stack cannot open connections (no socket layer, TCP not running). */
        STACK_UNAVAILABLE
    }

    private final Kind kind;

    public HttpClientException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HttpClientException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
