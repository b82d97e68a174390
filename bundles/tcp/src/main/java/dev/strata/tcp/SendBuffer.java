package dev.strata.tcp;

import java.nio.ByteBuffer;

import dev.strata.api.buffer.PacketBuffer;

/**
 * The send buffer: bytes the application wrote, from SND.UNA on (sent and unacknowledged,
 * then not yet sent), in a ring over a byte array (SO_SNDBUF; resized by {@link BufferTuning} when automatic). Plain data,
 * part of the {@link Tcb}. The ring is allocated by the first write and dropped whenever a
 * resize finds the buffer empty, so an idle connection holds none (see {@link ReceiveBuffer}); it
 * starts at {@link ReceiveBuffer#MIN_RING} bytes and doubles as the bytes held need, up to the
 * capacity, so that a request-response connection never pays for a bulk transfer's ring.
 */
final class SendBuffer {

    private static final byte[] UNALLOCATED = new byte[0];

    /** The bytes, at most {@link #capacity} long; {@link #UNALLOCATED} while nothing is held. */
    byte[] ring = UNALLOCATED;
    private int capacity;
    /** Index in {@link #ring} of the byte at SND.UNA. */
    int head;
    /** Bytes held. */
    int length;

    SendBuffer(int capacity) {
        this.capacity = capacity;
    }

    /** A new ring of {@code capacity} bytes (at least what is held), the bytes moved to its front (buffer tuning). */
    void resize(int capacity) {
        if (length == 0) {
            ring = UNALLOCATED; // the next write allocates the new size
            head = 0;
            this.capacity = capacity;
            return;
        }
        this.capacity = Math.max(capacity, length);
        relayout(Math.max(length, Math.min(ring.length, this.capacity)));
    }

    /** A new ring of {@code size} bytes (at least {@link #length}), the bytes moved to its front. */
    private void relayout(int size) {
        byte[] next = new byte[size];
        int first = Math.min(length, ring.length - head);
        System.arraycopy(ring, head, next, 0, first);
        System.arraycopy(ring, 0, next, first, length - first);
        ring = next;
        head = 0;
    }

    int capacity() {
        return capacity;
    }

    /** True while a ring is allocated (for tests). */
    boolean allocated() {
        return ring != UNALLOCATED;
    }

    int free() {
        return capacity - length;
    }

    /** Appends what fits of {@code from} and returns the count. */
    int write(ByteBuffer from) {
        int n = Math.min(from.remaining(), free());
        if (n == 0) {
            return 0;
        }
        if (length + n > ring.length) {
            relayout(ReceiveBuffer.ringSize(ring.length, length + n, capacity));
        }
        int tail = (head + length) % ring.length;
        int first = Math.min(n, ring.length - tail);
        from.get(ring, tail, first);
        if (n > first) {
            from.get(ring, 0, n - first);
        }
        length += n;
        return n;
    }

    /** Copies {@code count} bytes starting {@code offset} bytes after SND.UNA into {@code to} at {@code index}. */
    void copyOut(int offset, int count, PacketBuffer to, int index) {
        if (offset < 0 || count < 0 || offset + count > length) {
            throw new IndexOutOfBoundsException("copy " + offset + "+" + count + " of " + length);
        }
        int from = (head + offset) % ring.length;
        int first = Math.min(count, ring.length - from);
        to.putBytes(index, ring, from, first);
        if (count > first) {
            to.putBytes(index + first, ring, 0, count - first);
        }
    }

    /** Drops {@code count} acknowledged bytes from the front. */
    void acknowledge(int count) {
        if (count < 0 || count > length) {
            throw new IndexOutOfBoundsException("acknowledge " + count + " of " + length);
        }
        length -= count;
        head = length == 0 ? 0 : (head + count) % ring.length;
    }
}
