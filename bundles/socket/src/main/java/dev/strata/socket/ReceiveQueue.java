package dev.strata.socket;

import java.util.Arrays;

import dev.strata.api.buffer.PacketBuffer;

/**
 * One socket's received datagrams in arrival order: a ring of the very buffers the link read
 * them into, each with its sender, bounded by a byte budget (SO_RCVBUF, counting payload
 * bytes) and by {@link #MAX_SLOTS} datagrams (so that empty datagrams, which cost no payload
 * bytes, cannot pile up without end).
 *
 * <p>The ring starts small and doubles when full, up to {@link #MAX_SLOTS}: an idle socket
 * costs a few hundred bytes, a busy one grows once to the depth its traffic needs and then
 * allocates nothing per datagram. Not thread-safe: the socket's receive lock guards it.
 */
final class ReceiveQueue {

    /** Slots of a new queue. */
    static final int INITIAL_SLOTS = 16;
    /** Datagrams a queue holds at most, whatever their size. */
    static final int MAX_SLOTS = 4096;

    private PacketBuffer[] buffers = new PacketBuffer[INITIAL_SLOTS];
    private int[] sources = new int[INITIAL_SLOTS];
    private int[] sourcePorts = new int[INITIAL_SLOTS];
    private int head;
    private int size;
    private int bytes;

    /**
     * Appends a datagram if it fits: the queue is empty (one datagram is always taken, however
     * large, as Linux takes one past a nearly full buffer), or its bytes stay within
     * {@code byteLimit}, and a slot is free.
     *
     * @return false if it does not fit; the buffer is still the caller's then
     */
    boolean offer(PacketBuffer payload, int source, int sourcePort, int byteLimit) {
        int length = payload.length();
        if (size > 0 && (long) bytes + length > byteLimit) {
            return false;
        }
        if (size == buffers.length && !grow()) {
            return false;
        }
        int tail = (head + size) & (buffers.length - 1);
        buffers[tail] = payload;
        sources[tail] = source;
        sourcePorts[tail] = sourcePort;
        size++;
        bytes += length;
        return true;
    }

    /** Doubles the ring (its length stays a power of two), unwrapping it to start at 0. */
    private boolean grow() {
        int length = buffers.length;
        if (length >= MAX_SLOTS) {
            return false;
        }
        PacketBuffer[] newBuffers = new PacketBuffer[length * 2];
        int[] newSources = new int[length * 2];
        int[] newPorts = new int[length * 2];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (length - 1);
            newBuffers[i] = buffers[from];
            newSources[i] = sources[from];
            newPorts[i] = sourcePorts[from];
        }
        buffers = newBuffers;
        sources = newSources;
        sourcePorts = newPorts;
        head = 0;
        return true;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Payload bytes queued (netstat's Recv-Q). */
    int bytes() {
        return bytes;
    }

    /** Datagrams queued. */
    int size() {
        return size;
    }

    /** Slots the ring has now (grows up to {@link #MAX_SLOTS}). */
    int capacity() {
        return buffers.length;
    }

    /** The oldest datagram's sender address; the queue must not be empty. */
    int peekSource() {
        return sources[head];
    }

    /** The oldest datagram's sender port; the queue must not be empty. */
    int peekSourcePort() {
        return sourcePorts[head];
    }

    /** Removes the oldest datagram and returns its buffer, which is now the caller's to release. */
    PacketBuffer poll() {
        PacketBuffer buffer = buffers[head];
        buffers[head] = null;
        bytes -= buffer.length();
        head = (head + 1) & (buffers.length - 1);
        size--;
        return buffer;
    }

    /** Releases every queued buffer and returns how many there were. */
    int clear() {
        int released = size;
        while (size > 0) {
            poll().release();
        }
        Arrays.fill(buffers, null);
        return released;
    }
}
