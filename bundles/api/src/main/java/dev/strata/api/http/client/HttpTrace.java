package dev.strata.api.http.client;

import java.net.InetSocketAddress;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told what an exchange does as it happens, for diagnostics ({@code curl -v}): connections,
 * each request's header section as sent, each response's header section as received (interim
 * and redirect responses included). Called on the sending thread; every method does nothing
 * by default.
 */
@ConsumerType
public interface HttpTrace {

    /** Tells nothing to nobody. */
    HttpTrace NONE = new HttpTrace() {
    };

    /** A TCP connection to {@code remote} is being opened. */
    default void connecting(InetSocketAddress remote) {
    }

    /** The connection is established, from {@code local}. */
    default void connected(InetSocketAddress local, InetSocketAddress remote) {
    }

    /** An idle connection from an earlier exchange is used again. */
    default void reused(InetSocketAddress remote) {
    }

    /** A request's header section was sent: the request-line and field lines, each ending in CRLF, and the empty line. */
    default void requestSent(Request request, String headerSection) {
    }

    /** A response's header section arrived (interim 1xx responses included). */
    default void responseReceived(Response response) {
    }

    /** Something worth saying (a redirect followed, a connection left open or closed). */
    default void info(String message) {
    }
}
