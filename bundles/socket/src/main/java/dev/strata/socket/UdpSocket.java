package dev.strata.socket;

import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.transport.DatagramEndpoint;
import dev.strata.api.transport.DatagramProtocol;

/**
 * A UDP socket: what the application holds ({@link DatagramSocket}) and what UDP delivers to
 * ({@link DatagramEndpoint}). It belongs to the socket layer, so it outlives the UDP bundle:
 * its binding is remembered and given to UDP again when UDP returns.
 *
 * <p>Received datagrams wait in a {@link ReceiveQueue} as the very buffers the link read
 * them into; {@link #receive} copies one into the application's buffer and releases it, the
 * only copy between the wire and the application.
 */
final class UdpSocket implements DatagramSocket, DatagramEndpoint, SelectableSocket {

    /** Linux's net.core.rmem_default. */
    static final int DEFAULT_RECEIVE_BUFFER = 212_992;
    /** Datagrams a receive queue holds at most, whatever their size. */
    static final int QUEUE_SLOTS = 4096;

    private final SocketRegistry registry;
    private final String owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ReceiveQueue queue = new ReceiveQueue(QUEUE_SLOTS);
    private final ArrayDeque<PendingReceive> pendingReceives = new ArrayDeque<>();
    private final KeyList keys = new KeyList();

    private volatile int localAddress;
    private volatile int localPort;
    private volatile int remoteAddress;
    private volatile int remotePort;
    private volatile boolean bound;
    private volatile boolean blocking = true;
    private volatile boolean open = true;
    private volatile boolean readShut;
    private volatile boolean writeShut;
    private volatile SocketError pendingError;

    private volatile int receiveBuffer = DEFAULT_RECEIVE_BUFFER;
    private volatile int sendBuffer = DEFAULT_RECEIVE_BUFFER;
    private volatile boolean reuseAddress;
    private volatile boolean broadcast;
    private volatile int receiveTimeoutMillis;
    private volatile int sendTimeoutMillis;
    private volatile int ttl = Ipv4Output.DEFAULT_TTL;
    private volatile int tos;

    UdpSocket(SocketRegistry registry, String owner) {
        this.registry = registry;
        this.owner = owner;
    }

    // ---- binding ---------------------------------------------------------------------------

    @Override
    public void bind(InetSocketAddress local) throws NetSocketException {
        int address = local == null ? 0 : SocketEndpoint.addressOf(local);
        int port = local == null ? 0 : local.getPort();
        synchronized (this) {
            ensureOpen("bind");
            if (bound) {
                throw new NetSocketException(SocketError.EINVAL, "bind", "already bound to " + this);
            }
            bindTo(address, port, "bind");
        }
    }

    /** Binds to an ephemeral port on every address unless bound (an implicit bind, as sendto(2) does). */
    private void ensureBound(String operation) throws NetSocketException {
        if (!bound) {
            synchronized (this) {
                if (!bound) {
                    bindTo(Ipv4Address.ANY, 0, operation);
                }
            }
        }
    }

    private void bindTo(int address, int port, String operation) throws NetSocketException {
        DatagramProtocol udp = protocol(operation);
        int chosen = udp.bind(this, address, port, reuseAddress);
        localAddress = address;
        localPort = chosen;
        bound = true;
    }

    /** UDP came (back): bind again where we were. Called by the registry. */
    void rebind(DatagramProtocol udp) {
        if (!bound || !open) {
            return;
        }
        try {
            udp.bind(this, localAddress, localPort, reuseAddress);
        } catch (NetSocketException lost) {
            error(lost.error(), 0);
        }
    }

    @Override
    public void connect(InetSocketAddress remote) throws NetSocketException {
        int address = SocketEndpoint.addressOf(remote);
        if (address == Ipv4Address.ANY || remote.getPort() == 0) {
            throw new NetSocketException(SocketError.EINVAL, "connect", String.valueOf(remote));
        }
        ensureOpen("connect");
        ensureBound("connect");
        remoteAddress = address;
        remotePort = remote.getPort();
        pendingError = null;
        signalReadiness();
    }

