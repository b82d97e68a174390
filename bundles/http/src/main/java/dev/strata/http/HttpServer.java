package dev.strata.http;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.strata.api.http.HttpHandler;
import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;

/**
 * The HTTP/1.1 server of the stack (RFC 9110, RFC 9112), on TCP port 80 of every stack address by
 * default, serving the whiteboard: every {@link HttpHandler} service with the property
 * {@value HttpHandler#PATH} answers the requests under that path prefix (the longest prefix wins),
 * from the moment it is registered until it is unregistered; other paths get 404.
 *
 * <p>One thread, {@value #THREAD_NAME}, serves the listener and every connection through one
 * non-blocking {@link SocketSelector} (the Reactor pattern; no thread per connection): see
 * {@link HttpConnection} for parsing, pipelining, keep-alive and backpressure. Handlers registered
 * with {@code strata.http.blocking=true} run on up to {@code workerThreads} threads
 * ({@value #WORKER_NAME}-N; 503 when all are busy and {@value #WORK_QUEUE_PER_WORKER} requests per
 * worker wait), their
 * connections waiting meanwhile; the others run on that thread.
 *
 * <p>While TCP is not running (listen or accept fails with EPROTONOSUPPORT) the listener is opened
 * again every {@value #RETRY_MILLIS} ms. Connections idle longer than the idle timeout are closed
 * (408 when a request had begun). Deactivation stops accepting, closes idle connections, lets the
 * responses in flight finish (each with {@code Connection: close}) for up to {@value #STOP_MILLIS}
 * ms, then closes the rest.
 *
 * <p>Configuration PID {@value #PID} ({@code etc/dev.strata.http.cfg}); a change restarts the
 * server with the new settings. Counters: section {@code HTTP} of {@code stats}.
 */
@Designate(ocd = HttpServer.Config.class)
@Component(configurationPid = HttpServer.PID, service = StatisticsProvider.class, immediate = true)
public final class HttpServer implements StatisticsProvider {

    public static final String PID = "dev.strata.http";
    static final String THREAD_NAME = "strata-http";
    static final String WORKER_NAME = "strata-http-worker";
    /** Blocking requests waiting for a worker at most, per worker thread; beyond, 503. */
    static final int WORK_QUEUE_PER_WORKER = 64;
    static final long RETRY_MILLIS = 500;
    /** How long deactivation lets responses in flight finish. */
    static final long STOP_MILLIS = 2000;
    /** How often idle connections are looked for. */
    static final long SWEEP_MILLIS = 250;
    /** The accept queue. */
    static final int BACKLOG = 1024;
    /** A round of ready sockets that did nothing at all pauses this long rather than spin. */
    static final long BACKOFF_MILLIS = 50;

    private static final Logger LOG = System.getLogger(HttpServer.class.getName());
    /** The listener's attachment. */
    private static final Object LISTENER = new Object();

    /** Where and how the server listens. */
    @ObjectClassDefinition(name = "Strata HTTP server", description = "HTTP/1.1 on the stack's TCP")
    public @interface Config {
        @AttributeDefinition(description = "TCP port", min = "1", max = "65535")
        int port() default 80;

        @AttributeDefinition(description = "Stack address to listen on; 0.0.0.0 for every address")
        String address() default "0.0.0.0";

        @AttributeDefinition(description = "Seconds a connection may idle before it is closed (408 when a request had begun)")
        int idleTimeoutSeconds() default 60;

        @AttributeDefinition(description = "Longest request-line in bytes (414 above)")
        int maxRequestLineLength() default 8192;

        @AttributeDefinition(description = "Largest header section in bytes (431 above)")
        int maxHeaderSectionSize() default 16384;

        @AttributeDefinition(description = "Most header fields (431 above)")
        int maxHeaderCount() default 100;

        @AttributeDefinition(description = "Largest request body in bytes (413 above)")
        long maxBodySize() default 10L << 20;

        @AttributeDefinition(description = "Most connections open at once; above it, new ones wait in the accept queue")
        int maxConnections() default 10_000;

