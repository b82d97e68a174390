package dev.strata.services;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.stats.Counters;

/**
 * The one thread ({@value #THREAD_NAME}) that serves every built-in UDP service: a selector
 * over their non-blocking sockets, level-triggered, and one receive buffer and one sender
 * endpoint reused for every datagram (the Reactor pattern, nothing allocated per datagram).
 *
 * <p>A service whose bind met UDP stopped (EPROTONOSUPPORT, and the socket layer did not
 * keep the binding) is bound again every {@link #RETRY_MILLIS} ms. When a round of ready
 * sockets yields no datagram at all (UDP stopped under a ready socket, an error the socket
 * keeps reporting), the loop pauses {@link #BACKOFF_MILLIS} ms rather than spin.
 */
final class ServiceLoop implements Runnable {

    static final String THREAD_NAME = "strata-services";
    static final long RETRY_MILLIS = 500;
    static final long BACKOFF_MILLIS = 50;

    private static final Logger LOG = System.getLogger(ServiceLoop.class.getName());

    /** Room for the largest UDP payload over IPv4 (65507 bytes) and then some. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
    private final SocketEndpoint from = new SocketEndpoint();
    private final SocketSelector selector;
    private final Counters<ServiceStatistic> counters;
    private final List<UdpService> pending;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean loggedFailure;

    /**
     * @param bound services bound already; registered with the selector at once
     * @param pending services to bind once UDP is there
     */
    ServiceLoop(SocketSelector selector, Counters<ServiceStatistic> counters, List<UdpService> bound, List<UdpService> pending) {
        this.selector = selector;
        this.counters = counters;
        this.pending = new ArrayList<>(pending);
        for (UdpService service : bound) {
            selector.register(service.socket(), SocketSelector.READ, false, service);
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
                    bindPending();
                }
                List<SocketSelector.Key> ready = selector.select(pending.isEmpty() ? 0 : RETRY_MILLIS);
                if (!running) {
                    break;
                }
                int served = 0;
                int size = ready.size();
                for (int i = 0; i < size; i++) {
                    SocketSelector.Key key = ready.get(i);
                    UdpService service = (UdpService) key.attachment();
                    int result = service.serve(buffer, from);
                    if (result == UdpService.CLOSED) {
                        key.cancel();
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

    private void bindPending() {
        for (int i = pending.size() - 1; i >= 0; i--) {
            UdpService service = pending.get(i);
            try {
                if (service.bind()) {
                    pending.remove(i);
                    selector.register(service.socket(), SocketSelector.READ, false, service);
                }
            } catch (NetSocketException e) {
                pending.remove(i);
                BuiltinServices.logBindFailure(service, e);
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
