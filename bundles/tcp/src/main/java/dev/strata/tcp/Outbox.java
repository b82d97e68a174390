package dev.strata.tcp;

import dev.strata.api.buffer.PacketBuffer;

/**
 * Segments built under a connection's lock and sent after it is released (a connection never
 * holds its lock while calling IPv4): a FIFO of buffers with their destination, guarded by
 * its own monitor, which is held only to add or take one entry.
 */
final class Outbox {

    private PacketBuffer[] buffers = new PacketBuffer[16];
    private int[] sources = new int[16];
    private int[] destinations = new int[16];
    private int head;
    private int count;

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

    /** Takes the oldest entry into {@code out} ([0] source, [1] destination) and returns its buffer, or null. */
    synchronized PacketBuffer poll(int[] out) {
        if (count == 0) {
            return null;
        }
        PacketBuffer buffer = buffers[head];
        out[0] = sources[head];
        out[1] = destinations[head];
        buffers[head] = null;
        head = (head + 1) % buffers.length;
        count--;
        return buffer;
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
