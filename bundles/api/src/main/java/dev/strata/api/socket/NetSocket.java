package dev.strata.api.socket;

import java.net.InetSocketAddress;
import java.net.SocketOption;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What every Strata socket has: a local and a remote address, options, blocking mode,
 * shutdown and close. Thread-safe: one thread may receive while another sends.
 */
@ProviderType
public interface NetSocket extends AutoCloseable {

    /**
     * Binds the socket to a local address and port ({@code bind(2)}). Address 0.0.0.0 (or a
     * null host) takes every address of the stack; port 0 picks an ephemeral port from
     * 49152-65535.
     *
     * @throws NetSocketException EADDRINUSE, EADDRNOTAVAIL, EINVAL (already bound), EBADF
     */
    void bind(InetSocketAddress local) throws NetSocketException;

    /** The bound address, or null before {@link #bind}. */
    InetSocketAddress localAddress();

    /** The connected peer, or null. */
    InetSocketAddress remoteAddress();

    <T> void setOption(SocketOption<T> option, T value) throws NetSocketException;

    <T> T getOption(SocketOption<T> option) throws NetSocketException;

    /**
     * Sets blocking mode (the default) or non-blocking mode, where an operation that would
     * wait throws {@link SocketError#EAGAIN} instead ({@code O_NONBLOCK}).
     */
    void configureBlocking(boolean blocking);

    boolean isBlocking();

    /**
     * Shuts down reading, writing or both ({@code shutdown(2)}): a blocked receive returns
     * (end of stream, or EAGAIN-free empty result), later sends fail with EPIPE.
     */
    void shutdown(Shutdown how) throws NetSocketException;

    boolean isOpen();

    /** Closes the socket: its port is released, blocked calls return with EBADF. Idempotent. */
    @Override
    void close();

    /** The socket's protocol: {@code "udp"} or {@code "tcp"}. */
    String protocol();

    /** How {@link #shutdown} shuts down, as SHUT_RD, SHUT_WR, SHUT_RDWR. */
    enum Shutdown {
        READ, WRITE, BOTH
    }
}
