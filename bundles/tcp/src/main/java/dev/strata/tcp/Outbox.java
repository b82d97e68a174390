package dev.strata.tcp;

import dev.strata.api.buffer.PacketBuffer;

/**
 * Segments built under a connection's lock and sent after it is released (a connection never
 * holds its lock while calling IPv4): a FIFO of buffers with their destination, guarded by
 * its own monitor, which is held only to add or take one entry.
 *
 * <p>One thread at a time {@linkplain #drain drains} it: the application's thread (a write)
 * and the receive thread (an ACK) both queue segments, and if both sent what they took, their
 * frames would interleave and leave out of order (the kernel saw hundreds of out-of-order
 * segments per 200 MB, and answered every fast retransmission they caused with a D-SACK). A
 * thread that finds a drain under way leaves its segments to it, as Linux's TCP Small Queues
 * hand transmission to whoever owns the socket.
 */
final class Outbox {

    private PacketBuffer[] buffers = new PacketBuffer[16];
    private int[] sources = new int[16];
    private int[] destinations = new int[16];
    private int head;
    private int count;
    private boolean draining;

    /** Where a drain sends each segment. */
    @FunctionalInterface
    interface Transmitter {
        /** Sends one segment; must not throw. */
        void transmit(PacketBuffer segment, int source, int destination);
    }

    synchronized void add(PacketBuffer buffer, int source, int destination) {
        if (count == buffers.length) {
            grow();
        }
        int at = (head + count) % buffers.length;
        buffers[at] = buffer;
        sources[at] = source;
        destinations[at] = destination;
        count++;
    }

    /**
     * Sends every queued segment in order through {@code transmitter}, unless another thread is
     * draining already (then it sends them, in order, and this returns at once). The monitor is
     * held only to take one entry, never while transmitting; the drain ends in the same step
     * that finds the queue empty, so a segment queued meanwhile is never left behind.
     */
    void drain(Transmitter transmitter) {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        while (true) {
            PacketBuffer buffer;
            int source;
            int destination;
            synchronized (this) {
                if (count == 0) {
                    draining = false;
                    return;
                }
                buffer = buffers[head];
                source = sources[head];
                destination = destinations[head];
                buffers[head] = null;
                head = (head + 1) % buffers.length;
                count--;
            }
            try {
                transmitter.transmit(buffer, source, destination);
            } catch (RuntimeException e) {
                synchronized (this) {
                    draining = false; // the next drain takes over what is left
                }
                throw e;
            }
        }
    }

    synchronized int size() {
        return count;
    }

    private void grow() {
        int n = buffers.length * 2;
        PacketBuffer[] b = new PacketBuffer[n];
        int[] s = new int[n];
        int[] d = new int[n];
        for (int i = 0; i < count; i++) {
            int from = (head + i) % buffers.length;
            b[i] = buffers[from];
            s[i] = sources[from];
            d[i] = destinations[from];
        }
        buffers = b;
        sources = s;
        destinations = d;
        head = 0;
    }
}
