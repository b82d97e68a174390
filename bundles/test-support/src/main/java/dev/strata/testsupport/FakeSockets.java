package dev.strata.testsupport;

import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StreamSocket;

/**
 * An in-memory socket layer for the tests of socket API users (the built-in services, the HTTP
 * server), shared from this test-support module: UDP sockets with a receive queue the
 * test fills ({@link #deliver}), sends recorded in {@link #sent}, ports that conflict, UDP
 * that can be stopped ({@link #udpRunning}); TCP listeners and connections whose peer side the
 * test drives ({@link #connect}, {@link FakeStreamSocket#peerWrite}, {@link
 * FakeStreamSocket#peerRead}, {@link FakeStreamSocket#peerShutdown}) with a bounded send
 * buffer, TCP that can be absent or stopped ({@link #tcpRunning}); and a level-triggered
 * selector. One lock (this object) guards it all.
 */
public final class FakeSockets implements SocketService {

    /** A datagram: its payload and the other end (the sender of a received one, the target of a sent one). */
    public record Datagram(byte[] payload, int address, int port) {
    }

    public final Map<Integer, FakeDatagramSocket> bound = new HashMap<>();
    public final Map<Integer, FakeListeningSocket> listenerByPort = new HashMap<>();
    public final List<FakeListeningSocket> listeners = new ArrayList<>();
    private boolean tcpRunning = true;
    /** While TCP is stopped, whether listeners report ACCEPT so that the service learns it from accept's EPROTONOSUPPORT. */
    public boolean listenersReadyWhileTcpStopped = true;
    /** The send buffer of every accepted connection, in bytes. */
    public int sendBuffer = 64 * 1024;
    public final List<FakeDatagramSocket> opened = new ArrayList<>();
    public final List<FakeSelector> selectors = new ArrayList<>();
    public final LinkedBlockingQueue<Datagram> sent = new LinkedBlockingQueue<>();
    private boolean udpRunning = true;
    /** While UDP is stopped, whether a bind is remembered (and reported by localAddress) rather than forgotten. */
    public boolean keepBindingWhileStopped = true;
    /** While UDP is stopped, whether the selector reports bound sockets ready anyway (the worst case for a busy loop). */
    public boolean readyWhileStopped;
    /** When true, sends are counted in {@link #sentCount} and their bytes not kept (the allocation test). */
    public volatile boolean countSendsOnly;
    public final java.util.concurrent.atomic.AtomicLong sentCount = new java.util.concurrent.atomic.AtomicLong();
    /** When set, every send fails with this error (no route back, say). */
    public volatile SocketError sendError;

    public synchronized void udpRunning(boolean running) {
        udpRunning = running;
        notifyAll();
    }

    public synchronized boolean udpRunning() {
        return udpRunning;
    }

    /** Starts or stops TCP: while stopped every TCP operation fails with EPROTONOSUPPORT (as the socket layer does). */
    public synchronized void tcpRunning(boolean running) {
        tcpRunning = running;
        notifyAll();
    }

    /**
     * A peer connects to local {@code port}: the connection waits in the listener's accept
     * queue; the test drives its peer side through the returned socket. Null when nothing
     * listens there.
     */
    public synchronized FakeStreamSocket connect(int port) {
        FakeListeningSocket listener = listenerByPort.get(port);
        if (listener == null || !listener.open || !listener.listening || !tcpRunning) {
            return null;
        }
        FakeStreamSocket socket = new FakeStreamSocket(port, sendBuffer);
        listener.queue.add(socket);
        notifyAll();
        return socket;
    }

    /** The listener on {@code port}, or null. */
    public synchronized FakeListeningSocket listener(int port) {
        FakeListeningSocket listener = listenerByPort.get(port);
        return listener != null && listener.open && listener.listening ? listener : null;
    }

    /** A datagram from {@code address:port} arrives for local {@code localPort}; false if no socket has that port. */
    public synchronized boolean deliver(int localPort, byte[] payload, int address, int port) {
        FakeDatagramSocket socket = bound.get(localPort);
        if (socket == null || !socket.open) {
            return false;
        }
        return deliver(socket, new Datagram(payload.clone(), address, port));
    }

