package dev.strata.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.StreamSocket;

/**
 * A TCP socket as the application holds it. The TCP transport (issue 4) plugs in under it;
 * until then every operation that needs the protocol fails at once with EPROTONOSUPPORT,
 * while options, blocking mode and close behave as they will.
 */
final class TcpSocket implements StreamSocket, SelectableSocket {

    private final SocketRegistry registry;
    private final String owner;
    private final TcpOptions options = new TcpOptions();
    private final KeyList keys = new KeyList();
    private volatile boolean open = true;
    private volatile boolean blocking = true;

    TcpSocket(SocketRegistry registry, String owner) {
        this.registry = registry;
        this.owner = owner;
    }

    static NetSocketException notRunning(String operation) {
        return new NetSocketException(SocketError.EPROTONOSUPPORT, operation, "TCP is not running");
    }

    private void ensureOpen(String operation) throws NetSocketException {
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
    public void connect(InetSocketAddress remote, int timeoutMillis) throws NetSocketException {
        ensureOpen("connect");
        throw notRunning("connect");
    }

    @Override
    public boolean isConnected() {
        return false;
    }

    @Override
    public int read(ByteBuffer into) throws NetSocketException {
        ensureOpen("read");
        throw new NetSocketException(SocketError.ENOTCONN, "read");
    }

    @Override
    public int write(ByteBuffer from) throws NetSocketException {
        ensureOpen("write");
        throw new NetSocketException(SocketError.ENOTCONN, "write");
    }

    @Override
    public CompletionStage<Integer> readAsync(ByteBuffer into) {
        try {
            return CompletableFuture.completedFuture(read(into));
        } catch (NetSocketException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Integer> writeAsync(ByteBuffer from) {
        try {
            return CompletableFuture.completedFuture(write(from));
        } catch (NetSocketException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return TcpSocket.this.read(ByteBuffer.wrap(bytes, offset, length));
            }
        };
    }

    @Override
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                ByteBuffer data = ByteBuffer.wrap(bytes, offset, length);
                while (data.hasRemaining()) {
                    TcpSocket.this.write(data);
                }
            }
        };
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

    String owner() {
        return owner;
    }
}
