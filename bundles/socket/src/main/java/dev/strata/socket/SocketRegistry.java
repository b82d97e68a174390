package dev.strata.socket;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.api.transport.DatagramProtocol;
import dev.strata.api.transport.StreamHandover;
import dev.strata.api.transport.StreamProtocol;

/**
 * Every socket of every bundle, and the transports under them: one per framework, shared by
 * the bundle-scoped {@link SocketServiceImpl}s that open sockets through it. Its counters are
 * the {@code Sockets} section of {@code stats}.
 *
 * <p>Transports come and go (the UDP bundle stopped, updated, replaced); sockets stay. UDP is
 * the layer below, and it never references the socket layer, so a plain dynamic reference
 * is enough (no cycle to break with a lazy lookup). While no UDP is bound, every socket
 * operation that needs it fails at once with EPROTONOSUPPORT. When a UDP transport arrives,
 * every socket that was bound is bound on it again at its old address and port, so an
 * application's socket works again without knowing anything happened; if the port was taken
 * meanwhile, the socket reports EADDRINUSE on its next call. When the transport leaves, its
 * bindings are forgotten without calling it (it is going away, and drops its own table).
 *
 * <p>TCP ({@link StreamProtocol}, {@code strata.transport=tcp}) is bound the same way: while
 * none runs, TCP sockets fail with EPROTONOSUPPORT; when one arrives, listening sockets listen
 * on it again. When it leaves, connected sockets wait: an {@code update} of the TCP bundle
 * deposits their connections here ({@link StreamHandover}) and its successor takes them over
 * (SPEC section 4); after {@link #HANDOVER_GRACE_MILLIS} without one they see ECONNRESET.
 *
 * <p>Threads: asynchronous receives (and asynchronous TCP reads and writes) are completed on one daemon thread,
 * {@code strata-socket-async}, started on first use and stopped on deactivation, so that the
 * callbacks an application chains on a {@link java.util.concurrent.CompletionStage} never run
 * on the stack's receive threads (a slow callback would stall every socket on that link).
 */
@Component(service = {SocketRegistry.class, StatisticsProvider.class, StreamHandover.class}, immediate = true)
public class SocketRegistry implements StatisticsProvider, StreamHandover {

    /**
     * How long the connections of a TCP bundle that left wait for its successor (an {@code update}
     * stops the bundle and starts the new one within milliseconds); after it, their sockets see
     * ECONNRESET, as when TCP is stopped for good.
     */
    static final long HANDOVER_GRACE_MILLIS = 5_000;

    /** {@link #HANDOVER_GRACE_MILLIS}, shorter in tests. */
    private volatile long handoverGraceMillis = HANDOVER_GRACE_MILLIS;