    /** Queues {@code datagram} as it is (no copy), for the allocation test. */
    public synchronized boolean deliver(FakeDatagramSocket socket, Datagram datagram) {
        socket.queue.add(datagram);
        socket.queuedBytes += datagram.payload().length;
        notifyAll();
        return true;
    }

    public Datagram nextSent() throws InterruptedException {
        return sent.poll(5, TimeUnit.SECONDS);
    }

    @Override
    public synchronized DatagramSocket openDatagram() {
        FakeDatagramSocket socket = new FakeDatagramSocket();
        opened.add(socket);
        return socket;
    }

    @Override
    public StreamSocket openStream() throws NetSocketException {
        throw new UnsupportedOperationException("the services only accept");
    }

    @Override
    public synchronized ListeningSocket openListening() {
        FakeListeningSocket socket = new FakeListeningSocket();
        listeners.add(socket);
        return socket;
    }

    @Override
    public synchronized SocketSelector openSelector() {
        FakeSelector selector = new FakeSelector();
        selectors.add(selector);
        return selector;
    }

    @Override
    public List<SocketInfo> sockets() {
        return List.of();
    }

    /** What the selector asks of every fake socket. */
    public interface FakeSocket extends NetSocket {
        /** The operations ready now; called with the lock held. */
        public int readyOps();
    }

    public final class FakeDatagramSocket implements DatagramSocket, FakeSocket {
        public final ArrayDeque<Datagram> queue = new ArrayDeque<>();
        public int queuedBytes;
        public boolean open = true;
        public boolean blocking = true;
        public boolean reuseAddress;
        public int localPort = -1;

