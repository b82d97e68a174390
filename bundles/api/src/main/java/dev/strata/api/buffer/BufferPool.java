package dev.strata.api.buffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of {@link PacketBuffer}s in two size classes: <em>frame</em> buffers, large enough
 * for one Ethernet frame at the default MTU plus headroom, and <em>large</em> buffers for
 * anything up to a 64 KiB IP datagram (reassembly, jumbo frames, offloaded segments).
 *
 * <p>Allocation and release take a short lock and allocate nothing once the pool is warm.
 * When a class is empty, a new buffer is made (counted in {@link #created()}); released
 * buffers beyond the class's limit are left to the garbage collector.
 * {@link #outstanding()} is the number of buffers handed out and not yet released: tests
 * assert it returns to its starting value, which catches leaks.
 */
public final class BufferPool {

    /** Bytes reserved in front of the data of a fresh buffer: enough for a virtio-net header, Ethernet, IPv4 and TCP with options. */
    public static final int DEFAULT_HEADROOM = 192;
    /** Size of a frame buffer: headroom plus a 1514-byte frame, rounded up. */
    public static final int FRAME_BUFFER_SIZE = 2048;
    /** Size of a large buffer: headroom plus the largest IPv4 datagram and an Ethernet header. */
    public static final int LARGE_BUFFER_SIZE = 65536 + 1024;

    private final SizeClass frames;
    private final SizeClass large;
    private final int headroom;
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong created = new AtomicLong();

    /** A pool with the default sizes, keeping up to 4096 frame and 64 large buffers. */
    public BufferPool() {
        this(FRAME_BUFFER_SIZE, LARGE_BUFFER_SIZE, DEFAULT_HEADROOM, 4096, 64);
    }

    public BufferPool(int frameSize, int largeSize, int headroom, int maxFrames, int maxLarge) {
        if (headroom < 0 || frameSize <= headroom || largeSize < frameSize) {
            throw new IllegalArgumentException("bad pool geometry");
        }
        this.headroom = headroom;
        this.frames = new SizeClass(frameSize, maxFrames);
        this.large = new SizeClass(largeSize, maxLarge);
    }

    /** A frame buffer: at least {@link #frameCapacity()} bytes after the headroom. */
    public PacketBuffer allocate() {
        return take(frames);
    }

    /**
     * A buffer with room for {@code length} bytes of data after the default headroom.
     *
     * @throws IllegalArgumentException if no size class is that large
     */
    public PacketBuffer allocate(int length) {
        if (length <= frames.size - headroom) {
            return take(frames);
        }
        if (length <= large.size - headroom) {
            return take(large);
        }
        throw new IllegalArgumentException("no buffer of " + length + " bytes (largest " + (large.size - headroom) + ")");
    }

    /** Bytes of data a frame buffer holds after its headroom. */
    public int frameCapacity() {
        return frames.size - headroom;
    }

    /** Bytes of data a large buffer holds after its headroom. */
    public int largeCapacity() {
        return large.size - headroom;
    }

    public int headroom() {
        return headroom;
    }

    /** Buffers handed out and not yet released. */
    public long outstanding() {
        return outstanding.get();
    }

    /** Buffers made since the pool was created (a warm pool stops making them). */
    public long created() {
        return created.get();
    }

    void release(PacketBuffer buffer) {
        if (!buffer.markFree()) {
            throw new IllegalStateException("buffer released twice: " + buffer);
        }
        outstanding.decrementAndGet();
        SizeClass sizeClass = buffer.capacity() == frames.size ? frames : large;
        sizeClass.put(buffer);
    }

    private PacketBuffer take(SizeClass sizeClass) {
        PacketBuffer buffer = sizeClass.poll();
        if (buffer == null) {
            ByteBuffer memory = ByteBuffer.allocateDirect(sizeClass.size);
            buffer = new PacketBuffer(memory, this, headroom);
            created.incrementAndGet();
        } else {
            buffer.reset();
        }
        buffer.markInUse();
        outstanding.incrementAndGet();
        return buffer;
    }

    /** A bounded LIFO stack of free buffers; LIFO keeps recently used memory in cache. */
    private static final class SizeClass {
        final int size;
        private final PacketBuffer[] stack;
        private int top;

        SizeClass(int size, int max) {
            this.size = size;
            this.stack = new PacketBuffer[max];
        }

        synchronized PacketBuffer poll() {
            if (top == 0) {
                return null;
            }
            PacketBuffer buffer = stack[--top];
            stack[top] = null;
            return buffer;
        }

        synchronized void put(PacketBuffer buffer) {
            if (top < stack.length) {
                stack[top++] = buffer;
            }
        }
    }
}
