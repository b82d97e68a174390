package dev.strata.socket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.SocketSelector;

/**
 * A readiness selector in the manner of Linux's epoll: a socket pushes its keys onto the
 * selector's ready queue when its readiness may have changed (a datagram arrived, an error
 * was stored, the socket was shut down or closed), and {@link #select} looks only at queued
 * keys, so its cost follows the number of busy sockets, not of registered ones.
 *
 * <h2>Level- and edge-triggered</h2>
 * A level-triggered key that was ready when {@code select} returned it goes back on the ready
 * queue (as epoll puts a level-triggered item back on its ready list): the next
 * {@code select} looks at it again and returns it as long as its socket stays ready, e.g.
 * while a datagram is queued. An edge-triggered key is queued again only by the next change:
 * with epoll's {@code EPOLLET} semantics, <em>every new datagram</em> re-arms READ (not only
 * the transition from empty to non-empty), so a reader that did not drain the queue hears
 * again at the next arrival, but not before; the reader should drain until EAGAIN. WRITE is
 * always ready on UDP: level-triggered it is returned by every select, edge-triggered once,
 * at registration.
 *
 * <h2>Threads and allocation</h2>
 * One thread selects; sockets signal from any thread (UDP's receive threads), and
 * {@link #wakeup}, {@link #register}, {@link Key#interest(int)} and {@link Key#cancel()} work
 * from any thread. The selecting thread parks with {@link LockSupport}; a signal takes the
 * selector's lock briefly, queues the key if it is not queued already, and unparks the
 * selecting thread. Neither {@code select} nor a signal allocates: the ready queue and the
 * returned list are reused (the list is valid until the next {@code select}).
 */
final class SocketSelectorImpl implements SocketSelector {

    private final Object lock = new Object();
    /** Keys whose sockets signalled (or which are level-triggered and were ready); guarded by lock. */
    private final ArrayDeque<SelectorKey> readyQueue = new ArrayDeque<>();
    /** Level-triggered keys to queue again after a collection; guarded by lock. */
    private final List<SelectorKey> requeue = new ArrayList<>();
    /** Every valid key; guarded by lock. */
    private final List<SelectorKey> all = new ArrayList<>();
    /** What select returns; the selecting thread's own. */
    private final List<SocketSelector.Key> selected = new ArrayList<>();
    private final Consumer<SocketSelectorImpl> onClose;
    private volatile Thread waiter;
    private volatile boolean wakeup;
    private volatile boolean closed;

    SocketSelectorImpl() {
        this(selector -> { });
    }

    /** A selector that tells {@code onClose} when it closes (its service forgets it). */
    SocketSelectorImpl(Consumer<SocketSelectorImpl> onClose) {
        this.onClose = onClose;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code socket} was not opened by this stack's SocketService
     * @throws IllegalStateException if the selector or the socket is closed
     */
    @Override
    public Key register(NetSocket socket, int interest, boolean edgeTriggered, Object attachment) {
        if (!(socket instanceof StrataSocket selectable)) {
            throw new IllegalArgumentException("not a socket of this stack: " + socket);
        }
        if (closed) {
            throw new IllegalStateException("selector closed");
        }
        if (!socket.isOpen()) {
            throw new IllegalStateException("socket closed: " + socket);
        }
        SelectorKey key = selectable.keys().of(this);
        if (key != null) {
            key.update(interest, edgeTriggered, attachment);
            return key;
        }
        key = new SelectorKey(this, selectable, interest, edgeTriggered, attachment);
        synchronized (lock) {
            all.add(key);
        }
        selectable.keys().add(key);
        if (!socket.isOpen()) {
            // closed while we registered: its close may have missed this key
            key.cancel();
            throw new IllegalStateException("socket closed: " + socket);
        }
        key.signal(); // it may be ready already
        return key;
    }

    @Override
    public List<Key> select(long timeoutMillis) {
        selected.clear();
        long deadline = timeoutMillis > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) : 0;
        while (!closed) {
            collect();
            if (!selected.isEmpty() || timeoutMillis < 0 || wakeup) {
                break;
            }
            // Publish ourselves before looking at the queue one last time: a signal after the
            // look sees the waiter and unparks it (LockSupport keeps the permit if we have not
            // parked yet), so no signal is lost.
            waiter = Thread.currentThread();
            synchronized (lock) {
                if (!readyQueue.isEmpty() || wakeup || closed) {
                    waiter = null;
                    continue;
                }
            }
            if (timeoutMillis == 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    waiter = null;
                    break;
                }
                LockSupport.parkNanos(this, left);
            }
            waiter = null;
            if (Thread.currentThread().isInterrupted()) {
                break; // as epoll_wait returns EINTR; the interrupt stays set for the caller
            }
        }
        wakeup = false;
        return selected;
    }

    /** Moves ready keys from the queue to {@link #selected}, queueing level-triggered ones again. */
    private void collect() {
        synchronized (lock) {
            SelectorKey key;
            while ((key = readyQueue.poll()) != null) {
                key.queued = false;
                if (!key.isValid()) {
                    continue;
                }
                int ready = key.selectable().readyOps() & key.interest();
                if (ready != 0) {
                    key.ready(ready);
                    selected.add(key);
                    if (!key.edgeTriggered()) {
                        requeue.add(key);
                    }
                }
            }
            for (int i = 0; i < requeue.size(); i++) {
                SelectorKey again = requeue.get(i);
                again.queued = true;
                readyQueue.add(again);
            }
            requeue.clear();
        }
    }

    /** A key's socket signalled: queue the key (once) and wake the selecting thread. */
    void enqueue(SelectorKey key) {
        Thread toWake;
        synchronized (lock) {
            if (key.queued || closed) {
                return;
            }
            key.queued = true;
            readyQueue.add(key);
            toWake = waiter;
        }
        if (toWake != null) {
            LockSupport.unpark(toWake);
        }
    }

    void forget(SelectorKey key) {
        synchronized (lock) {
            all.remove(key);
        }
    }

    @Override
    public void wakeup() {
        wakeup = true;
        Thread toWake = waiter;
        if (toWake != null) {
            LockSupport.unpark(toWake);
        }
    }

    @Override
    public int size() {
        synchronized (lock) {
            return all.size();
        }
    }

    /** True until {@link #close}. */
    boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        List<SelectorKey> keys;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            keys = new ArrayList<>(all);
            readyQueue.clear();
        }
        for (SelectorKey key : keys) {
            key.cancel();
        }
        wakeup();
        onClose.accept(this);
    }
}
