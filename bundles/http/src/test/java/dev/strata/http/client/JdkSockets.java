package dev.strata.http.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.socket.StrataSocketOptions;

/**
 * The socket API's blocking stream sockets over the JDK's own TCP on 127.0.0.1 (an in-process
 * loopback), so that the client meets real connects, refusals and receive timeouts. A port can be
 * made to fail its connects the way the stack would: {@link #dropSyns} (nothing answers: ETIMEDOUT
 * when the connect timeout expires) or {@link #failConnects} (an ICMP error: EHOSTUNREACH...).
 */
public final class JdkSockets extends ClientSockets {

    private final Map<Integer, SocketError> connectErrors = new ConcurrentHashMap<>();
    public volatile int opened;

    /** Connects to {@code port} wait their whole timeout and fail with ETIMEDOUT, as towards a host that never answers. */
    public void dropSyns(int port) {
        connectErrors.put(port, SocketError.ETIMEDOUT);
    }

    /** Connects to {@code port} fail at once with {@code error}. */
    public void failConnects(int port, SocketError error) {
        connectErrors.put(port, error);
    }

    @Override
    public StreamSocket openStream() {
        opened++;
        return new JdkStreamSocket();
    }





    private final class JdkStreamSocket extends ClientSockets.Stream {
        private final Socket socket = new Socket();
        private InputStream in;
        private OutputStream out;
        private final byte[] chunk = new byte[16 * 1024];

        @Override
        public void connect(InetSocketAddress remote, int timeoutMillis) throws NetSocketException {
            SocketError error = connectErrors.get(remote.getPort());
            if (error == SocketError.ETIMEDOUT) {
                try {
                    Thread.sleep(timeoutMillis == 0 ? 60_000 : timeoutMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new NetSocketException(SocketError.ETIMEDOUT, "connect");
            }
            if (error != null) {
                throw new NetSocketException(error, "connect");
            }
            try {
                socket.connect(remote, timeoutMillis);
                socket.setTcpNoDelay(true);
                in = socket.getInputStream();
                out = socket.getOutputStream();
            } catch (ConnectException e) {
                throw new NetSocketException(SocketError.ECONNREFUSED, "connect");
            } catch (NoRouteToHostException e) {
                throw new NetSocketException(SocketError.EHOSTUNREACH, "connect");
            } catch (SocketTimeoutException e) {
                throw new NetSocketException(SocketError.ETIMEDOUT, "connect");
            } catch (IOException e) {
                throw new NetSocketException(SocketError.ECONNRESET, "connect", e.toString());
            }
        }

        @Override
        public boolean isConnected() {
            return socket.isConnected();
        }

        @Override
        public int read(ByteBuffer into) throws NetSocketException {
            try {
                int n = in.read(chunk, 0, Math.min(chunk.length, into.remaining()));
                if (n > 0) {
                    into.put(chunk, 0, n);
                }
                return n;
            } catch (SocketTimeoutException e) {
                throw new NetSocketException(SocketError.EAGAIN, "read"); // SO_RCVTIMEO, as Linux reports it
            } catch (IOException e) {
                throw new NetSocketException(SocketError.ECONNRESET, "read");
            }
        }

        @Override
        public int write(ByteBuffer from) throws NetSocketException {
            int n = from.remaining();
            byte[] bytes = new byte[n];
            from.get(bytes);
            try {
                out.write(bytes);
                return n;
            } catch (IOException e) {
                throw new NetSocketException(SocketError.EPIPE, "write");
            }
        }

        @Override
        public <T> void setOption(SocketOption<T> option, T value) throws NetSocketException {
            if (option == StrataSocketOptions.SO_RCVTIMEO) {
                try {
                    socket.setSoTimeout((Integer) value);
                } catch (IOException e) {
                    throw new NetSocketException(SocketError.EBADF, "setsockopt");
                }
            }
        }


        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return (InetSocketAddress) socket.getRemoteSocketAddress();
        }





        @Override
        public boolean isOpen() {
            return !socket.isClosed();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
        }





    }
}
