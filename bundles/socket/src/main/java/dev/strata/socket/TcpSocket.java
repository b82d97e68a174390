package dev.strata.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamProtocol;

/**
 * A TCP socket: what the application holds ({@link StreamSocket}) and what TCP tells of its
 * connection ({@link StreamEndpoint}). It belongs to the socket layer; the connection (its
 * sequence space, buffers and timers) lives in the TCP bundle behind a {@link StreamConnection},
 * which never blocks: this class does the waiting of blocking calls, the readiness of
 * selectors and the completion of asynchronous calls, on TCP's callbacks.
 *
 * <h2>Callbacks</h2>
 * TCP calls {@link #connected}, {@link #readable}, {@link #writable} and {@link #closed} on the
 * stack's threads, after releasing the connection's monitor, possibly before
 * {@link StreamProtocol#connect} has even returned (loopback answers at once). They only note
 * the event under {@link #lock}, wake the waiters, signal the selector keys and, when async
 * calls wait, ask the completion thread to serve them: they never call the connection.
 *
 * <h2>Errors</h2>
 * An error the connection ended with (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH...) is
 * stored, as Linux's {@code sk_err}, and thrown once by the next call (or the one blocked now),
 * after the data already received has been read; then reads see the end of the stream and
 * writes EPIPE.
 *
 * <h2>Asynchronous calls</h2>
 * {@link #readAsync} and {@link #writeAsync} queue their request; the socket layer's completion
 * thread ({@code strata-socket-async}) performs them in order as TCP reports data or room, and
 * completes their stages there, so stages complete in the order they were asked for and what
 * the application chains on them never runs on the stack's threads.
 */
final class TcpSocket extends TcpSocketBase implements StreamSocket, StreamEndpoint {

    /** Default SO_LINGER: off. */
    private static final int LINGER_OFF = -1;

    // ---- guarded by lock ------------------------------------------------------------------------
    private StreamConnection connection;
    /** The transport {@link #connection} lives in. */
    private StreamProtocol connectionProtocol;
    private boolean connecting;
    private boolean nonBlockingConnect;
    private int readEvents;
    private int writeEvents;
    private boolean errorReported;
    private boolean bound;
    private int boundAddress;
    private int boundPort;
    private int remoteAddress;
    private int remotePort;
    private final ArrayDeque<PendingRead> pendingReads = new ArrayDeque<>();
    private final ArrayDeque<PendingWrite> pendingWrites = new ArrayDeque<>();
    private boolean pumpScheduled;
    /** The connection's transport left; its successor has not taken it over yet. */
    private boolean suspended;

    // ---- written under lock, read without it by readyOps ------------------------------------
    private volatile boolean established;
    /** The connection is over: TCP said closed(), or its transport left. */
    private volatile boolean over;
    /** A non-blocking connect finished, either way: CONNECT readiness. */
    private volatile boolean connectFinished;
    private volatile SocketError pendingError;
    private volatile boolean readShut;
    private volatile boolean writeShut;
    private volatile boolean asyncWaiting;
    /** Read by readyOps without the lock. */
    private volatile StreamConnection live;

    private final Runnable pump = this::pumpAsync;

    /** A new, unconnected socket. */
    TcpSocket(SocketRegistry registry, Owner owner) {
        super(registry, owner, new TcpOptions());
    }

    /** A socket for a connection a listener accepted: already connected, with the listener's options. */
    TcpSocket(SocketRegistry registry, Owner owner, TcpOptions options, StreamConnection accepted, StreamProtocol tcp) {
        super(registry, owner, options);
        connection = accepted;
        live = accepted;
        connectionProtocol = tcp;
        established = true;
        remoteAddress = accepted.remoteAddress();
        remotePort = accepted.remotePort();
    }

    // ---- bind and connect ---------------------------------------------------------------------