        @Override
        public void bind(InetSocketAddress local) throws NetSocketException {
            synchronized (FakeSockets.this) {
                if (!open) {
                    throw new NetSocketException(SocketError.EBADF, "bind");
                }
                if (localPort >= 0) {
                    throw new NetSocketException(SocketError.EINVAL, "bind");
                }
                FakeDatagramSocket holder = bound.get(local.getPort());
                if (holder != null && holder.open && !(holder.reuseAddress && reuseAddress)) {
                    throw new NetSocketException(SocketError.EADDRINUSE, "bind");
                }
                if (!udpRunning) {
                    if (keepBindingWhileStopped) {
                        localPort = local.getPort();
                        bound.put(localPort, this);
                    }
                    throw new NetSocketException(SocketError.EPROTONOSUPPORT, "bind");
                }
                localPort = local.getPort();
                bound.put(localPort, this);
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            synchronized (FakeSockets.this) {
                return localPort < 0 ? null : new InetSocketAddress(localPort);
            }
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> void setOption(SocketOption<T> option, T value) {
            if (option == StandardSocketOptions.SO_REUSEADDR) {
                synchronized (FakeSockets.this) {
                    reuseAddress = (Boolean) value;
                }
            }
        }

        @Override
        public <T> T getOption(SocketOption<T> option) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void configureBlocking(boolean blockingMode) {
            blocking = blockingMode;
        }

        @Override
        public boolean isBlocking() {
            return blocking;
        }

        @Override
        public void shutdown(Shutdown how) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            synchronized (FakeSockets.this) {
                return open;
            }
        }

        @Override
        public void close() {
            synchronized (FakeSockets.this) {
                open = false;
                if (bound.get(localPort) == this) {
                    bound.remove(localPort);
                }
                queue.clear();
                queuedBytes = 0;
                FakeSockets.this.notifyAll();
            }
        }

        @Override
        public String protocol() {
            return "udp";
        }

        @Override
        public void connect(InetSocketAddress remote) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void disconnect() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int send(ByteBuffer data, InetSocketAddress target) {
            throw new UnsupportedOperationException("the services must send without allocating");
        }

        @Override
        public int send(ByteBuffer data) {
            throw new UnsupportedOperationException("the services are not connected");
        }

        @Override
        public int send(ByteBuffer data, int address, int port) throws NetSocketException {
            synchronized (FakeSockets.this) {
                check("sendto");
            }
            if (sendError != null) {
                throw new NetSocketException(sendError, "sendto");
            }
            if (countSendsOnly) {
                int length = data.remaining();
                data.position(data.limit());
                sentCount.incrementAndGet();
                return length;
            }
            byte[] payload = new byte[data.remaining()];
            data.get(payload);
            sent.add(new Datagram(payload, address, port));
            return payload.length;
        }

        @Override
        public InetSocketAddress receive(ByteBuffer into) {
            throw new UnsupportedOperationException("the services must receive without allocating");
        }

        @Override
        public int receive(ByteBuffer into, SocketEndpoint from) throws NetSocketException {
            if (blocking) {
                throw new AssertionError("the services must receive in non-blocking mode");
            }
            synchronized (FakeSockets.this) {
                check("recvfrom");
                Datagram datagram = queue.poll();
                if (datagram == null) {
                    throw new NetSocketException(SocketError.EAGAIN, "recvfrom");
                }
                queuedBytes -= datagram.payload().length;
                into.put(datagram.payload(), 0, Math.min(into.remaining(), datagram.payload().length));
                from.set(datagram.address(), datagram.port());
                return datagram.payload().length;
            }
        }

        private void check(String operation) throws NetSocketException {
            if (!open) {
                throw new NetSocketException(SocketError.EBADF, operation);
            }
            if (!udpRunning) {
                throw new NetSocketException(SocketError.EPROTONOSUPPORT, operation);
            }
        }

        @Override
        public CompletionStage<InetSocketAddress> receiveAsync(ByteBuffer into) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Integer> sendAsync(ByteBuffer data, InetSocketAddress target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int receiveQueueBytes() {
            synchronized (FakeSockets.this) {
                return queuedBytes;
            }
        }

        public boolean ready() {
            return open && localPort >= 0 && (!queue.isEmpty() || (!udpRunning && readyWhileStopped));
        }

        @Override
        public int readyOps() {
            return ready() ? SocketSelector.READ : 0;
        }
    }

    /** What TCP sockets of the fake share: options, blocking mode, the TCP running check. */
    public abstract class FakeTcpBase implements FakeSocket {
        public boolean open = true;
        public boolean blocking = true;
        public boolean reuseAddress;

        @Override
        @SuppressWarnings("unchecked")
        public <T> void setOption(SocketOption<T> option, T value) {
            if (option == StandardSocketOptions.SO_REUSEADDR) {
                synchronized (FakeSockets.this) {
                    reuseAddress = (Boolean) value;
                }
            }
        }

        @Override
        public <T> T getOption(SocketOption<T> option) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void configureBlocking(boolean blockingMode) {
            synchronized (FakeSockets.this) {
                blocking = blockingMode;
            }
        }

        @Override
        public boolean isBlocking() {
            synchronized (FakeSockets.this) {
                return blocking;
            }
        }

        @Override
        public boolean isOpen() {
            synchronized (FakeSockets.this) {
                return open;
            }
        }

        @Override
        public String protocol() {
            return "tcp";
        }

        /** Called with the lock held. */
        public void check(String operation) throws NetSocketException {
            if (!open) {
                throw new NetSocketException(SocketError.EBADF, operation);
            }
            if (!tcpRunning) {
                throw new NetSocketException(SocketError.EPROTONOSUPPORT, operation, "TCP is not running");
            }
            if (blocking) {
                throw new AssertionError("the services must use TCP sockets in non-blocking mode");
            }
        }
    }

    public final class FakeListeningSocket extends FakeTcpBase implements ListeningSocket {
        public final ArrayDeque<FakeStreamSocket> queue = new ArrayDeque<>();
        public int localPort = -1;
        public boolean listening;
        public int backlog;

        @Override
        public void bind(InetSocketAddress local) throws NetSocketException {
            synchronized (FakeSockets.this) {
                if (!open) {
                    throw new NetSocketException(SocketError.EBADF, "bind");
                }
                if (!tcpRunning) {
                    throw new NetSocketException(SocketError.EPROTONOSUPPORT, "bind", "TCP is not running");
                }
                if (localPort >= 0) {
                    throw new NetSocketException(SocketError.EINVAL, "bind");
                }
                FakeListeningSocket holder = listenerByPort.get(local.getPort());
                if (holder != null && holder.open) {
                    // A second listener is refused even with SO_REUSEADDR, as on Linux.
                    throw new NetSocketException(SocketError.EADDRINUSE, "bind");
                }
                localPort = local.getPort();
                listenerByPort.put(localPort, this);
            }
        }

        @Override
        public void listen(int queueLength) throws NetSocketException {
            synchronized (FakeSockets.this) {
                if (!open) {
                    throw new NetSocketException(SocketError.EBADF, "listen");
                }
                if (!tcpRunning) {
                    throw new NetSocketException(SocketError.EPROTONOSUPPORT, "listen", "TCP is not running");
                }
                listening = true;
                backlog = queueLength;
            }
        }

        @Override
        public StreamSocket accept() throws NetSocketException {
            synchronized (FakeSockets.this) {
                check("accept");
                FakeStreamSocket socket = queue.poll();
                if (socket == null) {
                    throw new NetSocketException(SocketError.EAGAIN, "accept");
                }
                socket.accepted = true;
                return socket;
            }
        }

        @Override
        public CompletionStage<StreamSocket> acceptAsync() {
            throw new UnsupportedOperationException();
        }

        @Override
        public InetSocketAddress localAddress() {
            synchronized (FakeSockets.this) {
                return localPort < 0 ? null : new InetSocketAddress(localPort);
            }
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }

        @Override
        public void shutdown(Shutdown how) throws NetSocketException {
            throw new NetSocketException(SocketError.ENOTCONN, "shutdown");
        }

        @Override
        public void close() {
            synchronized (FakeSockets.this) {
                open = false;
                listening = false;
                if (listening(localPort) == this) {
                    FakeSockets.this.listenerByPort.remove(localPort);
                }
                // Connections never accepted are reset, as Linux does.
                for (FakeStreamSocket socket : queue) {
                    socket.open = false;
                }
                queue.clear();
                FakeSockets.this.notifyAll();
            }
        }

        private FakeListeningSocket listening(int port) {
            return FakeSockets.this.listenerByPort.get(port);
        }

        @Override
        public int readyOps() {
            if (!open || !listening) {
                return 0;
            }
            return !queue.isEmpty() || (!tcpRunning && listenersReadyWhileTcpStopped) ? SocketSelector.ACCEPT : 0;
        }
    }

    /**
     * An accepted connection and, through the {@code peer*} methods, the test's end of it.
     * The service's writes go into a send buffer of fixed size that only the peer's reads
     * empty (a peer that does not read shuts the window).
     */
    public final class FakeStreamSocket extends FakeTcpBase implements StreamSocket {
        public final int localPort;
        public final ByteRing inbound = new ByteRing(1 << 20);
        public final ByteRing outbound;
        /** The peer shut down its output: reads return -1 once {@link #inbound} is empty. */
        public boolean peerShutdown;
        /** The service shut down its output. */
        public boolean outputShutdown;
        public boolean accepted;
        /** When set, the next read fails with it (and the connection is broken). */
        public SocketError readError;
        public int reads;

        public FakeStreamSocket(int localPort, int sendBuffer) {
            this.localPort = localPort;
            this.outbound = new ByteRing(sendBuffer);
        }

        /** The peer sends {@code data}, waiting for room in the receive buffer as TCP would. */
        public void peerWrite(byte[] data) throws InterruptedException {
            int offset = 0;
            synchronized (FakeSockets.this) {
                while (offset < data.length) {
                    int put = inbound.put(data, offset, data.length - offset);
                    offset += put;
                    FakeSockets.this.notifyAll();
                    if (offset < data.length) {
                        FakeSockets.this.wait(5000);
                        if (!open) {
                            throw new AssertionError("connection closed while the peer writes");
                        }
                    }
                }
            }
        }

        /** The peer reads what the service wrote so far (at most {@code max} bytes). */
        public byte[] peerRead(int max) {
            synchronized (FakeSockets.this) {
                byte[] bytes = new byte[Math.min(max, outbound.size())];
                outbound.get(bytes, 0, bytes.length);
                FakeSockets.this.notifyAll();
                return bytes;
            }
        }

        /** The peer sends FIN. */
        public void peerShutdown() {
            synchronized (FakeSockets.this) {
                peerShutdown = true;
                FakeSockets.this.notifyAll();
            }
        }

        /** The next read fails with {@code error} (a reset, say). */
        public void failReads(SocketError error) {
            synchronized (FakeSockets.this) {
                readError = error;
                FakeSockets.this.notifyAll();
            }
        }

        public int unreadByPeer() {
            synchronized (FakeSockets.this) {
                return outbound.size();
            }
        }

        public boolean outputShutdown() {
            synchronized (FakeSockets.this) {
                return outputShutdown;
            }
        }

        @Override
        public void connect(InetSocketAddress remote, int timeoutMillis) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public int read(ByteBuffer into) throws NetSocketException {
            synchronized (FakeSockets.this) {
                check("read");
                reads++;
                if (readError != null) {
                    throw new NetSocketException(readError, "read");
                }
                if (inbound.size() == 0) {
                    if (peerShutdown) {
                        return -1;
                    }
                    throw new NetSocketException(SocketError.EAGAIN, "read");
                }
                int length = inbound.get(into);
                FakeSockets.this.notifyAll();
                return length;
            }
        }

        @Override
        public int write(ByteBuffer from) throws NetSocketException {
            synchronized (FakeSockets.this) {
                check("write");
                if (outputShutdown) {
                    throw new NetSocketException(SocketError.EPIPE, "write");
                }
                int length = outbound.put(from);
                if (length == 0 && from.hasRemaining()) {
                    throw new NetSocketException(SocketError.EAGAIN, "write");
                }
                FakeSockets.this.notifyAll();
                return length;
            }
        }

        @Override
        public CompletionStage<Integer> readAsync(ByteBuffer into) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Integer> writeAsync(ByteBuffer from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.io.InputStream inputStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.io.OutputStream outputStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void bind(InetSocketAddress local) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress(localPort);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress(40_000);
        }

        @Override
        public void shutdown(Shutdown how) throws NetSocketException {
            synchronized (FakeSockets.this) {
                check("shutdown");
                if (how != Shutdown.WRITE) {
                    throw new AssertionError("echo only shuts down its output");
                }
                outputShutdown = true;
                FakeSockets.this.notifyAll();
            }
        }

        @Override
        public void close() {
            synchronized (FakeSockets.this) {
                open = false;
                FakeSockets.this.notifyAll();
            }
        }

        @Override
        public int readyOps() {
            if (!open) {
                return 0;
            }
            int ops = 0;
            if (inbound.size() > 0 || peerShutdown || readError != null || !tcpRunning) {
                ops |= SocketSelector.READ;
            }
            if (outbound.room() > 0 || !tcpRunning) {
                ops |= SocketSelector.WRITE;
            }
            return ops;
        }
    }

    /** A fixed-size byte ring that allocates nothing after construction. */
    public static final class ByteRing {
        private final byte[] bytes;
        private int head;
        private int size;

        public ByteRing(int capacity) {
            bytes = new byte[capacity];
        }

        public int size() {
            return size;
        }

        public int room() {
            return bytes.length - size;
        }

        public int put(byte[] from, int offset, int length) {
            int count = Math.min(length, room());
            for (int i = 0; i < count; i++) {
                bytes[(head + size + i) % bytes.length] = from[offset + i];
            }
            size += count;
            return count;
        }

        public int put(ByteBuffer from) {
            int count = Math.min(from.remaining(), room());
            for (int i = 0; i < count; i++) {
                bytes[(head + size + i) % bytes.length] = from.get();
            }
            size += count;
            return count;
        }

        public int get(byte[] into, int offset, int length) {
            int count = Math.min(length, size);
            for (int i = 0; i < count; i++) {
                into[offset + i] = bytes[(head + i) % bytes.length];
            }
            head = (head + count) % bytes.length;
            size -= count;
            return count;
        }

        public int get(ByteBuffer into) {
            int count = Math.min(into.remaining(), size);
            int first = Math.min(count, bytes.length - head);
            into.put(bytes, head, first);
            into.put(bytes, 0, count - first);
            head = (head + count) % bytes.length;
            size -= count;
            return count;
        }
    }

    /** Level-triggered: a key is ready while its socket is (data queued, room to write, a connection to accept). */
    public final class FakeSelector implements SocketSelector {
        public final List<FakeKey> keys = new ArrayList<>();
        private final List<Key> ready = new ArrayList<>();
        private boolean woken;
        public boolean closed;
        public int selects;

        @Override
        public Key register(NetSocket socket, int interest, boolean edgeTriggered, Object attachment) {
            synchronized (FakeSockets.this) {
                for (FakeKey existing : keys) {
                    if (existing.socket == socket && existing.valid) {
                        existing.interest = interest;
                        FakeSockets.this.notifyAll();
                        return existing;
                    }
                }
                FakeKey key = new FakeKey((FakeSocket) socket, interest, attachment);
                keys.add(key);
                FakeSockets.this.notifyAll();
                return key;
            }
        }

        @Override
        public List<Key> select(long timeoutMillis) {
            synchronized (FakeSockets.this) {
                selects++;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                ready.clear();
                while (true) {
                    for (int i = 0; i < keys.size(); i++) {
                        FakeKey key = keys.get(i);
                        if (!key.valid) {
                            continue;
                        }
                        if (!key.socket.isOpen()) {
                            // Closing a socket cancels its keys.
                            key.valid = false;
                            continue;
                        }
                        int ops = key.interest & key.socket.readyOps();
                        if (ops != 0) {
                            key.ready = ops;
                            ready.add(key);
                        }
                    }
                    // Cancelled keys leave the set (as a real selector), so that thousands of
                    // closed connections do not slow the scan.
                    keys.removeIf(key -> !key.valid);
                    if (!ready.isEmpty() || woken || timeoutMillis < 0) {
                        woken = false;
                        return ready;
                    }
                    long left = timeoutMillis == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (timeoutMillis > 0 && left <= 0) {
                        return ready;
                    }
                    try {
                        FakeSockets.this.wait(timeoutMillis == 0 ? 0 : left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return ready;
                    }
                }
            }
        }

        @Override
        public void wakeup() {
            synchronized (FakeSockets.this) {
                woken = true;
                FakeSockets.this.notifyAll();
            }
        }

        @Override
        public int size() {
            synchronized (FakeSockets.this) {
                return keys.size();
            }
        }

        @Override
        public void close() {
            synchronized (FakeSockets.this) {
                closed = true;
                keys.forEach(key -> key.valid = false);
            }
        }
    }

    public final class FakeKey implements SocketSelector.Key {
        public final FakeSocket socket;
        public final Object attachment;
        public int interest;
        public int ready;
        public boolean valid = true;

        public FakeKey(FakeSocket socket, int interest, Object attachment) {
            this.socket = socket;
            this.interest = interest;
            this.attachment = attachment;
        }

        @Override
        public NetSocket socket() {
            return socket;
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public int interest() {
            return interest;
        }

        @Override
        public void interest(int ops) {
            synchronized (FakeSockets.this) {
                interest = ops;
            }
        }

        @Override
        public int ready() {
            return ready;
        }

        public int interestNow() {
            synchronized (FakeSockets.this) {
                return interest;
            }
        }

        @Override
        public void cancel() {
            synchronized (FakeSockets.this) {
                valid = false;
            }
        }

        @Override
        public boolean isValid() {
            return valid;
        }
    }
}
