package dev.strata.services;

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
 * An in-memory socket layer for the services' tests: UDP sockets with a receive queue the
 * test fills ({@link #deliver}), sends recorded in {@link #sent}, ports that conflict, UDP
 * that can be stopped ({@link #udpRunning}), and a level-triggered selector. One lock (this
 * object) guards it all.
 */
final class FakeSockets implements SocketService {

    /** A datagram: its payload and the other end (the sender of a received one, the target of a sent one). */
    record Datagram(byte[] payload, int address, int port) {
    }

    final Map<Integer, FakeDatagramSocket> bound = new HashMap<>();
    final List<FakeDatagramSocket> opened = new ArrayList<>();
    final List<FakeSelector> selectors = new ArrayList<>();
    final LinkedBlockingQueue<Datagram> sent = new LinkedBlockingQueue<>();
    private boolean udpRunning = true;
    /** While UDP is stopped, whether a bind is remembered (and reported by localAddress) rather than forgotten. */
    boolean keepBindingWhileStopped = true;
    /** While UDP is stopped, whether the selector reports bound sockets ready anyway (the worst case for a busy loop). */
    boolean readyWhileStopped;
    /** When true, sends are counted in {@link #sentCount} and their bytes not kept (the allocation test). */
    volatile boolean countSendsOnly;
    final java.util.concurrent.atomic.AtomicLong sentCount = new java.util.concurrent.atomic.AtomicLong();
    /** When set, every send fails with this error (no route back, say). */
    volatile SocketError sendError;

    synchronized void udpRunning(boolean running) {
        udpRunning = running;
        notifyAll();
    }

    synchronized boolean udpRunning() {
        return udpRunning;
    }

    /** A datagram from {@code address:port} arrives for local {@code localPort}; false if no socket has that port. */
    synchronized boolean deliver(int localPort, byte[] payload, int address, int port) {
        FakeDatagramSocket socket = bound.get(localPort);
        if (socket == null || !socket.open) {
            return false;
        }
        return deliver(socket, new Datagram(payload.clone(), address, port));
    }

    /** Queues {@code datagram} as it is (no copy), for the allocation test. */
    synchronized boolean deliver(FakeDatagramSocket socket, Datagram datagram) {
        socket.queue.add(datagram);
        socket.queuedBytes += datagram.payload().length;
        notifyAll();
        return true;
    }

    Datagram nextSent() throws InterruptedException {
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
        throw new NetSocketException(SocketError.EPROTONOSUPPORT, "socket");
    }

    @Override
    public ListeningSocket openListening() throws NetSocketException {
        throw new NetSocketException(SocketError.EPROTONOSUPPORT, "socket");
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

    final class FakeDatagramSocket implements DatagramSocket {
        final ArrayDeque<Datagram> queue = new ArrayDeque<>();
        int queuedBytes;
        boolean open = true;
        boolean blocking = true;
        boolean reuseAddress;
        int localPort = -1;

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

        boolean ready() {
            return open && localPort >= 0 && (!queue.isEmpty() || (!udpRunning && readyWhileStopped));
        }
    }

    /** Level-triggered: a key is ready while its socket has a datagram queued. */
    final class FakeSelector implements SocketSelector {
        final List<FakeKey> keys = new ArrayList<>();
        private final List<Key> ready = new ArrayList<>();
        private boolean woken;
        boolean closed;
        int selects;

        @Override
        public Key register(NetSocket socket, int interest, boolean edgeTriggered, Object attachment) {
            synchronized (FakeSockets.this) {
                FakeKey key = new FakeKey((FakeDatagramSocket) socket, interest, attachment);
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
                        if (key.valid && (key.interest & READ) != 0 && key.socket.ready()) {
                            ready.add(key);
                        }
                    }
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

    final class FakeKey implements SocketSelector.Key {
        final FakeDatagramSocket socket;
        final Object attachment;
        int interest;
        boolean valid = true;

        FakeKey(FakeDatagramSocket socket, int interest, Object attachment) {
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
            return SocketSelector.READ;
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