    /** {@inheritDoc} Remembered and given to TCP by {@link #connect}, which reports EADDRINUSE/EADDRNOTAVAIL. */
    @Override
    public void bind(InetSocketAddress local) throws NetSocketException {
        int address = addressOf(local);
        int port = local == null ? 0 : local.getPort();
        synchronized (lock) {
            ensureOpen("bind");
            protocol("bind");
            if (bound || connection != null) {
                throw new NetSocketException(SocketError.EINVAL, "bind", "already bound");
            }
            boundAddress = address;
            boundPort = port;
            bound = true;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Non-blocking: returns at once with the SYN sent (where {@code connect(2)} says
     * EINPROGRESS); the key's CONNECT readiness (with READ and WRITE on failure) tells when the
     * handshake is over, {@link #isConnected} whether it succeeded, and a failure is thrown
     * once by the next call (a second connect, a read or a write), as SO_ERROR reports it.
     * A second connect while one is in progress is EALREADY; after a success, EISCONN.
     * {@code timeoutMillis} expiring resets the attempt: ETIMEDOUT.
     */
    @Override
    public void connect(InetSocketAddress remote, int timeoutMillis) throws NetSocketException {
        if (remote == null || timeoutMillis < 0) {
            throw new NetSocketException(SocketError.EINVAL, "connect", String.valueOf(remote));
        }
        int address = SocketEndpoint.addressOf(remote);
        int port = remote.getPort();
        if (address == Ipv4Address.ANY || port <= 0 || port > 65535) {
            throw new NetSocketException(SocketError.EINVAL, "connect", String.valueOf(remote));
        }
        StreamProtocol tcp;
        int fromAddress;
        int fromPort;
        boolean wait = blocking;
        synchronized (lock) {
            ensureOpen("connect");
            throwPendingError("connect"); // a non-blocking attempt's failure, reported once
            if (established) {
                throw new NetSocketException(SocketError.EISCONN, "connect");
            }
            if (connecting) {
                throw new NetSocketException(SocketError.EALREADY, "connect");
            }
            tcp = protocol("connect");
            connecting = true;
            nonBlockingConnect = !wait;
            connectFinished = false;
            over = false;
            errorReported = false;
            connection = null;
            live = null;
            connectionProtocol = tcp;
            remoteAddress = address;
            remotePort = port;
            fromAddress = boundAddress;
            fromPort = boundPort;
        }
        StreamConnection opened;
        try {
            opened = tcp.connect(this, fromAddress, fromPort, address, port, options().toStreamOptions());
        } catch (NetSocketException refused) {
            synchronized (lock) {
                connecting = false;
                connectionProtocol = null;
                remoteAddress = 0;
                remotePort = 0;
            }
            throw refused;
        }
        boolean closedMeanwhile;
        synchronized (lock) {
            closedMeanwhile = !open;
            if (!closedMeanwhile && connectionProtocol == tcp) {
                connection = opened;
                live = opened;
                // TCP may have said connected() (or sent data) before connect returned the
                // connection: callers that saw it established without a connection wait for this
                readEvents++;
                writeEvents++;
                lock.notifyAll();
            }
        }
        if (closedMeanwhile) {
            opened.abort();
            throw new NetSocketException(SocketError.EBADF, "connect");
        }
        wake();
        if (!wait) {
            return;
        }
        awaitConnected(timeoutMillis);
    }

    /** A blocking connect waits for connected() or closed(error), or for its timeout. */
    private void awaitConnected(int timeoutMillis) throws NetSocketException {
        StreamConnection toAbort = null;
        NetSocketException failure;
        synchronized (lock) {
            long deadline = 0;
            while (true) {
                if (!open) {
                    failure = new NetSocketException(SocketError.EBADF, "connect");
                    break;
                }
                if (established && !over) {
                    return;
                }
                if (over) {
                    SocketError error = pendingError != null ? pendingError
                            : established ? SocketError.ECONNRESET : SocketError.ECONNREFUSED;
                    pendingError = null;
                    errorReported = true;
                    established = false;
                    connection = null;
                    live = null;
                    failure = new NetSocketException(error, "connect");
                    break;
                }
                try {
                    deadline = await(deadline, timeoutMillis, "connect");
                } catch (NetSocketException expired) {
                    // connect(2) with a timeout gives up: the attempt is reset
                    failure = new NetSocketException(SocketError.ETIMEDOUT, "connect",
                            Thread.currentThread().isInterrupted() ? "interrupted" : timeoutMillis + " ms");
                    toAbort = connection;
                    connection = null;
                    live = null;
                    connectionProtocol = null;
                    connecting = false;
                    break;
                }
            }
        }
        if (toAbort != null) {
            toAbort.abort();
        }
        keys.signal();
        throw failure;
    }

    @Override
    public boolean isConnected() {
        return established;
    }

    // ---- reading ------------------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer into) throws NetSocketException {
        long deadline = 0;
        while (true) {
            StreamConnection c;
            int seen;
            synchronized (lock) {
                ensureOpen("read");
                seen = readEvents;
                c = established ? connection : null;
                if (c == null) {
                    if (pendingError != null) {
                        throwPendingError("read");
                    }
                    if ((established && over) || readShut) {
                        return -1; // the connection ended (its transport left) and its error was told
                    }
                    if (!connecting && !established) {
                        throw notConnected("read");
                    }
                    // connecting, or established before connect() stored the connection: wait
                }
            }
            if (c != null) {
                if (!into.hasRemaining()) {
                    return 0;
                }
                int n;
                try {
                    n = c.read(into);
                } catch (NetSocketException e) {
                    return failedRead(e);
                }
                if (n > 0) {
                    return n;
                }
                synchronized (lock) {
                    if (pendingError != null) {
                        throwPendingError("read");
                    }
                    if (n < 0 || over || readShut) {
                        return -1;
                    }
                }
            }
            synchronized (lock) {
                if (readEvents == seen) {
                    if (!blocking) {
                        throw new WouldBlockException("read");
                    }
                    deadline = await(deadline, options().intValue(StrataSocketOptions.SO_RCVTIMEO), "read");
                }
            }
        }
    }

    /** TCP's read failed (ECONNRESET): the stored error is thrown once; after it, the end of the stream. */
    private int failedRead(NetSocketException e) throws NetSocketException {
        synchronized (lock) {
            if (pendingError != null) {
                throwPendingError("read");
            }
            if (errorReported) {
                return -1;
            }
            errorReported = true;
        }
        throw new NetSocketException(e.error(), "read");
    }

    // ---- writing ------------------------------------------------------------------------------------

    @Override
    public int write(ByteBuffer from) throws NetSocketException {
        long deadline = 0;
        int total = 0;
        while (true) {
            StreamConnection c;
            int seen;
            synchronized (lock) {
                ensureOpen("write");
                if (pendingError != null) {
                    throwPendingError("write");
                }
                if (writeShut) {
                    throw new NetSocketException(SocketError.EPIPE, "write");
                }
                seen = writeEvents;
                c = established ? connection : null;
                if (over) {
                    throw new NetSocketException(SocketError.EPIPE, "write");
                }
                if (c == null && !connecting && !established) {
                    throw notConnected("write");
                }
                // c null: connecting (or established before connect() stored the connection): wait
            }
            if (c != null) {
                if (!from.hasRemaining()) {
                    return total;
                }
                int n;
                try {
                    n = c.write(from);
                } catch (NetSocketException e) {
                    throw failedWrite(e);
                }
                total += n;
                if (!from.hasRemaining() || (!blocking && total > 0)) {
                    return total;
                }
            }
            synchronized (lock) {
                if (writeEvents == seen) {
                    if (!blocking) {
                        throw new WouldBlockException("write");
                    }
                    try {
                        deadline = await(deadline, options().intValue(StrataSocketOptions.SO_SNDTIMEO), "write");
                    } catch (NetSocketException expired) {
                        if (total > 0) {
                            return total; // a partial write, as send(2) with SO_SNDTIMEO returns it
                        }
                        throw expired;
                    }
                }
            }
        }
    }

    /** TCP's write failed: the stored error once, EPIPE after it. */
    private NetSocketException failedWrite(NetSocketException e) {
        synchronized (lock) {
            SocketError error = pendingError;
            if (error != null) {
                pendingError = null;
                errorReported = true;
                return new NetSocketException(error, "write");
            }
            if (errorReported || e.error() == SocketError.EPIPE) {
                return new NetSocketException(SocketError.EPIPE, "write");
            }
            errorReported = true;
        }
        return new NetSocketException(e.error(), "write");
    }

    /** ENOTCONN, or EPROTONOSUPPORT while no TCP runs (the socket could not have connected). */
    private NetSocketException notConnected(String operation) {
        return registry.tcp() == null && connection == null ? notRunning(operation)
                : new NetSocketException(SocketError.ENOTCONN, operation);
    }

    /** Throws the stored error and clears it (the caller holds the lock). */
    private void throwPendingError(String operation) throws NetSocketException {
        SocketError error = pendingError;
        if (error != null) {
            pendingError = null;
            errorReported = true;
            registry.count(SocketStatistic.ERRORS_REPORTED);
            throw new NetSocketException(error, operation);
        }
    }

    // ---- asynchronous calls ---------------------------------------------------------------------

    @Override
    public CompletionStage<Integer> readAsync(ByteBuffer into) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        synchronized (lock) {
            NetSocketException refused = refusal("read", true);
            if (refused != null) {
                registry.fail(result, refused);
                return result;
            }
            pendingReads.add(new PendingRead(into, result));
            asyncWaiting = true;
        }
        schedulePump();
        return result;
    }

    @Override
    public CompletionStage<Integer> writeAsync(ByteBuffer from) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        synchronized (lock) {
            NetSocketException refused = refusal("write", false);
            if (refused == null && writeShut) {
                refused = new NetSocketException(SocketError.EPIPE, "write");
            }
            if (refused != null) {
                registry.fail(result, refused);
                return result;
            }
            pendingWrites.add(new PendingWrite(from, from.remaining(), result));
            asyncWaiting = true;
        }
        schedulePump();
        return result;
    }

