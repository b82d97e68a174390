package dev.strata.socket;

import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.StreamSocket;

/**
 * A passive TCP socket, WAITING FOR THE TCP TRANSPORT like {@link TcpSocket} (issue 4): bind,
 * listen and accept fail at once with EPROTONOSUPPORT ("TCP is not running"); options,
 * blocking mode and close work.
 */
final class TcpListeningSocket implements ListeningSocket, StrataSocket {

    private final SocketRegistry registry;
    private final Owner owner;
    private final TcpOptions options = new TcpOptions();
    private final KeyList keys = new KeyList();
    private volatile boolean open = true;
    private volatile boolean blocking = true;

    TcpListeningSocket(SocketRegistry registry, Owner owner) {
        this.registry = registry;
        this.owner = owner;
    }

    private void ensureOpen(String operation) throws NetSocketException {
        if (!open) {
            throw new NetSocketException(SocketError.EBADF, operation);
        }
    }

    @Override
    public void bind(InetSocketAddress local) throws NetSocketException {
        ensureOpen("bind");
        throw TcpSocket.notRunning("bind");
    }

    @Override
    public void listen(int backlog) throws NetSocketException {
        ensureOpen("listen");
        throw TcpSocket.notRunning("listen");
    }

    @Override
    public StreamSocket accept() throws NetSocketException {
        ensureOpen("accept");
        throw TcpSocket.notRunning("accept");
    }

    @Override
    public CompletionStage<StreamSocket> acceptAsync() {
        try {
            return CompletableFuture.completedFuture(accept());
        } catch (NetSocketException e) {
            return CompletableFuture.failedFuture(e);
        }
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

    @Override
    public SocketInfo info() {
        return null;
    }
}
