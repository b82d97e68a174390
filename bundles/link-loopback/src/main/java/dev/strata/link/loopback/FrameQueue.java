package dev.strata.link.loopback;

import java.util.concurrent.locks.LockSupport;

import dev.strata.api.buffer.PacketBuffer;

/**
 * A bounded FIFO of frames with many producers (any thread that transmits) and one consumer
 * (the loopback's delivery thread).
 *
 * <p>Written by hand rather than with {@code ArrayBlockingQueue} because the JDK's condition
 * queues allocate a node each time the consumer waits, and the loopback carries the echo path
 * of {@code ping 127.0.0.1}, which must not allocate per packet. Producers and consumer meet
 * in short {@code synchronized} sections over a ring of slots; the consumer parks when the
 * ring is empty and a producer unparks it only when it has announced that it is parked.
 */
final class FrameQueue {

    private final PacketBuffer[] ring;
    private int head;
    private int size;
    private volatile Thread parked;

    FrameQueue(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        ring = new PacketBuffer[capacity];
    }

    /** Adds a frame at the tail; false (and the caller keeps the frame) when the queue is full. */
    boolean offer(PacketBuffer frame) {
        synchronized (this) {
            if (size == ring.length) {
                return false;
            }
            ring[(head + size) % ring.length] = frame;
            size++;
        }
        // Read after the insertion: either the consumer announced it parks before our insert
        // (we wake it) or its re-check after announcing sees the frame.
        Thread waiter = parked;
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
        return true;
    }

    /** Takes the frame at the head, or null if the queue is empty. */
    synchronized PacketBuffer poll() {
        if (size == 0) {
            return null;
        }
        PacketBuffer frame = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        return frame;
    }

    /**
     * Takes the frame at the head, parking the calling (single consumer) thread while the queue
     * is empty; null when the thread was interrupted.
     */
    PacketBuffer take() {
        for (;;) {
            PacketBuffer frame = poll();
            if (frame != null) {
                return frame;
            }
            if (Thread.currentThread().isInterrupted()) {
                return null;
            }
            parked = Thread.currentThread();
            frame = poll();
            if (frame != null) {
                parked = null;
                return frame;
            }
            LockSupport.park(this);
            parked = null;
        }
    }

    synchronized int size() {
        return size;
    }

    /** Removes {@code frame} if it is still queued; true if it was. */
    synchronized boolean remove(PacketBuffer frame) {
        for (int i = 0; i < size; i++) {
            int index = (head + i) % ring.length;
            if (ring[index] == frame) {
                // Close the gap by shifting the frames behind it one slot forward.
                for (int j = i; j < size - 1; j++) {
                    ring[(head + j) % ring.length] = ring[(head + j + 1) % ring.length];
                }
                ring[(head + size - 1) % ring.length] = null;
                size--;
                return true;
            }
        }
        return false;
    }
}