    private final BufferPool pool;
    private final Counters<SocketStatistic> counters = new Counters<>("Sockets", SocketStatistic.class);
    private final Set<StrataSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile DatagramProtocol udp;
    private volatile StreamProtocol tcp;
    private final ExecutorService completions;
    private BundleContext context;
    /** While a TCP handover is pending: the handler that drops TCP segments instead of IPv4's protocol unreachable. */
    private ServiceRegistration<IpProtocolHandler> gapHandler;
    /** Connections deposited by a transport that left, by protocol, until its successor withdraws them. */
    private final Map<String, List<Deposit>> deposits = new HashMap<>();
    /** Ends, after {@link #HANDOVER_GRACE_MILLIS}, what no successor took; started on first use. */
    private final ScheduledThreadPoolExecutor handoverTimer = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "strata-socket-handover");
        thread.setDaemon(true);
        return thread;
    });

    @Activate
    public SocketRegistry(@Reference(name = "pool") BufferPool pool, BundleContext context) {
        this(pool);
        this.context = context;
    }

    /** Without a framework (tests): no protocol handler is registered during a handover. */
    SocketRegistry(BufferPool pool) {
        this.pool = pool;
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "strata-socket-async");
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true); // no idle thread once nobody uses async sockets
        this.completions = executor;
        handoverTimer.setKeepAliveTime(10, TimeUnit.SECONDS);
        handoverTimer.allowCoreThreadTimeOut(true);
    }

    /** Closes every socket (the socket bundle stops, or its buffer pool went away). */
    @Deactivate
    void deactivate() {
        for (StrataSocket socket : new ArrayList<>(sockets)) {
            socket.close();
        }
        completions.shutdown();
        handoverTimer.shutdownNow();
        closeGap();
    }

    // ---- the handover of connections across an update of TCP (SPEC section 4) -----------------

    @Override
    public void deposit(String protocol, List<Deposit> connections) {
        synchronized (deposits) {
            deposits.put(protocol, List.copyOf(connections));
        }

        after(handoverGraceMillis, () -> expire(protocol, connections));
    }

    @Override
    public List<Deposit> withdraw(String protocol) {
        synchronized (deposits) {
            List<Deposit> taken = deposits.remove(protocol);
            return taken == null ? List.of() : taken;
        }
    }

    /** No successor took them: their sockets see the connection end, as when TCP is stopped for good. */
    private void expire(String protocol, List<Deposit> connections) {
        synchronized (deposits) {
            List<Deposit> still = deposits.get(protocol);
            if (still == null || !still.equals(List.copyOf(connections))) {
                return; // withdrawn, or a later deposit
            }
            deposits.remove(protocol);
        }
        for (Deposit deposit : connections) {
            if (deposit.endpoint() != null) {
                deposit.endpoint().closed(SocketError.ECONNRESET);
            }
        }
    }

    long handoverGraceMillis() {
        return handoverGraceMillis;
    }

    /** For tests: a shorter grace period. */
    void handoverGraceMillis(long millis) {
        handoverGraceMillis = millis;
    }

    /**
     * Between the leaving TCP's stop and its successor's start, segments of the connections being
     * handed over still arrive: IPv4, with no TCP handler, would answer "protocol unreachable",
     * which RFC 1122 4.2.3.9 lets a peer take as a hard error and abort the connection. So while
     * a TCP runs, a stand-in handler for protocol 6 is registered with the lowest service ranking:
     * IPv4 serves TCP's own handler, and falls back to the stand-in the moment TCP's leaves. The
     * stand-in drops (the peer retransmits); it goes when a handover's grace passes without a
     * successor, and protocol unreachable answers again.
     */
    private void openGap() {
        BundleContext bc = context;
        if (bc == null) {
            return;
        }
        synchronized (deposits) {
            if (gapHandler != null) {
                return;
            }
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(IpProtocol.PROPERTY, IpProtocol.TCP);
            properties.put(Constants.SERVICE_RANKING, Integer.MIN_VALUE);
            properties.put(Constants.SERVICE_DESCRIPTION, "drops TCP segments while a TCP bundle is updated");
            try {
                gapHandler = bc.registerService(IpProtocolHandler.class, new IpProtocolHandler() {
                    @Override
                    public void receive(PacketBuffer packet) {
                        counters.increment(SocketStatistic.HANDOVER_DROPS);
                        packet.release();
                    }
                }, properties);
            } catch (IllegalStateException stopping) {
                gapHandler = null;
            }
        }
    }

    /** The successor's TCP is here (or none comes): the stand-in goes. */
    private void closeGap() {
        ServiceRegistration<IpProtocolHandler> registration;
        synchronized (deposits) {
            registration = gapHandler;
            gapHandler = null;
        }
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle stopped first
            }
        }
    }

    /** Runs {@code task} after {@code millis} on the handover thread (never on a stack thread). */
    void after(long millis, Runnable task) {
        try {
            handoverTimer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            task.run(); // the socket layer is stopping: end things now
        }
    }

    // ---- the UDP transport -----------------------------------------------------------------------

    @Reference(name = "udp", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + DatagramProtocol.PROPERTY + "=udp)")
    void bindUdp(DatagramProtocol protocol) {
        udp = protocol;
        for (StrataSocket socket : sockets) {
            if (socket instanceof UdpSocket datagram) {
                datagram.rebind(protocol);
            }
        }
    }

    void unbindUdp(DatagramProtocol protocol) {
        // GREEDY replaces by binding the new one first: only forget the one that leaves.
        if (udp == protocol) {
            udp = null;
        }
        for (StrataSocket socket : sockets) {
            if (socket instanceof UdpSocket datagram) {
                datagram.forget(protocol);
            }
        }
    }

    /** The UDP transport now, or null while none runs. */
    DatagramProtocol udp() {
        return udp;
    }

    BufferPool pool() {
        return pool;
    }

    // ---- the TCP transport ---------------------------------------------------------------------

    /**
     * TCP came: listening sockets listen on it again at their old address and port. Connected
     * sockets do not move to it (their connections lived in the TCP that left; the live upgrade
     * of connections is a later issue).
     */
    @Reference(name = "tcp", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + DatagramProtocol.PROPERTY + "=tcp)")
    void bindTcp(StreamProtocol protocol) {
        tcp = protocol;
        openGap(); // the stand-in for the moment this TCP leaves (an update)
        for (StrataSocket socket : sockets) {
            if (socket instanceof TcpSocketBase stream) {
                stream.transportArrived(protocol);
            }
        }
    }

    /** TCP leaves: its listeners go with it; connected sockets wait for a successor (the handover). */
    void unbindTcp(StreamProtocol protocol) {
        if (tcp == protocol) {
            tcp = null;
            after(handoverGraceMillis, () -> {
                if (tcp == null) {
                    closeGap(); // no successor: TCP stopped for good, protocol unreachable again
                }
            });
        }
        for (StrataSocket socket : sockets) {
            if (socket instanceof TcpSocketBase stream) {
                stream.transportLeaving(protocol);
            }
        }
    }

    /** The TCP transport now, or null while none runs. */
    StreamProtocol tcp() {
        return tcp;
    }

    // ---- sockets -----------------------------------------------------------------------------

    UdpSocket openUdp(Owner owner) {
        return opened(new UdpSocket(this, owner));
    }

    TcpSocket openTcp(Owner owner) {
        return opened(new TcpSocket(this, owner));
    }

    TcpListeningSocket openTcpListening(Owner owner) {
        return opened(new TcpListeningSocket(this, owner));
    }

    private <S extends StrataSocket> S opened(S socket) {
        sockets.add(socket);
        counters.increment(SocketStatistic.OPENED);
        return socket;
    }

    /** A connection the application took from an accept queue: now its socket. */
    void adopt(TcpSocket accepted) {
        sockets.add(accepted);
        counters.increment(SocketStatistic.OPENED);
        counters.increment(SocketStatistic.ACCEPTED);
    }

    /** Called by a socket once, as it closes. */
    void closed(StrataSocket socket) {
        if (sockets.remove(socket)) {
            counters.increment(SocketStatistic.CLOSED);
        }
    }

    /** Closes every socket {@code owner} opened (its bundle stopped using the service); returns how many. */
    int closeAll(Owner owner) {
        int closed = 0;
        for (StrataSocket socket : new ArrayList<>(sockets)) {
            if (socket.owner() == owner) {
                socket.close();
                counters.increment(SocketStatistic.CLOSED_WITH_OWNER);
                closed++;
            }
        }
        return closed;
    }

    /**
     * Every open socket's row, TCP before UDP as netstat prints them, by local port; and the
     * TCP connections no application holds, with owner "-": those waiting in an accept queue,
     * and those TCP still keeps after their socket closed (FIN-WAIT, TIME-WAIT), as Linux's
     * netstat shows them.
     */
    List<SocketInfo> sockets() {
        List<SocketInfo> all = new ArrayList<>();
        for (StrataSocket socket : sockets) {
            SocketInfo info = socket.info();
            if (info != null) {
                all.add(info);
            }
            if (socket instanceof TcpListeningSocket listening) {
                listening.queuedRows(all);
            }
        }
        StreamProtocol transport = tcp;
        if (transport != null) {
            Set<List<Integer>> held = new java.util.HashSet<>();
            for (SocketInfo row : all) {
                if (row.protocol().equals("tcp") && row.remotePort() != 0) {
                    held.add(connectionKey(row));
                }
            }
            List<SocketInfo> connections;
            try {
                connections = transport.connections();
            } catch (RuntimeException goingAway) {
                connections = List.of();
            }
            for (SocketInfo row : connections) {
                if (!"LISTEN".equals(row.state()) && held.add(connectionKey(row))) {
                    all.add(new SocketInfo("tcp", row.localAddress(), row.localPort(), row.remoteAddress(),
                            row.remotePort(), row.state(), row.receiveQueue(), row.sendQueue(), "-"));
                }
            }
        }
        all.sort(Comparator.comparing(SocketInfo::protocol)
                .thenComparingInt(SocketInfo::localPort));
        return all;
    }

    private static List<Integer> connectionKey(SocketInfo row) {
        return List.of(row.localAddress(), row.localPort(), row.remoteAddress(), row.remotePort());
    }

    /** Open sockets of every kind. */
    int size() {
        return sockets.size();
    }

    // ---- counters, async completions ---------------------------------------------------------

    void count(SocketStatistic statistic) {
        counters.increment(statistic);
    }

    long get(SocketStatistic statistic) {
        return counters.get(statistic);
    }

    @Override
    public String protocol() {
        return counters.protocol();
    }

    @Override
    public Map<String, Long> counters() {
        return counters.counters();
    }

    /**
     * Completes {@code stage} on the completion thread: in submission order, so stages of one
     * socket complete in the order their datagrams were taken, and off the caller's thread.
     */
    <T> void complete(CompletableFuture<T> stage, T value) {
        try {
            completions.execute(() -> stage.complete(value));
        } catch (RejectedExecutionException stopping) {
            stage.complete(value);
        }
    }

    /** Runs {@code task} on the completion thread (async TCP calls are served there, in order). */
    void execute(Runnable task) {
        try {
            completions.execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run();
        }
    }

    /** As {@link #complete}, exceptionally. */
    void fail(CompletableFuture<?> stage, Throwable failure) {
        try {
            completions.execute(() -> stage.completeExceptionally(failure));
        } catch (RejectedExecutionException stopping) {
            stage.completeExceptionally(failure);
        }
    }
}