    /** Why an async call cannot even be queued (closed, never connected, TCP not running), or null. */
    private NetSocketException refusal(String operation, boolean reading) {
        if (!open) {
            return new NetSocketException(SocketError.EBADF, operation);
        }
        if (!established && !connecting && pendingError == null) {
            return notConnected(operation);
        }
        return null;
    }

    /** Asks the completion thread to serve the queued async calls (once until it runs). */
    private void schedulePump() {
        synchronized (lock) {
            if (pumpScheduled) {
                return;
            }
            pumpScheduled = true;
        }
        registry.execute(pump);
    }

    /**
     * On the completion thread: performs queued reads and writes, oldest first, as far as data
     * and room allow, with the blocking calls' own rules in non-blocking form, and completes
     * their stages here (so in order).
     */
    private void pumpAsync() {
        synchronized (lock) {
            pumpScheduled = false;
        }
        while (serveRead()) {
            // the next one
        }
        while (serveWrite()) {
            // the next one
        }
        synchronized (lock) {
            asyncWaiting = !pendingReads.isEmpty() || !pendingWrites.isEmpty();
        }
    }

    /** Serves the oldest async read; true if it completed (so the next may be tried). */
    private boolean serveRead() {
        PendingRead head;
        synchronized (lock) {
            head = pendingReads.peek();
            if (head == null) {
                return false;
            }
        }
        Integer outcome;
        try {
            outcome = readNow(head.into);
        } catch (NetSocketException e) {
            synchronized (lock) {
                pendingReads.remove(head);
            }
            head.result.completeExceptionally(e);
            return true;
        }
        if (outcome == null) {
            return false; // nothing yet: the next readable() or closed() schedules us again
        }
        synchronized (lock) {
            pendingReads.remove(head);
        }
        head.result.complete(outcome);
        return true;
    }

