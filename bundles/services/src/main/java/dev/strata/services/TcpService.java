package dev.strata.services;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.stats.Counters;

/**
 * One built-in TCP service on one port: echo (RFC 862: "any data received is sent back")
 * or discard (RFC 863: "any data received is thrown away"). A non-blocking listener on the
 * services' selector thread; every accepted connection is a {@link TcpSession} on the same
 * selector, so that one thread serves thousands of connections.
 *
 * <p>TCP may be absent or stopped under it: a listen that fails with EPROTONOSUPPORT closes
 * the listener and the loop opens a new one every {@link ServiceLoop#RETRY_MILLIS} ms; an
 * accept that fails so (TCP stopped under a listening socket) does the same. The
 * connections of a stopped TCP fail on their own and each closes.
 */
final class TcpService implements ServiceLoop.Service {

    /** The accept queue: as large as Linux's default somaxconn allows (4096) is more than a built-in service needs. */
    static final int BACKLOG = 1024;

    private final UdpService.Kind kind;
    private final int port;
    private final SocketService sockets;
    private final SocketSelector selector;
    private final Counters<ServiceStatistic> counters;
    /** The open connections; the loop adds and removes them, {@link #close} may run on another thread. */
    private final Set<TcpSession> sessions = new HashSet<>();
    private volatile ListeningSocket listener;

    TcpService(UdpService.Kind kind, int port, SocketService sockets, SocketSelector selector,
            Counters<ServiceStatistic> counters) {
        this.kind = kind;
        this.port = port;
        this.sockets = sockets;
        this.selector = selector;
        this.counters = counters;
    }

    UdpService.Kind kind() {
        return kind;
    }

    int port() {
        return port;
    }

    /**
     * Opens a listener on every stack address (0.0.0.0) and the service's port, non-blocking,
     * with SO_REUSEADDR as every TCP server sets it (a restart of the service binds its port
     * while connections of the previous one wait in TIME-WAIT; a second listener is refused
     * all the same).
     *
     * @return true once listening, false while TCP is not running (the listener is closed)
     * @throws NetSocketException EADDRINUSE and every failure other than TCP being away
     */
    @Override
    public boolean open() throws NetSocketException {
        try {
            ListeningSocket socket = listener;
            if (socket == null) {
                socket = sockets.openListening();
                listener = socket;
            }
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, Boolean.TRUE);
            socket.configureBlocking(false);
            if (socket.localAddress() == null) {
                socket.bind(new InetSocketAddress(UdpService.anyAddress(), port));
            }
            socket.listen(BACKLOG);
            return true;
        } catch (NetSocketException e) {
            if (e.error() == SocketError.EPROTONOSUPPORT) {
                // TCP is not running: start afresh on the next try.
                closeListener();
                return false;
            }
            throw e;
        }
    }

    @Override
    public NetSocket socket() {
        return listener;
    }

    @Override
    public int interest() {
        return SocketSelector.ACCEPT;
    }

    /**
     * Accepts every connection ready (the accept queue is bounded by {@link #BACKLOG}) and
     * registers each with the selector for reading.
     *
     * @return the connections accepted, {@link #REOPEN} when TCP went away, {@link #CLOSED}
     */
    @Override
    public int serve(SocketSelector.Key key, ByteBuffer buffer, SocketEndpoint from) {
        ListeningSocket socket = listener;
        if (socket == null) {
            return CLOSED;
        }
        int accepted = 0;
        while (true) {
            StreamSocket connection;
            try {
                connection = socket.accept();
            } catch (NetSocketException e) {
                SocketError error = e.error();
                if (error == SocketError.EAGAIN) {
                    return accepted;
                }
                if (error == SocketError.EBADF) {
                    return CLOSED;
                }
                counters.increment(ServiceStatistic.Errors);
                if (error == SocketError.EPROTONOSUPPORT) {
                    // TCP stopped under the listener: listen again once it is back.
                    closeListener();
                    return REOPEN;
                }
                return accepted;
            }
            if (connection == null) {
                return accepted;
            }
            accepted++;
            TcpSession session = new TcpSession(this, connection, counters);
            try {
                connection.configureBlocking(false);
                synchronized (sessions) {
                    sessions.add(session);
                }
                session.register(selector);
            } catch (RuntimeException e) {
                counters.increment(ServiceStatistic.Errors);
                session.close();
                continue;
            }
            counters.increment(switch (kind) {
                case ECHO -> ServiceStatistic.EchoTcpConnections;
                case DISCARD -> ServiceStatistic.DiscardTcpConnections;
                case CHARGEN -> ServiceStatistic.ChargenTcpConnections;
            });
        }
    }

    /** Called by a session as it closes. */
    void closed(TcpSession session) {
        synchronized (sessions) {
            sessions.remove(session);
        }
    }

    /** The open connections, for tests. */
    int sessions() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    private void closeListener() {
        ListeningSocket socket = listener;
        listener = null;
        if (socket != null) {
            socket.close();
        }
    }

    /** Closes the listener and every connection. */
    @Override
    public void close() {
        closeListener();
        List<TcpSession> open;
        synchronized (sessions) {
            open = new ArrayList<>(sessions);
        }
        for (TcpSession session : open) {
            session.close();
        }
    }

    @Override
    public String toString() {
        return kind + " on TCP port " + port;
    }
}
