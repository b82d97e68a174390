package dev.strata.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

import dev.strata.api.socket.SocketError;

/**
 * The socket layer's side of one connection: what TCP tells it, on the stack's threads.
 * Must not block and must not call back into the connection synchronously with locks held.
 */
@ConsumerType
public interface StreamEndpoint {

    /** The handshake completed (active open). */
    void connected();

    /** Data (or the peer's FIN) arrived. */
    void readable();

    /** Room appeared in the send buffer. */
    void writable();

    /**
     * The connection is over: {@code error} null for an orderly end (both FINs exchanged), or
     * ECONNREFUSED (RST to our SYN), ECONNRESET, ETIMEDOUT (retransmissions or keep-alive
     * gave up), EHOSTUNREACH / ENETUNREACH (ICMP errors during the handshake).
     */
    void closed(SocketError error);

    /**
     * The connection now lives in {@code successor}: an update of the transport's bundle handed
     * it over with its whole state (SPEC section 4, {@link StreamHandover}). From now on every call
     * goes to {@code successor}; the connection the endpoint held before must not be called again.
     *
     * @since 1.4
     */
    default void handedOver(StreamConnection successor) {
    }
}