    /** A non-blocking read for the async path: the count, -1, or null when nothing is there yet. */
    private Integer readNow(ByteBuffer into) throws NetSocketException {
        try {
            return readOnce(into);
        } catch (WouldBlockException nothing) {
            return null;
        }
    }

    /** One non-waiting pass of {@link #read}. */
    private int readOnce(ByteBuffer into) throws NetSocketException {
        StreamConnection c;
        synchronized (lock) {
            ensureOpen("read");
            c = established ? connection : null;
            if (c == null) {
                if (pendingError != null) {
                    throwPendingError("read");
                }
                if ((established && over) || readShut) {
                    return -1;
                }
                if (!connecting && !established) {
                    throw notConnected("read");
                }
                throw new WouldBlockException("read");
            }
        }
        if (!into.hasRemaining()) {
            return 0;
        }
        int n;
        try {
            n = c.read(into);
        } catch (NetSocketException e) {
            return failedRead(e);
        }
        if (n > 0) {
            return n;
        }
        synchronized (lock) {
            if (pendingError != null) {
                throwPendingError("read");
            }
            if (n < 0 || over || readShut) {
                return -1;
            }
        }
        throw new WouldBlockException("read");
    }

    /** Serves the oldest async write; true if it completed. */
    private boolean serveWrite() {
        PendingWrite head;
        StreamConnection c;
        NetSocketException failure = null;
        synchronized (lock) {
            head = pendingWrites.peek();
            if (head == null) {
                return false;
            }
            c = established ? connection : null;
            if (!open) {
                failure = new NetSocketException(SocketError.EBADF, "write");
            } else if (pendingError != null) {
                failure = new NetSocketException(pendingError, "write");
                pendingError = null;
                errorReported = true;
            } else if (writeShut || over) {
                failure = new NetSocketException(SocketError.EPIPE, "write");
            } else if (c == null) {
                if (!connecting && !established) {
                    failure = new NetSocketException(SocketError.ENOTCONN, "write");
                } else {
                    return false; // the handshake first
                }
            }
            if (failure != null) {
                pendingWrites.remove(head);
            }
        }
        if (failure != null) {
            head.result.completeExceptionally(failure);
            return true;
        }
        try {
            while (head.from.hasRemaining()) {
                if (c.write(head.from) == 0) {
                    return false; // no room: the next writable() schedules us again
                }
            }
        } catch (NetSocketException e) {
            NetSocketException reported = failedWrite(e);
            synchronized (lock) {
                pendingWrites.remove(head);
            }
            head.result.completeExceptionally(reported);
            return true;
        }
        synchronized (lock) {
            pendingWrites.remove(head);
        }
        head.result.complete(head.length);
        return true;
    }