        @AttributeDefinition(description = "Threads that run the handlers registered with strata.http.blocking=true")
        int workerThreads() default 16;
    }

    /** The settings without DS, for tests and embedding. */
    record Settings(InetSocketAddress address, HttpLimits limits, long idleTimeoutMillis, int maxConnections,
            int workerThreads) {
        Settings(InetSocketAddress address, HttpLimits limits, long idleTimeoutMillis) {
            this(address, limits, idleTimeoutMillis, 10_000, 16);
        }

        Settings(InetSocketAddress address, HttpLimits limits, long idleTimeoutMillis, int maxConnections) {
            this(address, limits, idleTimeoutMillis, maxConnections, 16);
        }

        static Settings of(Config config) {
            InetAddress host;
            try {
                host = InetAddress.getByName(config.address());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("address " + config.address() + " is not an IPv4 address", e);
            }
            HttpLimits d = HttpLimits.DEFAULT;
            HttpLimits limits = new HttpLimits(config.maxRequestLineLength(), config.maxHeaderSectionSize(),
                    config.maxHeaderCount(), config.maxBodySize(), d.maxTrailerSectionSize(), d.maxTrailerCount(),
                    d.maxChunkExtensionSize());
            return new Settings(new InetSocketAddress(host, config.port()), limits,
                    TimeUnit.SECONDS.toMillis(config.idleTimeoutSeconds()), Math.max(1, config.maxConnections()), Math.max(1, config.workerThreads()));
        }
    }

    private final Counters<HttpStatistic> counters = new Counters<>("HTTP", HttpStatistic.class);
    private final HandlerRegistry registry = new HandlerRegistry();
    private final ConnectionPool pool = new ConnectionPool();
    /** Runs the blocking handlers; threads start on demand and end after a minute idle. */
    private final java.util.concurrent.ThreadPoolExecutor workers;
    /** Blocking handlers done, for the server thread to send their responses. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Completion> completions = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A blocking handler done: its connection and what it threw. */
    private record Completion(HttpConnection connection, Throwable failure) {
    }
    private final SocketService sockets;
    private final SocketSelector selector;
    private final Settings settings;
    private final LongSupplier nanoClock;
    private final LongSupplier wallClock;
    /** The open connections; touched by the server thread only. */
    private final List<HttpConnection> connections = new ArrayList<>();
    private final Thread thread;
    private ListeningSocket listener;
    private SocketSelector.Key listenerKey;
    /** Accepting is paused: {@link Settings#maxConnections()} are open. */
    private boolean full;
    private volatile boolean stopping;
    private boolean draining;
    private boolean loggedFailure;

    @Activate
    public HttpServer(@Reference(name = "sockets") SocketService sockets, Config config) {
        this(sockets, Settings.of(config), System::nanoTime, System::currentTimeMillis);
    }

