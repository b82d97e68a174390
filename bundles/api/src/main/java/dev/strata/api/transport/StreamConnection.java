package dev.strata.api.transport;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.socket.NetSocketException;

/**
 * One TCP connection, as the socket layer drives it. Never blocks: the socket layer waits
 * (blocking sockets) or reports readiness (selectors) on the {@link StreamEndpoint}'s
 * callbacks.
 */
@ProviderType
public interface StreamConnection {

    /**
     * Copies into the send buffer what fits of {@code from} and returns the count (0 when the
     * buffer is full: wait for {@link StreamEndpoint#writable}).
     *
     * @throws NetSocketException EPIPE after shutdown or close, ECONNRESET, ENOTCONN
     */
    int write(ByteBuffer from) throws NetSocketException;

    /**
     * Copies received, in-order bytes into {@code into}; 0 when none is there yet (wait for
     * {@link StreamEndpoint#readable}), -1 once the peer's FIN has been read.
     *
     * @throws NetSocketException ECONNRESET
     */
    int read(ByteBuffer into) throws NetSocketException;

    /** Bytes waiting to be read (Recv-Q). */
    int readable();

    /** Room in the send buffer, in bytes. */
    int writable();

    /** Bytes not yet acknowledged by the peer (Send-Q). */
    int unacknowledged();

    /** Sends FIN after the buffered data (shutdown(SHUT_WR)); reading goes on. */
    void shutdownOutput();

    /** Closes: FIN after the buffered data, or RST when unread data remains (RFC 9293 3.10.4, as Linux). */
    void close();

    /** Resets at once (SO_LINGER 0). */
    void abort();

    /** The RFC 9293 state name: {@code ESTABLISHED}, {@code CLOSE_WAIT}... */
    String state();

    int localAddress();

    int localPort();

    int remoteAddress();

    int remotePort();

    /** Switches congestion control (by algorithm name) while open; false if no such algorithm runs. */
    boolean congestionControl(String name);

    /**
     * The congestion control algorithm the connection runs now (after a switch, or a fall back to
     * the default when its algorithm's bundle stopped), as {@code getsockopt(TCP_CONGESTION)}
     * reports it; null when the transport does not say.
     */
    default String congestionControl() {
        return null;
    }

    /** Applies changed options (TCP_NODELAY, keep-alive settings, buffer sizes). */
    void options(StreamOptions options);
}
