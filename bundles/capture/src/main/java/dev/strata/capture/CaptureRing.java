package dev.strata.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

import dev.strata.api.buffer.PacketBuffer;

/**
 * The bounded ring between the packet threads and the capture's writer: each frame is
 * copied in as a finished pcap record (record header and data), so the writer only moves
 * bytes to the file. Preallocated once; adding a frame allocates nothing and never waits
 * for the writer: a frame that does not fit is counted as dropped.
 *
 * <p>Many packet threads may add at once (a short lock around the copy); one writer drains.
 * The bytes between {@code head} and {@code tail} are the writer's to read without the
 * lock: producers only write past {@code tail}, and only the writer moves {@code head}.
 */
final class CaptureRing {

    private final byte[] ring;
    private final int mask;
    private final ByteBuffer view;
    private long head;
    private long tail;
    private long captured;
    private long dropped;
    private boolean closed;

    /** @param capacity bytes, a power of two of at least one largest record */
    CaptureRing(int capacity) {
        if (Integer.bitCount(capacity) != 1 || capacity < PcapFormat.RECORD_HEADER_LENGTH + PcapFormat.SNAPLEN) {
            throw new IllegalArgumentException("ring capacity must be a power of two of at least 64 KiB: " + capacity);
        }
        this.ring = new byte[capacity];
        this.mask = capacity - 1;
        this.view = ByteBuffer.wrap(ring);
    }

    /**
     * Copies {@code frame}'s region in as one record, or counts it dropped when the ring has
     * no room for it (or the capture is closing). Called on the packet threads.
     */
    void add(PacketBuffer frame, long timestampNanos) {
        int length = frame.length();
        int included = PcapFormat.capturedLength(length);
        int need = PcapFormat.RECORD_HEADER_LENGTH + included;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (ring.length - (tail - head) < need) {
                dropped++;
                return;
            }
            int at = (int) tail & mask;
            putInt(at + PcapFormat.OFFSET_TS_SECONDS, PcapFormat.seconds(timestampNanos));
            putInt(at + PcapFormat.OFFSET_TS_NANOSECONDS, PcapFormat.nanoseconds(timestampNanos));
            putInt(at + PcapFormat.OFFSET_CAPTURED_LENGTH, included);
            putInt(at + PcapFormat.OFFSET_ORIGINAL_LENGTH, length);
            int data = (at + PcapFormat.RECORD_HEADER_LENGTH) & mask;
            int first = Math.min(included, ring.length - data);
            frame.getBytes(frame.start(), ring, data, first);
            if (first < included) {
                frame.getBytes(frame.start() + first, ring, 0, included - first);
            }
            tail += need;
            captured++;
            notifyAll();
        }
    }

    private void putInt(int at, int value) {
        ring[at & mask] = (byte) (value >>> 24);
        ring[(at + 1) & mask] = (byte) (value >>> 16);
        ring[(at + 2) & mask] = (byte) (value >>> 8);
        ring[(at + 3) & mask] = (byte) value;
    }

    /**
     * Writes every whole record in the ring to {@code out} and frees their room. Called by the
     * writer only.
     *
     * @return the bytes written
     */
    long drainTo(WritableByteChannel out) throws IOException {
        long from;
        long to;
        synchronized (this) {
            from = head;
            to = tail;
        }
        if (from == to) {
            return 0;
        }
        int at = (int) from & mask;
        int length = (int) (to - from);
        int first = Math.min(length, ring.length - at);
        writeFully(out, at, first);
        if (first < length) {
            writeFully(out, 0, length - first);
        }
        synchronized (this) {
            head = to;
        }
        return length;
    }

    private void writeFully(WritableByteChannel out, int at, int length) throws IOException {
        view.limit(at + length).position(at);
        while (view.hasRemaining()) {
            out.write(view);
        }
    }

    /** Throws away what the ring holds (the file cannot be written): room for new frames. */
    synchronized void discard() {
        head = tail;
    }

    /**
     * Waits up to {@code millis} for a record to drain.
     *
     * @return true if there is something to drain
     */
    synchronized boolean awaitData(long millis) throws InterruptedException {
        if (head == tail && !closed) {
            wait(millis);
        }
        return head != tail;
    }

    /** Takes no more frames: what comes after is neither stored nor counted. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Frames stored. */
    synchronized long captured() {
        return captured;
    }

    /** Frames that did not fit. */
    synchronized long dropped() {
        return dropped;
    }

    /** Bytes waiting for the writer. */
    synchronized long pending() {
        return tail - head;
    }
}
