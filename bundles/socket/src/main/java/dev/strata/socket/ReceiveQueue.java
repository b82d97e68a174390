package dev.strata.socket;

import dev.strata.api.buffer.PacketBuffer;

/**
 * A socket's received datagrams in arrival order: a ring of buffers with their senders,
 * bounded by a byte budget (SO_RCVBUF) and a slot count. Preallocated arrays: enqueueing and
 * dequeueing allocate nothing. Not thread-safe: the socket's lock guards it.
 */
final class ReceiveQueue {

    private final PacketBuffer[] buffers;
    private final int[] sources;
    private final int[] sourcePorts;
    private int head;
    private int size;
    private int bytes;

    ReceiveQueue(int slots) {
        buffers = new PacketBuffer[slots];
        sources = new int[slots];
        sourcePorts = new int[slots];
    }

    /** Adds a datagram if it fits in {@code byteLimit} and a free slot; false if not (the caller releases it). */
    boolean offer(PacketBuffer payload, int source, int sourcePort, int byteLimit) {
        int length = payload.length();
        if (size == buffers.length || (size > 0 && bytes + length > byteLimit)) {
            return false;
        }
        int tail = (head + size) % buffers.length;
        buffers[tail] = payload;
        sources[tail] = source;
        sourcePorts[tail] = sourcePort;
        size++;
        bytes += length;
        return true;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int bytes() {
        return bytes;
    }

    int size() {
        return size;
    }

    PacketBuffer peek() {
        return buffers[head];
    }

    int peekSource() {
        return sources[head];
    }

    int peekSourcePort() {
        return sourcePorts[head];
    }

    /** Removes the oldest datagram and returns its buffer (now the caller's). */
    PacketBuffer poll() {
        PacketBuffer buffer = buffers[head];
        buffers[head] = null;
        bytes -= buffer.length();
        head = (head + 1) % buffers.length;
        size--;
        return buffer;
    }

    /** Releases every queued buffer. */
    void clear() {
        while (size > 0) {
            poll().release();
        }
    }
}
