package dev.strata.socket;

import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
 * ({@link DatagramEndpoint}). It belongs to the socket layer, not to the UDP bundle, so it
 * outlives UDP: its binding is remembered and given to UDP again when UDP returns.
 *
 * <h2>The receive path</h2>
 * UDP calls {@link #deliver} on a link's thread with the very buffer the frame was read into;
 * the buffer waits in a {@link ReceiveQueue} (no copy), and {@link #receive} copies it into the
 * application's {@link ByteBuffer} and releases it: the one copy between the wire and the
 * application. Blocked receivers wait on the receive lock's monitor ({@code wait}/{@code
 * notify}) rather than a {@code java.util.concurrent} Condition: HotSpot keeps a monitor's
 * waiters and contention state off the Java heap, where AQS allocates a node per wait, so a
 * receiver woken for every datagram allocates nothing.
 *
 * <h2>Errors</h2>
 * An ICMP error for a connected socket, an interface going down, or a binding UDP refused on
 * its return are stored and thrown once by the next send or receive (or the one blocked now),
 * as Linux reports {@code sk_err}; then they are cleared.
 *
 * <h2>Locks</h2>
 * {@code this} guards the binding (bind, implicit bind, rebind, close's unbind), and is held
 * while calling UDP's {@code bind}/{@code unbind}, which never call back into the socket.
 * {@link #receiveLock} guards the receive queue, the pending async receives and the stored
 * error; it is never held while calling another layer, a selector or a user callback, and a
 * selector may take it while holding its own lock (never the reverse).
 */
final class UdpSocket implements DatagramSocket, DatagramEndpoint, StrataSocket {

    /** SO_RCVBUF by default: Linux's {@code net.core.rmem_default}. */
    static final int DEFAULT_RECEIVE_BUFFER = 212_992;
    /** SO_SNDBUF by default: Linux's {@code net.core.wmem_default} (UDP never waits for room here). */
    static final int DEFAULT_SEND_BUFFER = 212_992;

    private final SocketRegistry registry;
    private final Owner owner;
    private final KeyList keys = new KeyList();

    // ---- guarded by receiveLock ---------------------------------------------------------------
    private final Object receiveLock = new Object();
    private final ReceiveQueue queue = new ReceiveQueue();
    private final ArrayDeque<PendingReceive> pendingReceives = new ArrayDeque<>();
    /** Written under receiveLock, read without it as a fast "anything to report?" check. */
    private volatile SocketError pendingError;
    private long drops;

    // ---- the binding, written under this ------------------------------------------------------
    private volatile int localAddress;
    private volatile int localPort;
    private volatile int remoteAddress;
    private volatile int remotePort;
    private volatile boolean bound;
    /** The transport our binding is registered with now: null while UDP is away or refused it. */
    private volatile DatagramProtocol registeredOn;

    private volatile boolean open = true;
    private volatile boolean blocking = true;
    private volatile boolean readShut;
    private volatile boolean writeShut;

    // ---- options --------------------------------------------------------------------------------
    private volatile int receiveBuffer = DEFAULT_RECEIVE_BUFFER;
    private volatile int sendBuffer = DEFAULT_SEND_BUFFER;
    private volatile boolean reuseAddress;
    private volatile boolean broadcast;
    private volatile int receiveTimeoutMillis;
    private volatile int sendTimeoutMillis;
    private volatile int ttl = Ipv4Output.DEFAULT_TTL;
    private volatile int tos;

    UdpSocket(SocketRegistry registry, Owner owner) {
        this.registry = registry;
        this.owner = owner;
    }

    // ---- binding --------------------------------------------------------------------------------

    @Override
    public void bind(InetSocketAddress local) throws NetSocketException {
        int address = local == null ? Ipv4Address.ANY : SocketEndpoint.addressOf(local);
        int port = local == null ? 0 : local.getPort();
        synchronized (this) {
            ensureOpen("bind");
            if (bound) {
                // Linux: bind(2) on a bound socket is EINVAL.
                throw new NetSocketException(SocketError.EINVAL, "bind", "already bound to " + this);
            }
            DatagramProtocol udp = protocol("bind");
            localPort = udp.bind(this, address, port, reuseAddress);
            localAddress = address;
            registeredOn = udp;
            bound = true;
        }
    }

    /**
     * The transport, with this socket registered on it: binds to an ephemeral port on every
     * address if unbound (the implicit bind of {@code sendto(2)} and {@code connect(2)}), or
     * gives the old binding again to a transport that does not have it (UDP came back and
     * refused it, or has not been told yet).
     */
    private DatagramProtocol registered(String operation) throws NetSocketException {
        DatagramProtocol udp = protocol(operation);
        if (registeredOn == udp) {
            return udp;
        }
        synchronized (this) {
            ensureOpen(operation);
            if (registeredOn == udp) {
                return udp;
            }
            if (!bound) {
                localPort = udp.bind(this, Ipv4Address.ANY, 0, reuseAddress);
                localAddress = Ipv4Address.ANY;
                bound = true;
            } else {
                try {
                    udp.bind(this, localAddress, localPort, reuseAddress);
                } catch (NetSocketException refused) {
                    throw new NetSocketException(refused.error(), operation,
                            "binding to " + Ipv4Address.format(localAddress) + ":" + localPort + " lost while UDP was away");
                }
            }
            registeredOn = udp;
            return udp;
        }
    }

    /** UDP came (back): bind again where we were. Called by the registry, on SCR's thread. */
    void rebind(DatagramProtocol udp) {
        SocketError lost;
        synchronized (this) {
            if (!open || !bound || registeredOn == udp) {
                return;
            }
            try {
                udp.bind(this, localAddress, localPort, reuseAddress);
                registeredOn = udp;
                registry.count(SocketStatistic.REBOUND);
                return;
            } catch (NetSocketException refused) {
                lost = refused.error();
            } catch (RuntimeException broken) {
                lost = SocketError.EADDRNOTAVAIL;
            }
            registry.count(SocketStatistic.REBIND_FAILED);
        }
        // The port was taken while UDP was away (EADDRINUSE), or the address is gone
        // (EADDRNOTAVAIL): the next call learns it, as it would learn of an ICMP error; the
        // one after tries to bind again.
        error(lost, 0);
    }

    /** UDP is going away: its port table goes with it, so forget we were registered (without calling it). */
    void forget(DatagramProtocol udp) {
        synchronized (this) {
            if (registeredOn == udp) {
                registeredOn = null;
            }
        }
    }

    @Override
    public void connect(InetSocketAddress remote) throws NetSocketException {
        if (remote == null) {
            disconnect();
            return;
        }
        int address = SocketEndpoint.addressOf(remote);
        if (address == Ipv4Address.ANY || remote.getPort() == 0) {
            throw new NetSocketException(SocketError.EINVAL, "connect", String.valueOf(remote));
        }
        ensureOpen("connect");
        registered("connect");
        synchronized (receiveLock) {
            pendingError = null; // an error about the old peer is no news for the new one
        }
        // Address first: UDP's demux treats a port of 0 as "not connected".
        remoteAddress = address;
        remotePort = remote.getPort();
    }

    @Override
    public void disconnect() throws NetSocketException {
        ensureOpen("connect");
        remotePort = 0;
        remoteAddress = 0;
    }

    // ---- sending --------------------------------------------------------------------------------

    @Override
    public int send(ByteBuffer data, InetSocketAddress target) throws NetSocketException {
        if (target == null) {
            return send(data);
        }
        return send(data, SocketEndpoint.addressOf(target), target.getPort(), "sendto");
    }

    @Override
    public int send(ByteBuffer data) throws NetSocketException {
        int port = remotePort;
        int address = remoteAddress;
        if (port == 0) {
            ensureOpen("send");
            throw new NetSocketException(SocketError.ENOTCONN, "send");
        }
        return send(data, address, port, "send");
    }

    @Override
    public int send(ByteBuffer data, int address, int port) throws NetSocketException {
        return send(data, address, port, "sendto");
    }

    private int send(ByteBuffer data, int address, int port, String operation) throws NetSocketException {
        ensureOpen(operation);
        throwPendingError(operation);
        if (writeShut) {
            throw new NetSocketException(SocketError.EPIPE, operation);
        }
        int length = data.remaining();
        // Linux checks the length first (udp_sendmsg: len > 0xFFFF); over IPv4 the payload
        // must also leave room for the 20-byte IP and 8-byte UDP headers (RFC 768, RFC 791).
        if (length > MAX_PAYLOAD) {
            throw new NetSocketException(SocketError.EMSGSIZE, operation, length + " bytes, at most " + MAX_PAYLOAD);
        }
        if (port <= 0 || port > 65535 || address == Ipv4Address.ANY) {
            throw new NetSocketException(SocketError.EINVAL, operation, Ipv4Address.format(address) + ":" + port);
        }
        DatagramProtocol udp = registered(operation);
        // RFC 1122 3.3.6 leaves broadcast to the application; BSD and Linux make it ask first
        // with SO_BROADCAST. UDP knows the subnets, so it says what a directed broadcast is.
        if (!broadcast && udp.isBroadcast(address)) {
            throw new NetSocketException(SocketError.EACCES, operation, "broadcast needs SO_BROADCAST");
        }
        PacketBuffer payload = registry.pool().allocate(length); // after the pool's headroom, room for UDP and IP
        int at = payload.append(length);
        payload.memory().put(at, data, data.position(), length);
        udp.send(this, payload, address, port, ttl, tos); // the buffer is UDP's now, whatever happens
        data.position(data.limit());
        return length;
    }

    /** Sends at once (UDP never waits for room) and returns a completed stage. */
    @Override
    public CompletionStage<Integer> sendAsync(ByteBuffer data, InetSocketAddress target) {
        try {
            return CompletableFuture.completedFuture(send(data, target));
        } catch (NetSocketException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ---- receiving ------------------------------------------------------------------------------

    @Override
    public InetSocketAddress receive(ByteBuffer into) throws NetSocketException {
        SocketEndpoint from = new SocketEndpoint();
        int length = receive(into, from);
        return length < 0 ? null : from.toInetSocketAddress();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns -1 without waiting once reading is shut down and the queue is empty.
     */
    @Override
    public int receive(ByteBuffer into, SocketEndpoint from) throws NetSocketException {
        PacketBuffer datagram;
        synchronized (receiveLock) {
            long deadline = 0;
            while (true) {
                ensureOpen("recvfrom");
                SocketError error = pendingError;
                if (error != null) {
                    pendingError = null;
                    throw new NetSocketException(error, "recvfrom");
                }
                if (!queue.isEmpty()) {
                    break;
                }
                if (readShut) {
                    return -1;
                }
                if (!blocking) {
                    throw new WouldBlockException("recvfrom");
                }
                long timeout = receiveTimeoutMillis;
                try {
                    if (timeout == 0) {
                        receiveLock.wait();
                    } else {
                        long now = System.nanoTime();
                        if (deadline == 0) {
                            deadline = now + timeout * 1_000_000L;
                        }
                        long left = deadline - now;
                        if (left <= 0) {
                            // SO_RCVTIMEO expired: Linux's recvfrom(2) fails with EAGAIN,
                            // "recvfrom: Resource temporarily unavailable".
                            throw new NetSocketException(SocketError.EAGAIN, "recvfrom");
                        }
                        receiveLock.wait((left + 999_999) / 1_000_000);
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new NetSocketException(SocketError.EAGAIN, "recvfrom", "interrupted");
                }
            }
            from.set(queue.peekSource(), queue.peekSourcePort());
            datagram = queue.poll();
        }
        return copyAndRelease(datagram, into);
    }

    /** Copies what fits of a datagram into {@code into} (the rest is discarded, as recvfrom(2) does) and releases it. */
    private static int copyAndRelease(PacketBuffer datagram, ByteBuffer into) {
        int length = datagram.length();
        try {
            int copied = Math.min(length, into.remaining());
            into.put(into.position(), datagram.memory(), datagram.start(), copied);
            into.position(into.position() + copied);
        } finally {
            datagram.release();
        }
        return length;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Threads: the datagram is copied into {@code into} on the thread that has it (the
     * caller's when one is queued, UDP's receive thread otherwise), and the stage is completed
     * on the socket layer's completion thread, {@code strata-socket-async}, in the order the
     * stages were asked for: what the application chains on the stage never runs on the
     * stack's threads. Once reading is shut down, a stage that finds the queue empty completes
     * with null.
     */
    @Override
    public CompletionStage<InetSocketAddress> receiveAsync(ByteBuffer into) {
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        PacketBuffer datagram;
        int source;
        int sourcePort;
        synchronized (receiveLock) {
            NetSocketException failure = null;
            if (!open) {
                failure = new NetSocketException(SocketError.EBADF, "recvfrom");
            } else if (pendingError != null) {
                failure = new NetSocketException(pendingError, "recvfrom");
                pendingError = null;
            }
            if (failure != null) {
                registry.fail(result, failure);
                return result;
            }
            if (queue.isEmpty() || !pendingReceives.isEmpty()) {
                if (readShut && queue.isEmpty()) {
                    registry.complete(result, null);
                } else {
                    pendingReceives.add(new PendingReceive(into, result));
                }
                return result;
            }
            source = queue.peekSource();
            sourcePort = queue.peekSourcePort();
            datagram = queue.poll();
            // Queued to the completion thread before the lock is released, so that a datagram
            // delivered next (to a later stage) cannot complete first.
            copyAndRelease(datagram, into);
            registry.complete(result, new SocketEndpoint(source, sourcePort).toInetSocketAddress());
        }
        return result;
    }

    @Override
    public int receiveQueueBytes() {
        synchronized (receiveLock) {
            return queue.bytes();
        }
    }

    /** Datagrams dropped because the receive queue was full. */
    long drops() {
        synchronized (receiveLock) {
            return drops;
        }
    }

    // ---- DatagramEndpoint: what UDP calls, on the stack's threads -------------------------------

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

    /**
     * Queues the datagram (the buffer itself, no copy), or hands it to the oldest pending
     * {@link #receiveAsync}. UDP has already matched it to this socket (a connected socket's
     * peer included), so nothing is checked again. Allocates nothing on the queueing path.
     */
    @Override
    public boolean deliver(PacketBuffer payload, int source, int sourcePort, int destination) {
        synchronized (receiveLock) {
            if (!open) {
                payload.release();
                registry.count(SocketStatistic.CLOSED_DROPS);
                return true; // not a full buffer: nobody will read it
            }
            PendingReceive waiting = pendingReceives.poll();
            if (waiting != null) {
                // Copied here, under the lock, so that stages complete in order (see receiveAsync).
                copyAndRelease(payload, waiting.into);
                registry.complete(waiting.result, new SocketEndpoint(source, sourcePort).toInetSocketAddress());
                return true;
            }
            if (!queue.offer(payload, source, sourcePort, receiveBuffer)) {
                drops++;
                registry.count(SocketStatistic.RCVBUF_ERRORS);
                payload.release();
                return false;
            }
            receiveLock.notify(); // one datagram, one receiver
        }
        keys.signal();
        return true;
    }

    @Override
    public void error(SocketError error, int from) {
        PendingReceive waiting;
        synchronized (receiveLock) {
            if (!open) {
                return;
            }
            registry.count(SocketStatistic.ERRORS_REPORTED);
            waiting = pendingReceives.poll();
            if (waiting == null) {
                // Linux stores it in sk_err: the next call (or the one blocked now) fails with
                // it, once (RFC 1122 4.1.3.3: UDP passes ICMP errors up to the application).
                pendingError = error;
                receiveLock.notifyAll();
            } else {
                registry.fail(waiting.result, new NetSocketException(error, "recvfrom"));
            }
        }
        keys.signal();
    }

    // ---- selector -------------------------------------------------------------------------------

    /**
     * READ while a datagram is queued, an error is stored, reading is shut down or the socket
     * is closed (every one of them makes {@code receive} return at once, as {@code poll(2)}
     * reports POLLIN/POLLERR/POLLHUP); WRITE always, since UDP never waits for room.
     */
    @Override
    public int readyOps() {
        int ops = SocketSelector.WRITE;
        if (!open || readShut || pendingError != null) {
            return ops | SocketSelector.READ;
        }
        synchronized (receiveLock) {
            if (!queue.isEmpty()) {
                ops |= SocketSelector.READ;
            }
        }
        return ops;
    }

    @Override
    public KeyList keys() {
        return keys;
    }

    // ---- options, shutdown, close -----------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>UDP sockets take SO_RCVBUF (bytes of payload the receive queue holds), SO_SNDBUF
     * (kept, unused: UDP sends at once), SO_REUSEADDR (applies to the next bind), SO_BROADCAST,
     * IP_TOS, IP_TTL, SO_RCVTIMEO and SO_SNDTIMEO; any other option is EINVAL.
     */
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

    /**
     * {@inheritDoc}
     *
     * <p>SO_RCVBUF is taken as given (Linux doubles it for its bookkeeping, Strata counts
     * payload bytes only); a smaller value applies to datagrams that arrive next, those
     * queued stay.
     */
    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws NetSocketException {
        ensureOpen("setsockopt");
        if (value == null || !option.type().isInstance(value)) {
            throw new NetSocketException(SocketError.EINVAL, "setsockopt", option.name() + " = " + value);
        }
        if (option == StandardSocketOptions.SO_RCVBUF) {
            receiveBuffer = inRange(option, (Integer) value, 1, Integer.MAX_VALUE);
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            sendBuffer = inRange(option, (Integer) value, 1, Integer.MAX_VALUE);
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

    /**
     * {@inheritDoc}
     *
     * <p>As on Linux: after SHUT_RD, datagrams already queued (and any that still arrive) can
     * be read, and a receive that finds the queue empty returns -1 (null, or a stage completed
     * with null) instead of waiting; after SHUT_WR, sends fail with EPIPE. An unconnected
     * socket is shut down all the same, and the call then reports ENOTCONN (Linux's
     * {@code inet_shutdown} does both, to wake pollers of unconnected UDP sockets).
     */
    @Override
    public void shutdown(Shutdown how) throws NetSocketException {
        ensureOpen("shutdown");
        boolean connected = remotePort != 0;
        if (how != Shutdown.WRITE) {
            PendingReceive[] waiting;
            synchronized (receiveLock) {
                readShut = true;
                receiveLock.notifyAll();
                waiting = pendingReceives.toArray(new PendingReceive[0]);
                pendingReceives.clear();
                for (PendingReceive receive : waiting) {
                    registry.complete(receive.result, null);
                }
            }
        }
        if (how != Shutdown.READ) {
            writeShut = true;
        }
        keys.signal();
        if (!connected) {
            throw new NetSocketException(SocketError.ENOTCONN, "shutdown");
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Releases every queued datagram, wakes blocked receivers with EBADF, fails pending
     * async receives with EBADF, releases the port on UDP, and cancels the socket's selector
     * keys.
     */
    @Override
    public void close() {
        synchronized (receiveLock) {
            if (!open) {
                return;
            }
            open = false;
            queue.clear();
            for (PendingReceive receive : pendingReceives) {
                registry.fail(receive.result, new NetSocketException(SocketError.EBADF, "recvfrom"));
            }
            pendingReceives.clear();
            pendingError = null;
            receiveLock.notifyAll();
        }
        synchronized (this) {
            DatagramProtocol udp = registeredOn;
            registeredOn = null;
            if (udp != null) {
                try {
                    udp.unbind(this);
                } catch (RuntimeException ignored) {
                    // a transport going away under us: its table goes with it
                }
            }
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
        int port = remotePort;
        return port == 0 ? null : new SocketEndpoint(remoteAddress, port).toInetSocketAddress();
    }

    /** As netstat shows it: state empty when unconnected, ESTABLISHED when connected (as Linux). */
    @Override
    public SocketInfo info() {
        int port = remotePort;
        return new SocketInfo("udp", localAddress, localPort, port == 0 ? 0 : remoteAddress, port,
                port == 0 ? "" : "ESTABLISHED", receiveQueueBytes(), 0, owner.name());
    }

    @Override
    public Owner owner() {
        return owner;
    }

    /** True while UDP has our binding (for tests). */
    boolean registered() {
        return registeredOn != null;
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void ensureOpen(String operation) throws NetSocketException {
        if (!open) {
            throw new NetSocketException(SocketError.EBADF, operation);
        }
    }

    private void throwPendingError(String operation) throws NetSocketException {
        if (pendingError == null) {
            return; // the common case, without the lock
        }
        SocketError error;
        synchronized (receiveLock) {
            error = pendingError;
            pendingError = null;
        }
        if (error != null) {
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
        return "udp " + Ipv4Address.format(localAddress) + ":" + localPort
                + (remotePort == 0 ? "" : " -> " + Ipv4Address.format(remoteAddress) + ":" + remotePort);
    }

    /** An async receive waiting for a datagram: where to copy it, and the stage to complete. */
    private record PendingReceive(ByteBuffer into, CompletableFuture<InetSocketAddress> result) {
    }
}
