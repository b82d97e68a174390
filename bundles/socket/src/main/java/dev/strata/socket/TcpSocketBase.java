package dev.strata.socket;

import java.net.SocketOption;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.StreamProtocol;

/**
 * What the two TCP socket kinds ({@link TcpSocket}, {@link TcpListeningSocket}) share: the
 * options with Linux's defaults, blocking mode, selector keys, the owner, the monitor blocked
 * callers wait on, and the failures of a socket whose transport is away.
 *
 * <p>{@link #lock} guards each socket's state. Blocked callers wait on its monitor
 * ({@code wait}/{@code notifyAll}, as {@link UdpSocket} does: no allocation per wait). It is
 * never held while calling TCP (TCP's calls take the connection's monitor, and TCP calls our
 * {@link dev.strata.api.transport.StreamEndpoint} callbacks after releasing it), a selector or
 * an application's callback; a selector may call {@link #readyOps} holding its own lock.
 */
abstract class TcpSocketBase implements StrataSocket {

    final SocketRegistry registry;
    private final Owner owner;
    private final TcpOptions options;
    final KeyList keys = new KeyList();
    final Object lock = new Object();
    volatile boolean open = true;
    volatile boolean blocking = true;

    TcpSocketBase(SocketRegistry registry, Owner owner, TcpOptions options) {
        this.registry = registry;
        this.owner = owner;
        this.options = options;
    }

    /** The failure of every operation that needs TCP while no TCP transport exists. */
    static NetSocketException notRunning(String operation) {
        return new NetSocketException(SocketError.EPROTONOSUPPORT, operation, "TCP is not running");
    }

    /** The TCP transport now, or EPROTONOSUPPORT. */
    final StreamProtocol protocol(String operation) throws NetSocketException {
        StreamProtocol tcp = registry.tcp();
        if (tcp == null) {
            throw notRunning(operation);
        }
        return tcp;
    }

    final void ensureOpen(String operation) throws NetSocketException {
        if (!open) {
            throw new NetSocketException(SocketError.EBADF, operation);
        }
    }

    final TcpOptions options() {
        return options;
    }

    /**
     * Waits on {@link #lock} (the caller holds it) until notified or until {@code timeoutMillis}
     * (0: forever) have passed since {@code deadline} was first set; returns the deadline to
     * pass to the next wait. EAGAIN when the time is up, as Linux reports an expired
     * SO_RCVTIMEO/SO_SNDTIMEO; an interrupt also ends the wait with EAGAIN (the interrupt stays set).
     */
    final long await(long deadline, int timeoutMillis, String operation) throws NetSocketException {
        try {
            if (timeoutMillis == 0) {
                lock.wait();
                return 0;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + timeoutMillis * 1_000_000L;
            }
            long left = deadline - now;
            if (left <= 0) {
                throw new NetSocketException(SocketError.EAGAIN, operation);
            }
            lock.wait((left + 999_999) / 1_000_000);
            return deadline;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new NetSocketException(SocketError.EAGAIN, operation, "interrupted");
        }
    }

    /** An address of {@code bind}: the address as an int, EINVAL for anything but IPv4. */
    static int addressOf(java.net.InetSocketAddress local) throws NetSocketException {
        return local == null ? Ipv4Address.ANY : SocketEndpoint.addressOf(local);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws NetSocketException {
        ensureOpen("getsockopt");
        return options.get(option);
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws NetSocketException {
        ensureOpen("setsockopt");
        options.set(option, value);
    }

    @Override
    public void configureBlocking(boolean block) {
        blocking = block;
    }

    @Override
    public boolean isBlocking() {
        return blocking;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String protocol() {
        return "tcp";
    }

    @Override
    public KeyList keys() {
        return keys;
    }

    @Override
    public Owner owner() {
        return owner;
    }

    /** TCP came (back) as {@code tcp}: a listening socket listens on it again. Called on SCR's thread. */
    abstract void transportArrived(StreamProtocol tcp);

    /** TCP {@code tcp} is going away: forget what lives in it, without calling it. */
    abstract void transportLeaving(StreamProtocol tcp);
}
