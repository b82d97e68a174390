package dev.strata.socket;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamOptions;
import dev.strata.api.transport.StreamProtocol;

/**
 * TCP in memory, driven by the test: a connect makes a {@link Conn} in SYN_SENT and returns;
 * the test then plays TCP's part ({@link Conn#establish}, {@link Conn#arrive}, {@link Conn#end}
 * ...), each of which calls the endpoint as TCP would. Listeners record their acceptor, so the
 * test offers connections with {@link Lst#offer}.
 */
class FakeTcp implements StreamProtocol {

    static final int LOCALHOST = 0x7f00_0001;

    final List<Conn> connections = new CopyOnWriteArrayList<>();
    final List<Lst> listeners = new CopyOnWriteArrayList<>();
    final List<SocketInfo> extraRows = new ArrayList<>();
    NetSocketException connectFailure;
    /** Loopback's way: the handshake completes (and data arrives) before connect returns. */
    byte[] establishInsideConnect;
    int nextPort = 40_000;
    /** Calls after the test said the transport left. */
    int callsWhileGone;
    volatile boolean gone;

    @Override
    public synchronized StreamListener listen(StreamAcceptor acceptor, int address, int port, int backlog,
            StreamOptions options) throws NetSocketException {
        touched();
        for (Lst l : listeners) {
            if (!l.closed && l.port == port) {
                throw new NetSocketException(SocketError.EADDRINUSE, "listen");
            }
        }
        Lst listener = new Lst(acceptor, address, port == 0 ? nextPort++ : port, backlog, options);
        listeners.add(listener);
        return listener;
    }

    @Override
    public StreamConnection connect(StreamEndpoint endpoint, int localAddress, int localPort, int remoteAddress,
            int remotePort, StreamOptions options) throws NetSocketException {
        touched();
        if (connectFailure != null) {
            throw connectFailure;
        }
        Conn c;
        synchronized (this) {
            c = new Conn(endpoint, localAddress == 0 ? LOCALHOST : localAddress, localPort == 0 ? nextPort++ : localPort,
                    remoteAddress, remotePort, options);
        }
        c.state = "SYN_SENT";
        connections.add(c);
        if (establishInsideConnect != null) {
            c.establish();
            c.arrive(establishInsideConnect);
        }
        return c;
    }

    @Override
    public List<SocketInfo> connections() {
        return extraRows;
    }

    Conn last() {
        return connections.get(connections.size() - 1);
    }

    private void touched() {
        if (gone) {
            callsWhileGone++;
        }
    }

    /** A listener: the acceptor to offer connections to. */
    final class Lst implements StreamListener {
        final StreamAcceptor acceptor;
        final int address;
        final int port;
        final int backlog;
        final StreamOptions options;
        volatile boolean closed;

        Lst(StreamAcceptor acceptor, int address, int port, int backlog, StreamOptions options) {
            this.acceptor = acceptor;
            this.address = address;
            this.port = port;
            this.backlog = backlog;
            this.options = options;
        }

        /** A connection completed its handshake: offer it; returns it, with its endpoint (null when refused). */
        Conn offer(int remotePort) {
            Conn c = new Conn(null, LOCALHOST, port, LOCALHOST, remotePort, options);
            c.state = "ESTABLISHED";
            connections.add(c);
            c.endpoint = acceptor.accepted(c);
            return c;
        }

        @Override
        public int localAddress() {
            return address;
        }

        @Override
        public int localPort() {
            return port;
        }

        @Override
        public int pending() {
            return 0;
        }

        @Override
        public void close() {
            touched();
            closed = true;
        }
    }

    /** One connection: bytes to read, room to write, and what the socket layer did to it. */
    /** A connection this TCP re-creates from its predecessor's deposit (the live upgrade): same addresses, established. */
    Conn adopted(StreamEndpoint endpoint, Conn from) {
        Conn c = new Conn(endpoint, from.localAddress, from.localPort, from.remoteAddress, from.remotePort, from.openedWith);
        c.state = "ESTABLISHED";
        return c;
    }