    // ---- StreamEndpoint: what TCP calls, on the stack's threads -----------------------------------

    @Override
    public void connected() {
        synchronized (lock) {
            if (!connecting) {
                return;
            }
            established = true;
            connecting = false;
            if (nonBlockingConnect) {
                connectFinished = true;
            }
            writeEvents++;
            lock.notifyAll();
        }
        wake();
    }

    @Override
    public void readable() {
        synchronized (lock) {
            readEvents++;
            lock.notifyAll();
        }
        wake();
    }

    @Override
    public void writable() {
        synchronized (lock) {
            writeEvents++;
            lock.notifyAll();
        }
        wake();
    }

    @Override
    public void closed(SocketError error) {
        ended(error, null);
    }

    /**
     * The connection is over: {@code error} (or null for an orderly end) is stored for the next
     * call. With {@code leaving} set, only if the connection lives in that transport.
     */
    private void ended(SocketError error, StreamProtocol leaving) {
        synchronized (lock) {
            if (leaving != null && connectionProtocol != leaving) {
                return;
            }
            if (over || (!established && !connecting)) {
                return;
            }
            over = true;
            suspended = false;
            if (connecting) {
                connecting = false;
                if (nonBlockingConnect) {
                    connectFinished = true;
                }
                if (error == null) {
                    error = SocketError.ECONNREFUSED;
                }
            }
            if (error != null && !errorReported && open) {
                pendingError = error;
            }
            if (leaving != null) {
                registry.count(SocketStatistic.TRANSPORT_LOST);
                connection = null; // never call a transport that left
                live = null;
                connectionProtocol = null;
            }
            readEvents++;
            writeEvents++;
            lock.notifyAll();
        }
        wake();
    }

