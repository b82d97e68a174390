package dev.strata.http.client;

import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.testsupport.FakeSockets;
import dev.strata.testsupport.FakeSockets.FakeStreamSocket;

/**
 * Client sockets that connect to the listeners of a {@link FakeSockets} socket layer, so that the
 * client talks to the bundle's real {@code HttpServer} in-process: a connect to a port where
 * nothing listens is refused, reads block (up to SO_RCVTIMEO) on the fake's monitor.
 */
public final class PeerSockets extends ClientSockets {

    private final FakeSockets fake;

    public PeerSockets(FakeSockets fake) {
        this.fake = fake;
    }

    @Override
    public StreamSocket openStream() {
        return new PeerStreamSocket();
    }





    private final class PeerStreamSocket extends ClientSockets.Stream {
        private FakeStreamSocket peer;
        private InetSocketAddress remote;
        private int receiveTimeout;

        @Override
        public void connect(InetSocketAddress remote, int timeoutMillis) throws NetSocketException {
            peer = fake.connect(remote.getPort());
            if (peer == null) {
                throw new NetSocketException(SocketError.ECONNREFUSED, "connect");
            }
            this.remote = remote;
        }

        @Override
        public boolean isConnected() {
            return peer != null;
        }

        @Override
        public int read(ByteBuffer into) throws NetSocketException {
            long deadline = System.nanoTime() + receiveTimeout * 1_000_000L;
            synchronized (fake) {
                while (true) {
                    byte[] bytes = peer.peerRead(into.remaining());
                    if (bytes.length > 0) {
                        into.put(bytes);
                        return bytes.length;
                    }
                    if (!peer.isOpen() || peer.outputShutdown()) {
                        return -1;
                    }
                    long left = receiveTimeout == 0 ? 0 : deadline - System.nanoTime();
                    if (receiveTimeout != 0 && left <= 0) {
                        throw new NetSocketException(SocketError.EAGAIN, "read");
                    }
                    try {
                        fake.wait(receiveTimeout == 0 ? 100 : Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new NetSocketException(SocketError.EAGAIN, "read", "interrupted");
                    }
                }
            }
        }

        @Override
        public int write(ByteBuffer from) throws NetSocketException {
            byte[] bytes = new byte[from.remaining()];
            from.get(bytes);
            try {
                peer.peerWrite(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetSocketException(SocketError.EPIPE, "write");
            }
            return bytes.length;
        }

        @Override
        public <T> void setOption(SocketOption<T> option, T value) {
            if (option == StrataSocketOptions.SO_RCVTIMEO) {
                receiveTimeout = (Integer) value;
            }
        }


        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 40_000);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return remote;
        }





        @Override
        public boolean isOpen() {
            return peer != null;
        }

        @Override
        public void close() {
            if (peer != null) {
                peer.peerShutdown(); // FIN: the server closes its side
            }
        }





    }
}
