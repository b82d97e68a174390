package dev.strata.tcp;

import java.nio.ByteBuffer;

import dev.strata.api.buffer.PacketBuffer;

/**
 * The receive buffer and the out-of-order queue in one ring over a byte array (SO_RCVBUF):
 * in-order bytes not yet read sit at the front; a segment that arrives ahead of RCV.NXT is
 * copied straight to its place further on, and its range [start, end) of stream positions
 * is remembered (at most {@link #MAX_RANGES}, merged when they touch). When the gap before
 * them fills, the ranges join the in-order bytes. Bytes before RCV.NXT are never written
 * again, so duplicates and overlaps cannot corrupt what the application reads.
 *
 * <p>Positions are counts of stream bytes since the connection began (long, no wrap); the
 * connection maps them to sequence numbers. Plain data, part of the {@link Tcb}.
 *
 * <p>The ring is allocated when the first byte arrives and dropped whenever a resize finds the
 * buffer empty: a connection that has carried nothing, or idles with nothing to read, holds
 * {@link #capacity()} as a number only (10,000 idle connections would otherwise hold 1.3 GB of
 * empty rings). It starts at {@link #MIN_RING} bytes and doubles as the bytes held need, up to the
 * capacity: a connection carrying a request of a few hundred bytes allocates 4 KiB, not 128 KiB.
 */
final class ReceiveBuffer {

    /** Out-of-order ranges kept at most (Linux bounds its queue by memory; this by count). */
    static final int MAX_RANGES = 16;
    /** The size of a ring when first allocated. */
    static final int MIN_RING = 4096;

    private static final byte[] UNALLOCATED = new byte[0];

    /** The bytes, at most {@link #capacity} long; {@link #UNALLOCATED} while nothing is held. */
    byte[] ring = UNALLOCATED;
    private int capacity;
    /** Stream position of the next byte the application reads. */
    long readPosition;
    /** Stream position of the end of the in-order bytes (RCV.NXT's position). */
    long inOrderEnd;
    /** Out-of-order ranges, sorted, disjoint and not touching: starts and ends. */
    final long[] rangeStart = new long[MAX_RANGES];
    final long[] rangeEnd = new long[MAX_RANGES];
    int rangeCount;
    /**
     * Positions inside the out-of-order ranges most recently reported first, newest first: RFC
     * 2018 4's first block is the one holding the segment that triggered the ACK, and the
     * others repeat "the most recently reported SACK blocks", so that a sender sees each new
     * range even when more ranges exist than one option can carry.
     */
    final long[] recent = new long[TcpOptions.MAX_SACK_BLOCKS];
    int recentCount;

    ReceiveBuffer(int capacity) {
        this.capacity = capacity;
    }

    /**
     * A new ring of {@code capacity} bytes (buffer tuning): every byte from the first unread one
     * to the end of the highest out-of-order range moves to its place in the new ring (positions
     * map to index position % capacity). Never smaller than what is held.
     */
    void resize(int capacity) {
        int held = held();
        if (held == 0) {
            // nothing to move: the new ring comes with the next byte
            ring = UNALLOCATED;
            this.capacity = capacity;
            return;
        }
        this.capacity = Math.max(capacity, held);
        relayout(Math.max(held, Math.min(ring.length, this.capacity)));
    }

    /** Bytes from the first unread one to the end of the highest out-of-order range. */
    private int held() {
        long high = rangeCount > 0 ? rangeEnd[rangeCount - 1] : inOrderEnd;
        return (int) (high - readPosition);
    }

    /**
     * The size of a ring of {@code current} bytes that must hold {@code need}: doubled (from
     * {@link #MIN_RING}) until it does, never above {@code capacity} (need never is).
     */
    static int ringSize(int current, int need, int capacity) {
        int size = Math.max(current, MIN_RING);
        while (size < need) {
            size = size > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE - 8 : size * 2;
        }
        return Math.min(size, Math.max(capacity, need));
    }

    /** Moves every held byte to its place in a new ring of {@code size} bytes (index = position % size). */
    private void relayout(int size) {
        long high = readPosition + held();
        byte[] next = new byte[size];
        for (long p = readPosition; p < high;) {
            int from = (int) (p % ring.length);
            int to = (int) (p % next.length);
            int n = (int) Math.min(high - p, Math.min(ring.length - from, next.length - to));
            System.arraycopy(ring, from, next, to, n);
            p += n;
        }
        ring = next;
    }

    int capacity() {
        return capacity;
    }

    /** True while a ring is allocated (for tests). */
    boolean allocated() {
        return ring != UNALLOCATED;
    }

    /** In-order bytes waiting to be read (Recv-Q). */
    int readable() {
        return (int) (inOrderEnd - readPosition);
    }