    /** Signals the selectors and, if async calls wait, the completion thread. */
    private void wake() {
        keys.signal();
        if (asyncWaiting) {
            schedulePump();
        }
    }

    // ---- the transport coming and going ---------------------------------------------------------

    /** A connected socket's connection reaches a new TCP through {@link #handedOver}, not here. */
    @Override
    void transportArrived(StreamProtocol tcp) {
        synchronized (lock) {
            if (connection != null && connectionProtocol == null) {
                connectionProtocol = tcp; // a connection handed over before its new transport's service came
            }
        }
    }

    /**
     * The connection's transport leaves. An established connection waits for its successor (SPEC
     * section 4: an {@code update} hands it over, {@link #handedOver}); meanwhile calls wait (or
     * see EAGAIN) as while connecting, and nothing calls the transport that left. Without a
     * successor in the grace period ({@link SocketRegistry#HANDOVER_GRACE_MILLIS}) the socket sees ECONNRESET. A
     * connection still connecting ends at once.
     */
    @Override
    void transportLeaving(StreamProtocol tcp) {
        synchronized (lock) {
            if (established && !over && connection != null && (connectionProtocol == tcp || connectionProtocol == null)) {
                connection = null; // never call a transport that left
                live = null;
                connectionProtocol = null;
                suspended = true;
                // twice the grace: the deposit's own expiry comes first; this covers a TCP that deposited nothing
                registry.after(2 * registry.handoverGraceMillis(), this::handoverExpired);
                return;
            }
        }
        ended(SocketError.ECONNRESET, tcp);
    }

    /** The successor of the TCP that left took this socket's connection: calls go to it from now on. */
    @Override
    public void handedOver(StreamConnection successor) {
        boolean closeIt;
        synchronized (lock) {
            closeIt = !suspended || over || !open;
            if (!closeIt) {
                suspended = false;
                connection = successor;
                live = successor;
                connectionProtocol = registry.tcp();
                registry.count(SocketStatistic.HANDED_OVER);
                readEvents++;
                writeEvents++;
                lock.notifyAll();
            }
        }
        if (closeIt) {
            successor.close(); // the application closed the socket meanwhile: close(2)'s FIN now
            return;
        }
        wake();
    }

    /** No successor took the connection in time: it ends as when TCP stops for good. */
    private void handoverExpired() {
        synchronized (lock) {
            if (!suspended) {
                return;
            }
            suspended = false;
            registry.count(SocketStatistic.HANDOVER_EXPIRED);
        }
        ended(SocketError.ECONNRESET, null);
    }

    /** A connection waiting in a listener's accept queue that is reset (listener closed, or TCP left). */
    void resetQueued(boolean abort) {
        StreamConnection c;
        synchronized (lock) {
            if (!open) {
                return;
            }
            open = false;
            c = over ? null : connection;
            over = true;
            connection = null;
            live = null;
        }
        if (abort && c != null) {
            c.abort();
        }
    }

    // ---- selector ---------------------------------------------------------------------------------

    /**
     * READ when bytes are readable, at the end of the stream, with an error pending, after
     * SHUT_RD or when closed; WRITE when connected with room in the send buffer (and on error
     * or end, so that a writer learns of it); CONNECT once a non-blocking connect finished,
     * either way.
     */
    @Override
    public int readyOps() {
        if (!open) {
            return SocketSelector.READ | SocketSelector.WRITE;
        }
        int ops = connectFinished ? SocketSelector.CONNECT : 0;
        if (pendingError != null || over) {
            return ops | SocketSelector.READ | SocketSelector.WRITE;
        }
        if (readShut) {
            ops |= SocketSelector.READ;
        }
        StreamConnection c = live;
        if (c != null && established) {
            if ((ops & SocketSelector.READ) == 0 && (c.readable() > 0 || peerFinished(c.state()))) {
                ops |= SocketSelector.READ;
            }
            if (!writeShut && c.writable() > 0) {
                ops |= SocketSelector.WRITE;
            }
        }
        return ops;
    }

