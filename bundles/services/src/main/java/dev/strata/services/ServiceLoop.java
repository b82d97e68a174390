package dev.strata.services;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.stats.Counters;

/**
 * The one thread ({@value #THREAD_NAME}) that serves every built-in service: a selector over
 * their non-blocking sockets, level-triggered, and one receive buffer and one sender
 * endpoint reused for every datagram and every discarded read (the Reactor pattern, nothing
 * allocated per datagram or per read). The key of each socket carries its {@link Handler}:
 * a UDP service, a TCP listener, or one TCP connection.
 *
 * <p>A service whose bind (or listen) met its transport stopped (EPROTONOSUPPORT, and the
 * socket layer did not keep the binding) is opened again every {@link #RETRY_MILLIS} ms; so
 * is a TCP listener whose accept reports TCP gone. When a round of ready sockets yields no
 * work at all (a transport stopped under a ready socket, an error the socket keeps
 * reporting), the loop pauses {@link #BACKOFF_MILLIS} ms rather than spin.
 */
final class ServiceLoop implements Runnable {

    static final String THREAD_NAME = "strata-services";
    static final long RETRY_MILLIS = 500;
    static final long BACKOFF_MILLIS = 50;

    private static final Logger LOG = System.getLogger(ServiceLoop.class.getName());

    /** What a key's attachment does when its socket is ready. */
    interface Handler {

        /** {@link #serve}'s result when the socket was closed under us (EBADF): the loop cancels the key. */
        int CLOSED = -1;

        /** {@link #serve}'s result when the transport went away under a service: the loop opens it again later. */
        int REOPEN = -2;

        /**
         * Serves the ready socket. {@code buffer} and {@code from} are the loop's own, shared by
         * every handler, valid during this call only.
         *
         * @return units of work done (0 when nothing could be done, as while the transport is
         *     stopped), {@link #CLOSED} or {@link #REOPEN}
         */
        int serve(SocketSelector.Key key, ByteBuffer buffer, SocketEndpoint from);
    }

    /** A service on a port: opened (bound, listening) by the loop until its transport is there. */
    interface Service extends Handler {

        /**
         * Binds (and listens).
         *
         * @return true once serving (or kept by the socket layer until the transport returns),
         *     false to try again in {@link #RETRY_MILLIS} ms (the transport is not running)
         * @throws NetSocketException a failure retrying cannot cure (EADDRINUSE...)
         */
        boolean open() throws NetSocketException;

        /** The socket to register once open. */
        NetSocket socket();

        /** {@link SocketSelector#READ} for UDP, {@link SocketSelector#ACCEPT} for a listener. */
        int interest();

        /** Closes the service's sockets (and its connections). */
        void close();
    }

    /** Room for the largest UDP payload over IPv4 (65507 bytes) and then some. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
    private final SocketEndpoint from = new SocketEndpoint();
    private final SocketSelector selector;
    private final Counters<ServiceStatistic> counters;
    private final List<Service> pending;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean loggedFailure;

    /**
     * @param bound services open already; registered with the selector at once
     * @param pending services to open once their transport is there
     */
    ServiceLoop(SocketSelector selector, Counters<ServiceStatistic> counters, List<? extends Service> bound,
            List<? extends Service> pending) {
        this.selector = selector;
        this.counters = counters;
        this.pending = new ArrayList<>(pending);
        for (Service service : bound) {
            selector.register(service.socket(), service.interest(), false, service);
        }
        this.thread = new Thread(this, THREAD_NAME);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (!pending.isEmpty()) {
                    openPending();
                }
                List<SocketSelector.Key> ready = selector.select(pending.isEmpty() ? 0 : RETRY_MILLIS);
                if (!running) {
                    break;
                }
                int served = 0;
                int size = ready.size();
                for (int i = 0; i < size; i++) {
                    SocketSelector.Key key = ready.get(i);
                    Handler handler = (Handler) key.attachment();
                    int result = handler.serve(key, buffer, from);
                    if (result == Handler.CLOSED) {
                        key.cancel();
                    } else if (result == Handler.REOPEN) {
                        key.cancel();
                        pending.add((Service) handler);
                        served++;
                    } else {
                        served += result;
                    }
                }
                if (size > 0 && served == 0) {
                    pause(BACKOFF_MILLIS);
                }
            } catch (RuntimeException e) {
                // The thread must outlive anything the socket layer throws (a bundle being
                // updated under us): count it, say it once, and go on after a pause.
                counters.increment(ServiceStatistic.Errors);
                if (!loggedFailure) {
                    loggedFailure = true;
                    LOG.log(Level.WARNING, "built-in services: the selector failed, retrying", e);
                }
                pause(BACKOFF_MILLIS);
            }
        }
    }

    private void openPending() {
        for (int i = pending.size() - 1; i >= 0; i--) {
            Service service = pending.get(i);
            try {
                if (service.open()) {
                    pending.remove(i);
                    selector.register(service.socket(), service.interest(), false, service);
                }
            } catch (NetSocketException e) {
                pending.remove(i);
                BuiltinServices.logOpenFailure(service, e);
                service.close();
            }
        }
    }

    private void pause(long millis) {
        if (running) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    /**
     * Stops the thread: it leaves its select (woken) or pause (unparked) and ends.
     *
     * @return true if it ended within {@code timeoutMillis}
     */
    boolean stop(long timeoutMillis) {
        running = false;
        selector.wakeup();
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return true;
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            return false;
        }
        return true;
    }
}