    /** Room after the in-order bytes: the receive window to offer (RFC 9293 3.8.6.2). */
    int window() {
        return capacity - readable();
    }

    /**
     * Stores {@code count} bytes from {@code from} at {@code index} whose first byte is
     * {@code offset} bytes after RCV.NXT (0: in order). Bytes beyond the buffer's end are cut
     * off (the sender overran the window). Returns how far RCV.NXT moves (0 for a segment
     * only queued out of order), or -1 when the segment was out of order and the queue had no
     * room for another range (nothing stored).
     */
    int store(long offset, PacketBuffer from, int index, int count) {
        long start = inOrderEnd + Math.max(0, offset);
        long end = Math.min(inOrderEnd + offset + count, readPosition + capacity);
        if (end <= start) {
            return 0;
        }
        if (end - readPosition > ring.length) {
            // grow before the ranges change: the bytes held so far move to the larger ring
            relayout(ringSize(ring.length, (int) (end - readPosition), capacity));
        }
        if (start > inOrderEnd && !insertRange(start, end)) {
            return -1;
        }
        int skip = (int) (start - (inOrderEnd + offset));
        copyIn(start, from, index + skip, (int) (end - start));
        if (start > inOrderEnd) {
            return 0;
        }
        long before = inOrderEnd;
        inOrderEnd = end;
        // the gap may be filled: join the ranges now reached
        int joined = 0;
        while (joined < rangeCount && rangeStart[joined] <= inOrderEnd) {
            inOrderEnd = Math.max(inOrderEnd, rangeEnd[joined]);
            joined++;
        }
        if (joined > 0) {
            System.arraycopy(rangeStart, joined, rangeStart, 0, rangeCount - joined);
            System.arraycopy(rangeEnd, joined, rangeEnd, 0, rangeCount - joined);
            rangeCount -= joined;
        }
        return (int) (inOrderEnd - before);
    }

    /** Adds [start, end) to the ranges, merging every range it touches; false when full. */
    private boolean insertRange(long start, long end) {
        int first = 0;
        while (first < rangeCount && rangeEnd[first] < start) {
            first++;
        }
        int last = first; // ranges [first, last) touch or overlap the new one
        while (last < rangeCount && rangeStart[last] <= end) {
            last++;
        }
        if (first == last) {
            if (rangeCount == MAX_RANGES) {
                return false;
            }
            System.arraycopy(rangeStart, first, rangeStart, first + 1, rangeCount - first);
            System.arraycopy(rangeEnd, first, rangeEnd, first + 1, rangeCount - first);
            rangeStart[first] = start;
            rangeEnd[first] = end;
            rangeCount++;
            return true;
        }
        long mergedStart = Math.min(start, rangeStart[first]);
        long mergedEnd = Math.max(end, rangeEnd[last - 1]);
        rangeStart[first] = mergedStart;
        rangeEnd[first] = mergedEnd;
        int removed = last - first - 1;
        if (removed > 0) {
            System.arraycopy(rangeStart, last, rangeStart, first + 1, rangeCount - last);
            System.arraycopy(rangeEnd, last, rangeEnd, first + 1, rangeCount - last);
            rangeCount -= removed;
        }
        return true;
    }

    /** The index of the out-of-order range holding {@code position}, or -1. */
    int rangeOf(long position) {
        for (int i = 0; i < rangeCount; i++) {
            if (position < rangeStart[i]) {
                return -1;
            }
            if (position < rangeEnd[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Out-of-order data arrived at {@code position}: its range becomes the first SACK block (RFC 2018 4). */
    void noteOutOfOrder(long position) {
        int range = rangeOf(position);
        if (range < 0) {
            return;
        }
        int kept = 0;
        for (int i = 0; i < recentCount && kept < recent.length - 1; i++) {
            int r = rangeOf(recent[i]);
            if (r >= 0 && r != range) {
                recent[1 + kept++] = recent[i];
            }
        }
        recent[0] = position;
        recentCount = kept + 1;
    }

    private void copyIn(long position, PacketBuffer from, int index, int count) {
        int at = (int) (position % ring.length);
        int first = Math.min(count, ring.length - at);
        from.getBytes(index, ring, at, first);
        if (count > first) {
            from.getBytes(index + first, ring, 0, count - first);
        }
    }

    /** Copies in-order bytes into {@code into}; returns the count. */
    int read(ByteBuffer into) {
        int n = Math.min(into.remaining(), readable());
        if (n == 0) {
            return 0;
        }
        int at = (int) (readPosition % ring.length);
        int first = Math.min(n, ring.length - at);
        into.put(ring, at, first);
        if (n > first) {
            into.put(ring, 0, n - first);
        }
        readPosition += n;
        return n;
    }
}