    /** For tests and embedding without DS. */
    HttpServer(SocketService sockets, Settings settings, LongSupplier nanoClock, LongSupplier wallClock) {
        this.sockets = sockets;
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
        this.selector = sockets.openSelector();
        java.util.concurrent.atomic.AtomicInteger workerCount = new java.util.concurrent.atomic.AtomicInteger();
        this.workers = new java.util.concurrent.ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(),
                60, TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(WORK_QUEUE_PER_WORKER * settings.workerThreads()), r -> {
                    Thread t = new Thread(r, WORKER_NAME + "-" + workerCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        workers.allowCoreThreadTimeOut(true);
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    // ---- the whiteboard ----

    @Reference(name = "handlers", service = HttpHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addHandler(HttpHandler handler, Map<String, Object> properties) {
        Object path = properties.get(HttpHandler.PATH);
        Object blocking = properties.get(HttpHandler.BLOCKING);
        Object match = properties.get(HttpHandler.MATCH);
        boolean exact = HttpHandler.EXACT.equals(match);
        if (match != null && !exact && !HttpHandler.PREFIX.equals(match)) {
            LOG.log(Level.WARNING, "HTTP handler " + handler + ": property " + HttpHandler.MATCH + " is " + match
                    + ", neither " + HttpHandler.PREFIX + " nor " + HttpHandler.EXACT + "; matching by prefix");
        }
        if (!registry.add(path instanceof String s ? s : null, exact,
                Boolean.TRUE.equals(blocking) || "true".equals(blocking), handler)) {
            LOG.log(Level.WARNING, "HTTP handler " + handler + " not served: property " + HttpHandler.PATH + " is "
                    + path + ", not a path starting with /");
        }
    }

    void removeHandler(HttpHandler handler) {
        registry.remove(handler);
    }

    HandlerRegistry registry() {
        return registry;
    }

    // ---- the server thread ----

    private void run() {
        long nextSweep = 0;
        long stopDeadline = 0;
        while (true) {
            try {
                if (stopping) {
                    if (!draining) {
                        startDraining();
                        stopDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_MILLIS);
                    }
                    if (connections.isEmpty() || System.nanoTime() - stopDeadline >= 0) {
                        break;
                    }
                } else if (listener == null) {
                    listen();
                }
                long timeout = listener == null && !stopping ? RETRY_MILLIS
                        : connections.isEmpty() ? 0 : SWEEP_MILLIS;
                List<SocketSelector.Key> ready = selector.select(timeout);
                int size = ready.size();
                for (int i = 0; i < size; i++) {
                    SocketSelector.Key key = ready.get(i);
                    Object attachment = key.attachment();
                    if (attachment == LISTENER) {
                        accept();
                    } else {
                        serve((HttpConnection) attachment, key.ready());
                    }
                }
                for (Completion done = completions.poll(); done != null; done = completions.poll()) {
                    handlerDone(done);
                }
                long now = nanoClock.getAsLong();
                if (now - nextSweep >= 0) {
                    nextSweep = now + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
                    sweep(now);
                }
            } catch (RuntimeException e) {
                // The thread must outlive anything the socket layer throws (a bundle updated under
                // us): count it, say it once, go on after a pause.
                counters.increment(HttpStatistic.Errors);
                if (!loggedFailure) {
                    loggedFailure = true;
                    LOG.log(Level.WARNING, "HTTP server: the selector failed, retrying", e);
                }
                pause(BACKOFF_MILLIS);
            }
        }
    }

    /**
     * Runs {@code handler} for {@code connection} on a worker; its response is sent from the server
     * thread once it is done.
     *
     * @return false when every worker is busy and {@link #WORK_QUEUE_PER_WORKER} requests per worker wait already
     */
    boolean submit(HttpConnection connection, HttpHandler handler) {
        try {
            workers.execute(() -> {
                Throwable failure = connection.runHandler(handler);
                completions.add(new Completion(connection, failure));
                selector.wakeup();
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private void handlerDone(Completion done) {
        try {
            done.connection().handlerDone(done.failure());
        } catch (RuntimeException e) {
            counters.increment(HttpStatistic.Errors);
            LOG.log(Level.WARNING, "HTTP connection failed after its handler; closed", e);
            done.connection().close();
        }
    }

    /** Serves one connection; a failure of ours costs that connection, never the others. */
    private void serve(HttpConnection connection, int ready) {
        try {
            connection.serve(ready);
        } catch (RuntimeException e) {
            counters.increment(HttpStatistic.Errors);
            LOG.log(Level.WARNING, "HTTP connection from " + connection.socket().remoteAddress() + " failed; closed", e);
            connection.close();
        }
    }

    private void listen() {
        ListeningSocket socket = null;
        try {
            socket = sockets.openListening();
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, Boolean.TRUE);
            socket.configureBlocking(false);
            socket.bind(settings.address());
            socket.listen(BACKLOG);
            listenerKey = selector.register(socket, SocketSelector.ACCEPT, false, LISTENER);
            listener = socket;
            full = false;
            loggedFailure = false;
        } catch (NetSocketException e) {
            if (socket != null) {
                socket.close();
            }
            if (e.error() != SocketError.EPROTONOSUPPORT && !loggedFailure) {
                // EADDRINUSE and the like: say it once, keep trying (the port may be freed)
                loggedFailure = true;
                LOG.log(Level.ERROR, "HTTP server cannot listen on " + settings.address() + ": " + e.getMessage()
                        + "; retrying every " + RETRY_MILLIS + " ms");
            }
        }
    }

    private void accept() {
        ListeningSocket socket = listener;
        if (socket == null) {
            return;
        }
        while (true) {
            if (connections.size() >= settings.maxConnections()) {
                // Stop taking connections: the next ones wait in the accept queue (and beyond it
                // TCP drops their handshakes, which the clients retry), as nginx's worker_connections.
                full = true;
                listenerKey.interest(0);
                counters.increment(HttpStatistic.Deferred);
                return;
            }
            StreamSocket connection;
            try {
                connection = socket.accept();
            } catch (NetSocketException e) {
                SocketError error = e.error();
                if (error == SocketError.EAGAIN) {
                    return;
                }
                counters.increment(HttpStatistic.Errors);
                if (error == SocketError.EPROTONOSUPPORT || error == SocketError.EBADF) {
                    closeListener(); // TCP went away: listen again once it is back
                }
                return;
            }
            if (connection == null) {
                return;
            }
            HttpConnection http = new HttpConnection(this, connection, settings.limits());
            try {
                connection.configureBlocking(false);
                connections.add(http);
                http.register(selector);
            } catch (RuntimeException e) {
                counters.increment(HttpStatistic.Errors);
                http.close();
                continue;
            }
            counters.increment(HttpStatistic.Connections);
        }
    }

    private void sweep(long now) {
        long idle = TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMillis());
        for (int i = connections.size() - 1; i >= 0; i--) {
            if (i < connections.size() && connections.get(i).checkIdle(now, idle)) {
                counters.increment(HttpStatistic.Timeouts);
            }
        }
    }

    private void startDraining() {
        draining = true;
        closeListener();
        for (int i = connections.size() - 1; i >= 0; i--) {
            if (i < connections.size()) {
                connections.get(i).drain();
            }
        }
    }

    private void closeListener() {
        ListeningSocket socket = listener;
        listener = null;
        listenerKey = null;
        if (socket != null) {
            socket.close();
        }
    }

    private void pause(long millis) {
        if (!stopping) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    /** Stops accepting, lets responses in flight finish within {@link #STOP_MILLIS}, closes everything. */
    @Deactivate
    void deactivate() {
        stopping = true;
        selector.wakeup();
        java.util.concurrent.locks.LockSupport.unpark(thread);
        try {
            thread.join(STOP_MILLIS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // the thread has ended (or is stuck in a handler): close what is left from here
        closeListener();
        for (HttpConnection connection : new ArrayList<>(connections)) {
            connection.close();
        }
        workers.shutdownNow();
        selector.close();
        if (thread.isAlive()) {
            LOG.log(Level.WARNING, THREAD_NAME + " did not stop within " + STOP_MILLIS + " ms");
        }
    }

    // ---- for the connections ----

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    long currentTimeMillis() {
        return wallClock.getAsLong();
    }

    ConnectionPool pool() {
        return pool;
    }

    Counters<HttpStatistic> statistics() {
        return counters;
    }

    boolean draining() {
        return draining;
    }

    void closed(HttpConnection connection) {
        connections.remove(connection);
        if (full && listener != null && connections.size() < settings.maxConnections()) {
            full = false;
            listenerKey.interest(SocketSelector.ACCEPT);
        }
    }

    void handlerFailed(String path, Throwable t) {
        LOG.log(Level.WARNING, "HTTP handler for " + path + " failed", t);
    }

    /** The server thread, for tests. */
    Thread thread() {
        return thread;
    }

    /** Whether the server listens now, for tests (racy, read from the test thread). */
    boolean listening() {
        return listener != null;
    }

    int connectionCount() {
        return connections.size();
    }

    long counter(HttpStatistic statistic) {
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
}
