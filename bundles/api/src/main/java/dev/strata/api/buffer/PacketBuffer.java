package dev.strata.api.buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.strata.api.netif.NetworkInterface;

/**
 * One packet in a region {@code [start, end)} of pooled direct memory, in the spirit of
 * Linux's {@code sk_buff} and Netty's pooled buffers.
 *
 * <p>The region leaves <em>headroom</em> before {@code start}: on the way out each layer
 * calls {@link #prepend(int)} and writes its header in front of the payload, so nothing is
 * copied between the socket and the link. On the way in each layer reads its header at
 * {@link #start()}, records where it was ({@link #networkOffset()} and friends) and calls
 * {@link #advance(int)} to hand the payload to the layer above.
 *
 * <p>All accessors take absolute indices into the underlying memory, in network byte
 * order; header views (flyweights) keep an index and read through them. A buffer is owned
 * by one party at a time: passing it to a {@code receive}, {@code send} or {@code transmit}
 * method hands it over; otherwise the holder calls {@link #release()} exactly once.
 *
 * <p>Not thread-safe: it is only ever touched by its current owner.
 */
public final class PacketBuffer {

    private final ByteBuffer memory;
    private long address;
    private final BufferPool pool;
    private final int defaultHeadroom;

    private int start;
    private int end;
    private int linkOffset = -1;
    private int networkOffset = -1;
    private int transportOffset = -1;
    private NetworkInterface inputInterface;
    private boolean checksumVerified;
    private boolean checksumPartial;
    private int gsoSize;
    private boolean free;

    PacketBuffer(ByteBuffer memory, BufferPool pool, int defaultHeadroom) {
        this.memory = memory.order(ByteOrder.BIG_ENDIAN);
        this.pool = pool;
        this.defaultHeadroom = defaultHeadroom;
        reset();
    }

    /** Empties the buffer: no data, default headroom, no metadata. */
    public PacketBuffer reset() {
        start = defaultHeadroom;
        end = defaultHeadroom;
        linkOffset = -1;
        networkOffset = -1;
        transportOffset = -1;
        inputInterface = null;
        checksumVerified = false;
        checksumPartial = false;
        gsoSize = 0;
        return this;
    }

    /** Returns this buffer to its pool. The caller must not touch it afterwards. */
    public void release() {
        pool.release(this);
    }

    boolean markFree() {
        if (free) {
            return false;
        }
        free = true;
        return true;
    }

    void markInUse() {
        free = false;
    }

    // ---- region ------------------------------------------------------------------------

    /** The direct memory behind this buffer, for bulk I/O; positions and limits are the caller's to set. */
    public ByteBuffer memory() {
        return memory;
    }

    /**
     * Native address of index 0 of {@link #memory()}, for link drivers that call
     * read(2)/write(2) directly; 0 until a driver has resolved it with
     * {@link #address(long)}. The memory of a pooled buffer never moves, so a driver
     * resolves it once per buffer, not once per packet.
     */
    public long address() {
        return address;
    }

    /** Records the native address of {@link #memory()}, as resolved by a link driver. */
    public void address(long nativeAddress) {
        address = nativeAddress;
    }

