package dev.strata.socket;

import java.net.InetSocketAddress;
import java.net.SocketOption;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;

/**
 * What the two TCP socket kinds ({@link TcpSocket}, {@link TcpListeningSocket}) share while
 * no TCP transport runs under them (issue 4 wires one in): options with Linux's defaults,
 * blocking mode, selector keys, the owner, close, and EPROTONOSUPPORT for everything that
 * needs the protocol.
 */
abstract class TcpSocketBase implements StrataSocket {

    private final SocketRegistry registry;
    private final Owner owner;
    private final TcpOptions options = new TcpOptions();
    private final KeyList keys = new KeyList();
    private volatile boolean open = true;
    private volatile boolean blocking = true;

    TcpSocketBase(SocketRegistry registry, Owner owner) {
        this.registry = registry;
        this.owner = owner;
    }

    /** The failure of every operation that needs TCP while no TCP transport exists. */
    static NetSocketException notRunning(String operation) {
        return new NetSocketException(SocketError.EPROTONOSUPPORT, operation, "TCP is not running");
    }

    final void ensureOpen(String operation) throws NetSocketException {
        if (!open) {
            throw new NetSocketException(SocketError.EBADF, operation);
        }
    }

    @Override
    public void bind(InetSocketAddress local) throws NetSocketException {
        ensureOpen("bind");
        throw notRunning("bind");
    }

    @Override
    public InetSocketAddress localAddress() {
        return null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws NetSocketException {
        ensureOpen("setsockopt");
        options.set(option, value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws NetSocketException {
        ensureOpen("getsockopt");
        return options.get(option);
    }

    @Override
    public void configureBlocking(boolean block) {
        blocking = block;
    }

    @Override
    public boolean isBlocking() {
        return blocking;
    }

    /** Never connected yet: ENOTCONN, as {@code shutdown(2)} on an unconnected TCP socket. */
    @Override
    public void shutdown(Shutdown how) throws NetSocketException {
        ensureOpen("shutdown");
        throw new NetSocketException(SocketError.ENOTCONN, "shutdown");
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            keys.cancelAll();
            registry.closed(this);
        }
    }

    @Override
    public String protocol() {
        return "tcp";
    }

    /** Nothing is ever ready without a transport. */
    @Override
    public int readyOps() {
        return 0;
    }

    @Override
    public KeyList keys() {
        return keys;
    }

    @Override
    public Owner owner() {
        return owner;
    }

    /** A TCP socket without a transport has no netstat row (Linux shows none for an unbound one). */
    @Override
    public SocketInfo info() {
        return null;
    }
}