    /** The states after the peer's FIN: reading reaches the end of the stream. */
    private static boolean peerFinished(String state) {
        switch (state) {
            case "CLOSE_WAIT", "LAST_ACK", "CLOSING", "TIME_WAIT", "CLOSED":
                return true;
            default:
                return false;
        }
    }

    // ---- options, shutdown, close ---------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>On a connected socket a change reaches the connection at once: TCP_CONGESTION switches
     * its algorithm (EINVAL if none of that name runs), the others go to
     * {@link StreamConnection#options}.
     */
    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws NetSocketException {
        ensureOpen("setsockopt");
        StreamConnection c;
        synchronized (lock) {
            c = established && !over ? connection : null;
        }
        if (c != null && option == StrataSocketOptions.TCP_CONGESTION && value != null) {
            if (!(value instanceof String name) || !c.congestionControl(name)) {
                throw new NetSocketException(SocketError.EINVAL, "setsockopt", option.name() + " = " + value + ": no such algorithm");
            }
        }
        super.setOption(option, value);
        if (c != null && option != StrataSocketOptions.TCP_CONGESTION && option != StrataSocketOptions.SO_RCVTIMEO
                && option != StrataSocketOptions.SO_SNDTIMEO && option != StandardSocketOptions.SO_LINGER) {
            c.options(options().toStreamOptions());
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>TCP_CONGESTION on a connected socket is the algorithm the connection runs now, as
     * Linux's getsockopt reports it: the operator may have switched it (TcpControl), or its
     * bundle stopped and the connection fell back to the default.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws NetSocketException {
        if (option == StrataSocketOptions.TCP_CONGESTION) {
            ensureOpen("getsockopt");
            StreamConnection c;
            synchronized (lock) {
                c = established && !over ? connection : null;
            }
            String running = c == null ? null : c.congestionControl();
            if (running != null) {
                return (T) running;
            }
        }
        return super.getOption(option);
    }

    /**
     * SO_LINGER above 0: waits until the connection leaves the states in which our data or FIN is
     * unacknowledged (FIN-WAIT-2, TIME-WAIT or CLOSED reached), or {@code seconds} passed. Polls
     * the state every millisecond without holding a lock (close is not a hot path, and no lock
     * of ours may be held while asking the connection).
     */
    private static void awaitFinAcknowledged(StreamConnection c, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            String state = c.state();
            if ("FIN_WAIT_2".equals(state) || "TIME_WAIT".equals(state) || "CLOSED".equals(state)) {
                return;
            }
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return;
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    @Override
    public void shutdown(Shutdown how) throws NetSocketException {
        StreamConnection fin = null;
        PendingRead[] reads = null;
        PendingWrite[] writes = null;
        synchronized (lock) {
            ensureOpen("shutdown");
            if (!established) {
                throw new NetSocketException(SocketError.ENOTCONN, "shutdown");
            }
            if (how != Shutdown.WRITE && !readShut) {
                readShut = true;
                readEvents++;
                reads = pendingReads.toArray(new PendingRead[0]);
                pendingReads.clear();
            }
            if (how != Shutdown.READ && !writeShut) {
                writeShut = true;
                fin = over ? null : connection;
                writes = pendingWrites.toArray(new PendingWrite[0]);
                pendingWrites.clear();
            }
            lock.notifyAll();
        }
        if (reads != null) {
            for (PendingRead read : reads) {
                registry.complete(read.result, -1);
            }
        }
        if (writes != null) {
            for (PendingWrite write : writes) {
                registry.fail(write.result, new NetSocketException(SocketError.EPIPE, "write"));
            }
        }
        if (fin != null) {
            fin.shutdownOutput(); // FIN after what is buffered (RFC 9293 3.10.4)
        }
        keys.signal();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The connection closes as {@code close(2)} closes it: FIN after the buffered data (RST if
     * unread data remains, TCP decides), or RST at once with SO_LINGER 0. With SO_LINGER above 0
     * the call waits, up to that many seconds, until the data and the FIN are acknowledged (Linux
     * sk_stream_wait_close: whether the socket is blocking or not), then returns either way. It
     * may live on in TCP (FIN-WAIT, TIME-WAIT), shown by netstat without an owner.
     */
    @Override
    public void close() {
        StreamConnection c;
        PendingRead[] reads;
        PendingWrite[] writes;
        synchronized (lock) {
            if (!open) {
                return;
            }
            open = false;
            c = over ? null : connection;
            connection = null;
            live = null;
            connecting = false;
            pendingError = null;
            reads = pendingReads.toArray(new PendingRead[0]);
            writes = pendingWrites.toArray(new PendingWrite[0]);
            pendingReads.clear();
            pendingWrites.clear();
            lock.notifyAll();
        }
        for (PendingRead read : reads) {
            registry.fail(read.result, new NetSocketException(SocketError.EBADF, "read"));
        }
        for (PendingWrite write : writes) {
            registry.fail(write.result, new NetSocketException(SocketError.EBADF, "write"));
        }
        keys.cancelAll();
        registry.closed(this);
        if (c != null) {
            int linger;
            try {
                linger = options().intValue(StandardSocketOptions.SO_LINGER);
            } catch (RuntimeException impossible) {
                linger = LINGER_OFF;
            }
            try {
                if (linger == 0) {
                    c.abort(); // SO_LINGER 0: RST at once
                } else {
                    c.close();
                    if (linger > 0) {
                        awaitFinAcknowledged(c, linger);
                    }
                }
            } catch (RuntimeException goingAway) {
                // a transport going away under us
            }
        }
    }

    // ---- addresses and netstat -------------------------------------------------------------------

    @Override
    public InetSocketAddress localAddress() {
        StreamConnection c;
        int address;
        int port;
        boolean isBound;
        synchronized (lock) {
            c = connection;
            address = boundAddress;
            port = boundPort;
            isBound = bound;
        }
        if (c != null) {
            return new SocketEndpoint(c.localAddress(), c.localPort()).toInetSocketAddress();
        }
        return isBound ? new SocketEndpoint(address, port).toInetSocketAddress() : null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        int address;
        int port;
        synchronized (lock) {
            address = remoteAddress;
            port = remotePort;
        }
        return port == 0 ? null : new SocketEndpoint(address, port).toInetSocketAddress();
    }

    /** The connection's row: its state, Recv-Q = bytes to read, Send-Q = bytes not yet acknowledged. */
    @Override
    public SocketInfo info() {
        return info(owner().name());
    }

    /** The row with another owner (a connection waiting in an accept queue has none yet: "-"). */
    SocketInfo info(String ownerName) {
        StreamConnection c;
        synchronized (lock) {
            c = over ? null : connection;
        }
        if (c == null) {
            return null; // unconnected, or the connection is over (TCP may still show it, TIME-WAIT)
        }
        return new SocketInfo("tcp", c.localAddress(), c.localPort(), c.remoteAddress(), c.remotePort(), c.state(),
                c.readable(), c.unacknowledged(), ownerName);
    }

    // ---- streams ----------------------------------------------------------------------------------

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
            public int available() {
                StreamConnection c = live;
                return c == null ? 0 : c.readable();
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

    @Override
    public String toString() {
        StreamConnection c = live;
        return c == null ? "tcp (unconnected)"
                : "tcp " + Ipv4Address.format(c.localAddress()) + ":" + c.localPort() + " -> "
                        + Ipv4Address.format(c.remoteAddress()) + ":" + c.remotePort();
    }

    /** An async read waiting for data: where to copy it, and the stage to complete. */
    private record PendingRead(ByteBuffer into, CompletableFuture<Integer> result) {
    }

    /** An async write waiting for room: the data, its length, and the stage to complete. */
    private record PendingWrite(ByteBuffer from, int length, CompletableFuture<Integer> result) {
    }
}
