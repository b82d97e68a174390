package dev.strata.socket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.SocketSelector;

/**
 * A readiness selector in the manner of epoll: sockets push their keys onto a ready queue
 * when their state changes (a datagram arrives, an error is reported), and {@link #select}
 * looks only at queued keys, so its cost follows the number of busy sockets, not of
 * registered ones.
 *
 * <p>A level-triggered key that is still ready after being returned goes back on the queue
 * (as epoll puts a level-triggered item back on its ready list), so the next select returns
 * it again; an edge-triggered key is only queued again by the next change. The selecting
 * thread parks with {@link LockSupport}; nothing is allocated per select or per signal.
 */
final class SocketSelectorImpl implements SocketSelector {

    private final Object lock = new Object();
    private final ArrayDeque<SelectorKey> readyQueue = new ArrayDeque<>();
    private final List<SocketSelector.Key> selected = new ArrayList<>();
    private final List<SelectorKey> requeue = new ArrayList<>();
    private final List<SelectorKey> all = new ArrayList<>();
    private volatile Thread waiter;
    private volatile boolean wakeup;
    private volatile boolean closed;

    @Override
    public Key register(NetSocket socket, int interest, boolean edgeTriggered, Object attachment) {
        if (!(socket instanceof SelectableSocket selectable)) {
            throw new IllegalArgumentException("not a socket of this stack: " + socket);
        }
        if (closed) {
            throw new IllegalStateException("selector closed");
        }
        if (!socket.isOpen()) {
            throw new IllegalStateException("socket closed");
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
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        wakeup = false;
        return selected;
    }

    /** Moves ready keys from the queue to {@link #selected}, putting level-triggered ones back. */
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
    }
}
