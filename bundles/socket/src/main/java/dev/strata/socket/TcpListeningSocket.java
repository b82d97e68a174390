package dev.strata.socket;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamProtocol;

/**
 * A passive TCP socket ({@code listen(2)}, {@code accept(2)}), and TCP's {@link StreamAcceptor}
 * for it: each connection TCP completes waits in the socket's accept queue as a connected
 * {@link TcpSocket} (with the listener's owner and options) until {@link #accept} takes it.
 *
 * <p>The accept queue is bounded by the backlog as Linux bounds it: a connection is refused
 * (TCP resets it) when more than {@code backlog} wait already ({@code sk_acceptq_is_full}
 * compares with {@code >}, so Linux holds backlog + 1); a backlog over SOMAXCONN (4096), or
 * negative, is SOMAXCONN.
 *
 * <p>The socket outlives TCP: when the TCP bundle leaves, the listener and the connections
 * waiting in the queue go with it; when a TCP transport arrives, the socket listens on it again
 * at its old address and port (EADDRINUSE on the next accept if the port was taken).
 *
 * <p>Locks: {@code this} guards the listener (listen, listening again, close's unlisten) and is
 * held while calling TCP's {@code listen}, which never calls back; {@link #lock} guards the
 * queue and the waiting accepts and is never held while calling TCP.
 */
final class TcpListeningSocket extends TcpSocketBase implements ListeningSocket, StreamAcceptor {

    /** Linux's net.core.somaxconn. */
    static final int SOMAXCONN = 4096;

    // ---- guarded by lock ----------------------------------------------------------------------
    private final ArrayDeque<TcpSocket> queue = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<StreamSocket>> pendingAccepts = new ArrayDeque<>();
    private volatile int queued;
    private volatile SocketError pendingError;

    // ---- guarded by this -------------------------------------------------------------------------
    private StreamListener listener;
    private volatile StreamProtocol listenerProtocol;
    private boolean bound;
    private volatile int localAddress;
    private volatile int localPort;
    private volatile boolean listening;
    private volatile int backlog;

    TcpListeningSocket(SocketRegistry registry, Owner owner) {
        super(registry, owner, new TcpOptions());
    }

    @Override
    public void bind(InetSocketAddress local) throws NetSocketException {
        int address = addressOf(local);
        int port = local == null ? 0 : local.getPort();
        synchronized (this) {
            ensureOpen("bind");
            protocol("bind");
            if (bound || listening) {
                throw new NetSocketException(SocketError.EINVAL, "bind", "already bound");
            }
            localAddress = address;
            localPort = port;
            bound = true;
        }
    }

    /** {@inheritDoc} Listening again changes only the backlog, as on Linux. */
    @Override
    public void listen(int requested) throws NetSocketException {
        int limit = requested < 0 || requested > SOMAXCONN ? SOMAXCONN : requested;
        synchronized (this) {
            ensureOpen("listen");
            if (listening) {
                backlog = limit;
                return;
            }
            StreamProtocol tcp = protocol("listen");
            StreamListener opened = tcp.listen(this, localAddress, localPort, limit, options().toStreamOptions());
            listener = opened;
            listenerProtocol = tcp;
            localAddress = opened.localAddress();
            localPort = opened.localPort();
            bound = true;
            backlog = limit;
            listening = true;
        }
    }

    // ---- StreamAcceptor: what TCP calls, on the stack's threads -----------------------------------

    @Override
    public dev.strata.api.transport.StreamEndpoint accepted(StreamConnection connection) {
        TcpSocket socket;
        CompletableFuture<StreamSocket> waiting;
        synchronized (lock) {
            if (!open) {
                return null;
            }
            waiting = pendingAccepts.poll();
            if (waiting == null && queue.size() > backlog) {
                registry.count(SocketStatistic.LISTEN_OVERFLOWS);
                return null; // TCP resets it
            }
            socket = new TcpSocket(registry, owner(), options().copy(), connection,
                    listenerProtocol != null ? listenerProtocol : registry.tcp());
            if (waiting == null) {
                queue.add(socket);
                queued = queue.size();
                lock.notify(); // one connection, one acceptor
            } else {
                registry.adopt(socket);
                registry.complete(waiting, socket);
            }
        }
        keys.signal();
        return socket;
    }

    /** Lock-free, as TCP asks it under its own locks: more than {@code backlog} connections wait. */
    @Override
    public boolean acceptQueueFull() {
        return open && queued > backlog;
    }

    // ---- accept -------------------------------------------------------------------------------------

    @Override
    public StreamSocket accept() throws NetSocketException {
        listenAgainIfAway();
        long deadline = 0;
        synchronized (lock) {
            while (true) {
                ensureOpen("accept");
                throwPendingError("accept");
                if (!listening) {
                    if (registry.tcp() == null) {
                        throw notRunning("accept");
                    }
                    throw new NetSocketException(SocketError.EINVAL, "accept", "not listening");
                }
                TcpSocket next = queue.poll();
                if (next != null) {
                    queued = queue.size();
                    registry.adopt(next);
                    return next;
                }
                if (!blocking) {
                    throw new WouldBlockException("accept");
                }
                deadline = await(deadline, options().intValue(StrataSocketOptions.SO_RCVTIMEO), "accept");
            }
        }
    }