    final class Conn implements StreamConnection {
        volatile StreamEndpoint endpoint;
        final int localAddress;
        final int localPort;
        final int remoteAddress;
        final int remotePort;
        final StreamOptions openedWith;
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<StreamOptions> optionChanges = new CopyOnWriteArrayList<>();
        Set<String> algorithms = Set.of("reno", "cubic");
        String algorithm;
        private final ByteBuffer inbound = ByteBuffer.allocate(1 << 16);
        volatile String state;
        volatile boolean fin;
        volatile int room = 1 << 16;
        volatile SocketError error;
        volatile boolean shutdownOutput;
        volatile boolean closed;
        volatile boolean aborted;
        volatile int unacknowledged;

        Conn(StreamEndpoint endpoint, int localAddress, int localPort, int remoteAddress, int remotePort, StreamOptions options) {
            this.endpoint = endpoint;
            this.localAddress = localAddress;
            this.localPort = localPort;
            this.remoteAddress = remoteAddress;
            this.remotePort = remotePort;
            this.openedWith = options;
            inbound.flip();
        }

        // ---- TCP's side, played by the test --------------------------------------------------------

        void establish() {
            state = "ESTABLISHED";
            endpoint.connected();
        }

        void arrive(byte... data) {
            synchronized (this) {
                inbound.compact();
                inbound.put(data);
                inbound.flip();
            }
            endpoint.readable();
        }

        void peerFin() {
            fin = true;
            state = "CLOSE_WAIT";
            endpoint.readable();
        }

        void grow(int bytes) {
            room += bytes;
            endpoint.writable();
        }

        /** The connection ends: closed(error) as TCP reports it; a reset keeps the data for reading. */
        void end(SocketError reason) {
            error = reason;
            state = "CLOSED";
            endpoint.closed(reason);
        }

        byte[] sent() {
            synchronized (this) {
                return written.toByteArray();
            }
        }

        // ---- StreamConnection -----------------------------------------------------------------------

        @Override
        public synchronized int write(ByteBuffer from) throws NetSocketException {
            touched();
            if (error != null) {
                throw new NetSocketException(error, "write");
            }
            if (shutdownOutput || closed || aborted) {
                throw new NetSocketException(SocketError.EPIPE, "write");
            }
            int n = Math.min(room, from.remaining());
            for (int i = 0; i < n; i++) {
                written.write(from.get());
            }
            room -= n;
            return n;
        }

        @Override
        public synchronized int read(ByteBuffer into) throws NetSocketException {
            touched();
            if (!inbound.hasRemaining()) {
                if (error == SocketError.ECONNRESET) {
                    throw new NetSocketException(SocketError.ECONNRESET, "read");
                }
                return fin ? -1 : 0;
            }
            int n = Math.min(into.remaining(), inbound.remaining());
            for (int i = 0; i < n; i++) {
                into.put(inbound.get());
            }
            return n;
        }

        @Override
        public synchronized int readable() {
            return inbound.remaining();
        }

        @Override
        public int writable() {
            return shutdownOutput ? 0 : room;
        }

        @Override
        public int unacknowledged() {
            return unacknowledged;
        }

        @Override
        public void shutdownOutput() {
            touched();
            shutdownOutput = true;
        }

        @Override
        public void close() {
            touched();
            closed = true;
        }

        @Override
        public void abort() {
            touched();
            aborted = true;
        }

        @Override
        public String state() {
            return state;
        }

        @Override
        public int localAddress() {
            return localAddress;
        }

        @Override
        public int localPort() {
            return localPort;
        }

        @Override
        public int remoteAddress() {
            return remoteAddress;
        }

        @Override
        public int remotePort() {
            return remotePort;
        }

        @Override
        public String congestionControl() {
            return algorithm;
        }

        @Override
        public boolean congestionControl(String name) {
            touched();
            if (!algorithms.contains(name)) {
                return false;
            }
            algorithm = name;
            return true;
        }

        @Override
        public void options(StreamOptions options) {
            touched();
            optionChanges.add(options);
        }
    }
}