    @Override
    public void disconnect() throws NetSocketException {
        ensureOpen("connect");
        remoteAddress = 0;
        remotePort = 0;
        pendingError = null;
    }

    // ---- sending ---------------------------------------------------------------------------

    @Override
    public int send(ByteBuffer data, InetSocketAddress target) throws NetSocketException {
        if (target == null) {
            return send(data);
        }
        return send(data, SocketEndpoint.addressOf(target), target.getPort());
    }

    @Override
    public int send(ByteBuffer data) throws NetSocketException {
        if (remotePort == 0) {
            ensureOpen("send");
            throw new NetSocketException(SocketError.ENOTCONN, "send");
        }
        return send(data, remoteAddress, remotePort);
    }

    @Override
    public int send(ByteBuffer data, int address, int port) throws NetSocketException {
        ensureOpen("sendto");
        throwPendingError("sendto");
        if (writeShut) {
            throw new NetSocketException(SocketError.EPIPE, "sendto");
        }
        if (port <= 0 || port > 65535 || address == Ipv4Address.ANY) {
            throw new NetSocketException(SocketError.EINVAL, "sendto", Ipv4Address.format(address) + ":" + port);
        }
        int length = data.remaining();
        if (length > MAX_PAYLOAD) {
            throw new NetSocketException(SocketError.EMSGSIZE, "sendto", length + " bytes");
        }
        // RFC 1122 4.1.3.6 leaves broadcast to the application; sockets ask for it (SO_BROADCAST).
        if (address == Ipv4Address.BROADCAST && !broadcast) {
            throw new NetSocketException(SocketError.EACCES, "sendto", "broadcast needs SO_BROADCAST");
        }
        DatagramProtocol udp = protocol("sendto");
        ensureBound("sendto");
        PacketBuffer payload = registry.pool().allocate(length);
        int at = payload.append(length);
        payload.memory().put(at, data, data.position(), length);
        udp.send(this, payload, address, port, ttl, tos);
        data.position(data.limit());
        return length;
    }