    /** Completes with the next connection, on the completion thread, in the order asked. */
    @Override
    public CompletionStage<StreamSocket> acceptAsync() {
        CompletableFuture<StreamSocket> result = new CompletableFuture<>();
        try {
            listenAgainIfAway();
        } catch (NetSocketException e) {
            registry.fail(result, e);
            return result;
        }
        synchronized (lock) {
            try {
                ensureOpen("accept");
                throwPendingError("accept");
                if (!listening) {
                    throw registry.tcp() == null ? notRunning("accept")
                            : new NetSocketException(SocketError.EINVAL, "accept", "not listening");
                }
            } catch (NetSocketException e) {
                registry.fail(result, e);
                return result;
            }
            TcpSocket next = pendingAccepts.isEmpty() ? queue.poll() : null;
            if (next == null) {
                pendingAccepts.add(result);
            } else {
                queued = queue.size();
                registry.adopt(next);
                registry.complete(result, next);
            }
        }
        return result;
    }

    private void throwPendingError(String operation) throws NetSocketException {
        SocketError error = pendingError;
        if (error != null) {
            pendingError = null;
            registry.count(SocketStatistic.ERRORS_REPORTED);
            throw new NetSocketException(error, operation);
        }
    }

    /** A listening socket whose TCP refused it on return (or has not been told yet) tries again. */
    private void listenAgainIfAway() throws NetSocketException {
        StreamProtocol tcp = registry.tcp();
        if (tcp != null && listening && listenerProtocol != tcp && pendingError == null) {
            transportArrived(tcp);
            throwPendingError("accept");
        }
    }

    // ---- the transport coming and going ---------------------------------------------------------

    /** TCP came (back): listen again where we listened. Called by the registry, on SCR's thread. */
    @Override
    void transportArrived(StreamProtocol tcp) {
        SocketError lost;
        synchronized (this) {
            if (!open || !listening || listenerProtocol == tcp) {
                return;
            }
            try {
                listener = tcp.listen(this, localAddress, localPort, backlog, options().toStreamOptions());
                listenerProtocol = tcp;
                registry.count(SocketStatistic.REBOUND);
                return;
            } catch (NetSocketException refused) {
                lost = refused.error();
            } catch (RuntimeException broken) {
                lost = SocketError.EADDRNOTAVAIL;
            }
            registry.count(SocketStatistic.REBIND_FAILED);
        }
        // the port was taken meanwhile: the next accept learns it; the one after tries again
        synchronized (lock) {
            pendingError = lost;
            lock.notifyAll();
        }
        keys.signal();
    }

    /** TCP leaves: its listener and the connections waiting in the queue go with it (without calling it). */
    @Override
    void transportLeaving(StreamProtocol tcp) {
        synchronized (this) {
            if (listenerProtocol != tcp) {
                return;
            }
            listener = null;
            listenerProtocol = null;
        }
        TcpSocket[] dropped;
        synchronized (lock) {
            dropped = queue.toArray(new TcpSocket[0]);
            queue.clear();
            queued = 0;
        }
        for (TcpSocket socket : dropped) {
            socket.resetQueued(false);
        }
    }

    // ---- selector, netstat, close ---------------------------------------------------------------

    /** ACCEPT while a connection waits, an error is pending, or the socket is closed. */
    @Override
    public int readyOps() {
        if (!open || pendingError != null) {
            return SocketSelector.ACCEPT | SocketSelector.READ;
        }
        return queued > 0 ? SocketSelector.ACCEPT : 0;
    }

    /** LISTEN with Recv-Q = connections waiting in the accept queue, Send-Q = the backlog, as Linux's ss shows a listener. */
    @Override
    public SocketInfo info() {
        if (!listening || !open) {
            return null;
        }
        return new SocketInfo("tcp", localAddress, localPort, 0, 0, "LISTEN", queued, backlog, owner().name());
    }

    /** Rows of the connections waiting in the accept queue: no application holds them yet (owner "-"). */
    void queuedRows(List<SocketInfo> into) {
        TcpSocket[] waiting;
        synchronized (lock) {
            if (queue.isEmpty()) {
                return;
            }
            waiting = queue.toArray(new TcpSocket[0]);
        }
        for (TcpSocket socket : waiting) {
            SocketInfo row = socket.info("-");
            if (row != null) {
                into.add(row);
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return bound ? new SocketEndpoint(localAddress, localPort).toInetSocketAddress() : null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    /** A listening socket has no connection to shut down: ENOTCONN, as Linux. */
    @Override
    public void shutdown(Shutdown how) throws NetSocketException {
        ensureOpen("shutdown");
        throw new NetSocketException(SocketError.ENOTCONN, "shutdown");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Stops listening; the connections waiting in the accept queue are reset (as Linux's
     * {@code inet_csk_listen_stop}); blocked and pending accepts fail with EBADF.
     */
    @Override
    public void close() {
        TcpSocket[] reset;
        List<CompletableFuture<StreamSocket>> failed;
        synchronized (lock) {
            if (!open) {
                return;
            }
            open = false;
            reset = queue.toArray(new TcpSocket[0]);
            queue.clear();
            queued = 0;
            failed = new ArrayList<>(pendingAccepts);
            pendingAccepts.clear();
            lock.notifyAll();
        }
        StreamListener closing;
        synchronized (this) {
            closing = listener;
            listener = null;
            listenerProtocol = null;
            listening = false;
        }
        for (CompletableFuture<StreamSocket> accept : failed) {
            registry.fail(accept, new NetSocketException(SocketError.EBADF, "accept"));
        }
        keys.cancelAll();
        registry.closed(this);
        if (closing != null) {
            try {
                closing.close();
            } catch (RuntimeException goingAway) {
                // a transport going away under us
            }
        }
        for (TcpSocket socket : reset) {
            socket.resetQueued(true);
        }
    }

    @Override
    public String toString() {
        return "tcp listening " + Ipv4Address.format(localAddress) + ":" + localPort;
    }
}