    /** Total size of the memory behind the buffer. */
    public int capacity() {
        return memory.capacity();
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    public int length() {
        return end - start;
    }

    public int headroom() {
        return start;
    }

    public int tailroom() {
        return memory.capacity() - end;
    }

    /** Sets the data region to {@code [start, end)}. */
    public PacketBuffer region(int start, int end) {
        if (start < 0 || end < start || end > memory.capacity()) {
            throw new IndexOutOfBoundsException("region [" + start + ", " + end + ") of " + memory.capacity());
        }
        this.start = start;
        this.end = end;
        return this;
    }

    /** Grows the region by {@code n} bytes at the front and returns the new start, where the caller writes its header. */
    public int prepend(int n) {
        if (n < 0 || n > start) {
            throw new IndexOutOfBoundsException("prepend " + n + " with headroom " + start);
        }
        start -= n;
        return start;
    }

    /** Drops {@code n} bytes from the front of the region (a header that has been read). */
    public void advance(int n) {
        if (n < 0 || n > end - start) {
            throw new IndexOutOfBoundsException("advance " + n + " of " + (end - start));
        }
        start += n;
    }

    /** Grows the region by {@code n} bytes at the end and returns the old end, where the caller writes. */
    public int append(int n) {
        if (n < 0 || n > memory.capacity() - end) {
            throw new IndexOutOfBoundsException("append " + n + " with tailroom " + (memory.capacity() - end));
        }
        int at = end;
        end += n;
        return at;
    }

    /** Cuts the region to its first {@code length} bytes (padding after an IP datagram, say). */
    public void truncate(int length) {
        if (length < 0 || length > end - start) {
            throw new IndexOutOfBoundsException("truncate to " + length + " of " + (end - start));
        }
        end = start + length;
    }

    // ---- metadata, like sk_buff's header offsets -----------------------------------------

    /** Index of the link-layer (Ethernet) header, or -1. */
    public int linkOffset() {
        return linkOffset;
    }

    public void linkOffset(int index) {
        linkOffset = index;
    }

    /** Index of the network-layer (IPv4, ARP) header, or -1. */
    public int networkOffset() {
        return networkOffset;
    }

    public void networkOffset(int index) {
        networkOffset = index;
    }

    /** Index of the transport-layer (ICMP, UDP, TCP) header, or -1. */
    public int transportOffset() {
        return transportOffset;
    }

    public void transportOffset(int index) {
        transportOffset = index;
    }

    /** The interface a received packet arrived on; null for a packet being sent. */
    public NetworkInterface inputInterface() {
        return inputInterface;
    }

    public void inputInterface(NetworkInterface networkInterface) {
        inputInterface = networkInterface;
    }

    /**
     * True when the link vouches for the transport checksum of a received packet, as Linux's
     * CHECKSUM_UNNECESSARY (a device that verified it) or CHECKSUM_PARTIAL (a packet from the
     * local kernel, whose checksum field holds only the pseudo-header's sum): the transport
     * then does not verify it. False by default: every layer verifies.
     */
    public boolean checksumVerified() {
        return checksumVerified;
    }

    public void checksumVerified(boolean verified) {
        checksumVerified = verified;
    }

    /**
     * On a packet being sent: the transport checksum field holds only the pseudo-header's
     * folded sum and the link completes it (Linux's CHECKSUM_PARTIAL); set by a transport
     * only towards a link whose {@link dev.strata.api.link.Link#gsoMaxSize()} is not 0.
     */
    public boolean checksumPartial() {
        return checksumPartial;
    }

    public void checksumPartial(boolean partial) {
        checksumPartial = partial;
    }

    /**
     * For a received packet that is several TCP segments merged (Linux's GSO/GRO, from a TAP
     * with TSO offload): the size of the segments it was made of, as skb_shinfo's gso_size;
     * 0 for an ordinary packet. On a packet being sent, larger than one segment: the size of
     * the segments the link is to cut it into (TSO).
     */
    public int gsoSize() {
        return gsoSize;
    }

    public void gsoSize(int size) {
        gsoSize = size;
    }

    // ---- absolute access, network byte order ---------------------------------------------

    public int getU8(int index) {
        return memory.get(index) & 0xff;
    }

    public int getU16(int index) {
        return memory.getShort(index) & 0xffff;
    }

    public int getI32(int index) {
        return memory.getInt(index);
    }

    public long getU32(int index) {
        return memory.getInt(index) & 0xffff_ffffL;
    }

    /** Reads a 48-bit value (a MAC address) into the low bits of a long. */
    public long getU48(int index) {
        return ((long) getU16(index) << 32) | getU32(index + 2);
    }

    public void putU8(int index, int value) {
        memory.put(index, (byte) value);
    }

    public void putU16(int index, int value) {
        memory.putShort(index, (short) value);
    }

    public void putI32(int index, int value) {
        memory.putInt(index, value);
    }

    /** Writes the low 48 bits of {@code value} (a MAC address). */
    public void putU48(int index, long value) {
        putU16(index, (int) (value >>> 32));
        putI32(index + 2, (int) value);
    }

    public void getBytes(int index, byte[] destination, int offset, int length) {
        memory.get(index, destination, offset, length);
    }

    public void putBytes(int index, byte[] source, int offset, int length) {
        memory.put(index, source, offset, length);
    }

    /** Fills {@code length} bytes from {@code index} with {@code value}. */
    public void fill(int index, int length, int value) {
        byte b = (byte) value;
        for (int i = 0; i < length; i++) {
            memory.put(index + i, b);
        }
    }

    /** Copies {@code length} bytes from {@code source} at {@code sourceIndex} to this buffer at {@code index}. */
    public void copyFrom(PacketBuffer source, int sourceIndex, int index, int length) {
        memory.put(index, source.memory, sourceIndex, length);
    }

    /** Copies the data region into a new array; for tests and diagnostics, never on the packet path. */
    public byte[] toByteArray() {
        byte[] bytes = new byte[length()];
        getBytes(start, bytes, 0, bytes.length);
        return bytes;
    }

    @Override
    public String toString() {
        return "PacketBuffer[start=" + start + ", end=" + end + ", capacity=" + memory.capacity() + "]";
    }
}
