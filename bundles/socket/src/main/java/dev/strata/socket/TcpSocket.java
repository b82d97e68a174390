package dev.strata.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.StreamSocket;

/**
 * A TCP socket as the application holds it, WAITING FOR THE TCP TRANSPORT: issue 4 adds the
 * transport SPI (a {@code StreamProtocol} beside {@code DatagramProtocol}) and plugs it in
 * here. Until then every operation that needs the protocol (bind, connect, read, write) fails
 * at once with EPROTONOSUPPORT ("TCP is not running"), as the socket API promises while a
 * protocol bundle is away; options, blocking mode, the streams and close already behave as
 * they will.
 */
final class TcpSocket extends TcpSocketBase implements StreamSocket {

    TcpSocket(SocketRegistry registry, Owner owner) {
        super(registry, owner);
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
        throw notRunning("read");
    }

    @Override
    public int write(ByteBuffer from) throws NetSocketException {
        ensureOpen("write");
        throw notRunning("write");
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

    /** {@inheritDoc} Failures arrive as the {@link NetSocketException} (an IOException) of {@link #read}. */
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
                if (length == 0) {
                    return 0;
                }
                return TcpSocket.this.read(ByteBuffer.wrap(bytes, offset, length));
            }

            @Override
            public void close() throws IOException {
                shutdownQuietly(Shutdown.READ);
            }
        };
    }

    /** {@inheritDoc} A write blocks until every byte is taken (or fails), as {@link #write} in blocking mode. */
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

            @Override
            public void close() throws IOException {
                shutdownQuietly(Shutdown.WRITE);
            }
        };
    }

    /** Closing a stream of a socket that is not (or no longer) connected has nothing to shut down. */
    private void shutdownQuietly(Shutdown how) throws NetSocketException {
        try {
            shutdown(how);
        } catch (NetSocketException e) {
            if (e.error() != SocketError.ENOTCONN && e.error() != SocketError.EBADF) {
                throw e;
            }
        }
    }
}