    @Override
    public CompletionStage<Integer> sendAsync(ByteBuffer data, InetSocketAddress target) {
        try {
            return CompletableFuture.completedFuture(send(data, target));
        } catch (NetSocketException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ---- receiving -------------------------------------------------------------------------

    @Override
    public InetSocketAddress receive(ByteBuffer into) throws NetSocketException {
        SocketEndpoint from = new SocketEndpoint();
        int length = receive(into, from);
        return length < 0 ? null : from.toInetSocketAddress();
    }

    @Override
    public int receive(ByteBuffer into, SocketEndpoint from) throws NetSocketException {
        PacketBuffer datagram;
        lock.lock();
        try {
            long timeout = TimeUnit.MILLISECONDS.toNanos(receiveTimeoutMillis);
            while (true) {
                ensureOpen("recvfrom");
                throwPendingError("recvfrom");
                if (!queue.isEmpty()) {
                    break;
                }
                if (readShut) {
                    return -1;
                }
                if (!blocking) {
                    throw new NetSocketException(SocketError.EAGAIN, "recvfrom");
                }
                if (receiveTimeoutMillis == 0) {
                    readable.await();
                } else {
                    if (timeout <= 0) {
                        throw new NetSocketException(SocketError.EAGAIN, "recvfrom", "SO_RCVTIMEO expired");
                    }
                    timeout = readable.awaitNanos(timeout);
                }
            }
            from.set(queue.peekSource(), queue.peekSourcePort());
            datagram = queue.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetSocketException(SocketError.EAGAIN, "recvfrom", "interrupted");
        } finally {
            lock.unlock();
        }
        return copyAndRelease(datagram, into);
    }

    /** Copies what fits of a datagram into {@code into} (the rest is discarded, as recvfrom(2) does) and releases it. */
    private static int copyAndRelease(PacketBuffer datagram, ByteBuffer into) {
        int length = datagram.length();
        int copied = Math.min(length, into.remaining());
        into.put(into.position(), datagram.memory(), datagram.start(), copied);
        into.position(into.position() + copied);
        datagram.release();
        return length;
    }

    @Override
    public CompletionStage<InetSocketAddress> receiveAsync(ByteBuffer into) {
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        PacketBuffer datagram = null;
        int source = 0;
        int sourcePort = 0;
        lock.lock();
        try {
            if (!open) {
                result.completeExceptionally(new NetSocketException(SocketError.EBADF, "recvfrom"));
                return result;
            }
            SocketError error = pendingError;
            if (error != null) {
                pendingError = null;
                result.completeExceptionally(new NetSocketException(error, "recvfrom"));
                return result;
            }
            if (queue.isEmpty() || !pendingReceives.isEmpty()) {
                pendingReceives.add(new PendingReceive(into, result));
                return result;
            }
            source = queue.peekSource();
            sourcePort = queue.peekSourcePort();
            datagram = queue.poll();
        } finally {
            lock.unlock();
        }
        copyAndRelease(datagram, into);
        registry.complete(result, new SocketEndpoint(source, sourcePort).toInetSocketAddress());
        return result;
    }

    @Override
    public int receiveQueueBytes() {
        lock.lock();
        try {
            return queue.bytes();
        } finally {
            lock.unlock();
        }
    }

    // ---- DatagramEndpoint: what UDP calls, on the stack's threads ---------------------------

    @Override
    public int boundAddress() {
        return localAddress;
    }

    @Override
    public int boundPort() {
        return localPort;
    }

    @Override
    public int peerAddress() {
        return remoteAddress;
    }

    @Override
    public int peerPort() {
        return remotePort;
    }

    @Override
    public boolean deliver(PacketBuffer payload, int source, int sourcePort, int destination) {
        PendingReceive waiting = null;
        lock.lock();
        try {
            if (!open || readShut) {
                payload.release();
                return true; // not a buffer overflow: nobody will read it
            }
            if (!pendingReceives.isEmpty()) {
                waiting = pendingReceives.poll();
            } else if (!queue.offer(payload, source, sourcePort, receiveBuffer)) {
                payload.release();
                return false;
            } else {
                readable.signal();
            }
        } finally {
            lock.unlock();
        }
        if (waiting != null) {
            copyAndRelease(payload, waiting.into);
            registry.complete(waiting.result, new SocketEndpoint(source, sourcePort).toInetSocketAddress());
            return true;
        }
        keys.signal();
        return true;
    }

    @Override
    public void error(SocketError error, int from) {
        PendingReceive waiting;
        lock.lock();
        try {
            waiting = pendingReceives.poll();
            if (waiting == null) {
                // Linux reports an ICMP error on the socket's next call (SO_ERROR), once.
                pendingError = error;
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (waiting != null) {
            registry.fail(waiting.result, new NetSocketException(error, "recvfrom"));
        }
        keys.signal();
    }

    // ---- selector ---------------------------------------------------------------------------

    @Override
    public int readyOps() {
        int ops = SocketSelector.WRITE; // UDP never waits for room
        if (!open || readShut || pendingError != null) {
            return ops | SocketSelector.READ;
        }
        lock.lock();
        try {
            if (!queue.isEmpty()) {
                ops |= SocketSelector.READ;
            }
        } finally {
            lock.unlock();
        }
        return ops;
    }

    @Override
    public KeyList keys() {
        return keys;
    }

    private void signalReadiness() {
        keys.signal();
    }

    // ---- options, shutdown, close ------------------------------------------------------------

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws NetSocketException {
        ensureOpen("getsockopt");
        Object value;
        if (option == StandardSocketOptions.SO_RCVBUF) {
            value = receiveBuffer;
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            value = sendBuffer;
        } else if (option == StandardSocketOptions.SO_REUSEADDR) {
            value = reuseAddress;
        } else if (option == StandardSocketOptions.SO_BROADCAST) {
            value = broadcast;
        } else if (option == StandardSocketOptions.IP_TOS) {
            value = tos;
        } else if (option == StrataSocketOptions.SO_RCVTIMEO) {
            value = receiveTimeoutMillis;
        } else if (option == StrataSocketOptions.SO_SNDTIMEO) {
            value = sendTimeoutMillis;
        } else if (option == StrataSocketOptions.IP_TTL) {
            value = ttl;
        } else {
            throw new NetSocketException(SocketError.EINVAL, "getsockopt", option.name() + " is not a UDP option");
        }
        return (T) value;
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws NetSocketException {
        ensureOpen("setsockopt");
        if (value == null) {
            throw new NetSocketException(SocketError.EINVAL, "setsockopt", option.name() + " = null");
        }
        if (option == StandardSocketOptions.SO_RCVBUF) {
            receiveBuffer = positive(option, (Integer) value);
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            sendBuffer = positive(option, (Integer) value);
        } else if (option == StandardSocketOptions.SO_REUSEADDR) {
            reuseAddress = (Boolean) value;
        } else if (option == StandardSocketOptions.SO_BROADCAST) {
            broadcast = (Boolean) value;
        } else if (option == StandardSocketOptions.IP_TOS) {
            tos = inRange(option, (Integer) value, 0, 255);
        } else if (option == StrataSocketOptions.SO_RCVTIMEO) {
            receiveTimeoutMillis = inRange(option, (Integer) value, 0, Integer.MAX_VALUE);
        } else if (option == StrataSocketOptions.SO_SNDTIMEO) {
            sendTimeoutMillis = inRange(option, (Integer) value, 0, Integer.MAX_VALUE);
        } else if (option == StrataSocketOptions.IP_TTL) {
            ttl = inRange(option, (Integer) value, 1, 255);
        } else {
            throw new NetSocketException(SocketError.EINVAL, "setsockopt", option.name() + " is not a UDP option");
        }
    }

    private static int positive(SocketOption<?> option, int value) throws NetSocketException {
        return inRange(option, value, 1, Integer.MAX_VALUE);
    }

    private static int inRange(SocketOption<?> option, int value, int min, int max) throws NetSocketException {
        if (value < min || value > max) {
            throw new NetSocketException(SocketError.EINVAL, "setsockopt", option.name() + " = " + value);
        }
        return value;
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
        if (how != Shutdown.WRITE) {
            lock.lock();
            try {
                readShut = true;
                queue.clear();
                readable.signalAll();
            } finally {
                lock.unlock();
            }
            keys.signal();
        }
        if (how != Shutdown.READ) {
            writeShut = true;
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        PendingReceive[] waiting;
        lock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            queue.clear();
            waiting = pendingReceives.toArray(new PendingReceive[0]);
            pendingReceives.clear();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        DatagramProtocol udp = registry.udp();
        if (udp != null && bound) {
            udp.unbind(this);
        }
        for (PendingReceive receive : waiting) {
            registry.fail(receive.result, new NetSocketException(SocketError.EBADF, "recvfrom"));
        }
        keys.cancelAll();
        registry.closed(this);
    }

    @Override
    public String protocol() {
        return "udp";
    }

    @Override
    public InetSocketAddress localAddress() {
        return bound ? new SocketEndpoint(localAddress, localPort).toInetSocketAddress() : null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remotePort == 0 ? null : new SocketEndpoint(remoteAddress, remotePort).toInetSocketAddress();
    }

    SocketInfo info() {
        return new SocketInfo("udp", localAddress, localPort, remoteAddress, remotePort,
                remotePort == 0 ? "" : "ESTABLISHED", receiveQueueBytes(), 0, owner);
    }

    String owner() {
        return owner;
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void ensureOpen(String operation) throws NetSocketException {
        if (!open) {
            throw new NetSocketException(SocketError.EBADF, operation);
        }
    }

    private void throwPendingError(String operation) throws NetSocketException {
        SocketError error = pendingError;
        if (error != null) {
            pendingError = null;
            throw new NetSocketException(error, operation);
        }
    }

    private DatagramProtocol protocol(String operation) throws NetSocketException {
        DatagramProtocol udp = registry.udp();
        if (udp == null) {
            throw new NetSocketException(SocketError.EPROTONOSUPPORT, operation, "UDP is not running");
        }
        return udp;
    }

    @Override
    public String toString() {
        return "udp " + Ipv4Address.format(localAddress) + ":" + localPort + (remotePort == 0 ? "" : " -> "
                + Ipv4Address.format(remoteAddress) + ":" + remotePort);
    }

    private record PendingReceive(ByteBuffer into, CompletableFuture<InetSocketAddress> result) {
    }
}
