package dev.strata.link.tap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkStatistics;
import dev.strata.api.link.ReceiveBatch;

/**
 * A link over an open Linux TAP file descriptor.
 *
 * <p>Receive: one reader thread ({@code strata-tap-NAME}) polls the TAP descriptor and an
 * eventfd (written by {@link #close()} to wake it); when the TAP is readable it drains it with
 * read(2) until EAGAIN, each frame into a pooled buffer that goes to the current receiver on
 * this thread, in {@link ReceiveBatch}es of at most {@value #BATCH_FRAMES} frames (what the
 * layers above defer to a batch's end runs on this thread as it ends). Transmit: write(2) from the caller's thread, one frame per call (a TAP
 * descriptor takes exactly one frame per write). Both use directly mapped calls on the
 * buffers' native addresses, resolved once per buffer, so nothing is allocated per packet.
 *
 * <p>The descriptors are closed by the reader thread when it ends, after waiting for the
 * writes in progress, so a descriptor number is never written to after it might have been
 * reused. Closing the last descriptor of a non-persistent TAP makes the device disappear.
 */
final class TapLink implements Link {

    /** Ethernet II header: destination, source, EtherType. */
    static final int ETHERNET_HEADER = 14;
    /** How long close() waits for the reader thread (it may be inside a receiver). */
    static final long CLOSE_WAIT_MILLIS = 2000;
    /**
     * Frames per receive batch ({@link ReceiveBatch}): as Linux's NAPI weight (64), so that what
     * layers above defer to a batch's end (an ACK, an application's wake-up) waits for no more.
     */
    static final int BATCH_FRAMES = 64;
    /** The largest IPv4 datagram, which is what a GSO packet from the kernel can be. */
    static final int MAX_GSO_DATAGRAM = 65535;
    /** Read failures in a row, other than EAGAIN, after which the device is given up as gone. */
    static final int MAX_CONSECUTIVE_ERRORS = 100;

    private final String name;
    private final long macAddress;
    private final int mtu;
    private final int tunFd;
    private final int eventFd;
    private final BufferPool pool;
    private final boolean largeFrames;
    private final boolean vnetHeader;
    private final LinkStatistics statistics = new LinkStatistics();
    private final Consumer<TapLink> onClose;
    private final Thread reader;

    /** Two struct pollfd: the TAP descriptor and the wake-up eventfd. */
    private final ByteBuffer pollFds = ByteBuffer.allocateDirect(2 * TapIo.POLLFD_SIZE).order(ByteOrder.nativeOrder());
    private final long pollFdsAddress = Pointer.nativeValue(Native.getDirectBufferPointer(pollFds));
    /** The 8-byte counter written to the eventfd to wake the reader. */
    private final ByteBuffer wakeValue = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 1);
    private final long wakeValueAddress = Pointer.nativeValue(Native.getDirectBufferPointer(wakeValue));

    private final Object lock = new Object();
    /** Writes in progress; the descriptor is closed only when none is. */
    private final AtomicInteger transmitting = new AtomicInteger();
    private volatile boolean open = true;
    private final long busyPollNanos;
    private volatile LinkReceiver receiver;
    private boolean closeRequested;
    private boolean descriptorsClosed;

    /**
     * Takes over {@code tunFd} (closing it if this constructor fails) and starts the reader.
     */
    TapLink(String name, long macAddress, int mtu, int tunFd, BufferPool pool, Consumer<TapLink> onClose) throws IOException {
        this(name, macAddress, mtu, tunFd, pool, onClose, 0);
    }

    /**
     * @param busyPollNanos how long the reader keeps polling without sleeping after the last
     *     frame (0: always sleep in poll(2) when the queue is empty)
     */
    TapLink(String name, long macAddress, int mtu, int tunFd, BufferPool pool, Consumer<TapLink> onClose, long busyPollNanos)
            throws IOException {
        this(name, macAddress, mtu, tunFd, pool, onClose, busyPollNanos, false);
    }

    /**
     * @param vnetHeader the descriptor was attached with IFF_VNET_HDR: every frame read or
     *     written carries a {@link VirtioNetHeader} first (offloads; {@link TapOpener})
     */
    TapLink(String name, long macAddress, int mtu, int tunFd, BufferPool pool, Consumer<TapLink> onClose, long busyPollNanos,
            boolean vnetHeader) throws IOException {
        this.busyPollNanos = busyPollNanos;
        this.vnetHeader = vnetHeader;
        this.name = name;
        this.macAddress = macAddress;
        this.mtu = mtu;
        this.tunFd = tunFd;
        this.pool = pool;
        this.onClose = onClose;
        // with offloads the kernel hands over TCP segments of up to 64 KB
        this.largeFrames = vnetHeader || mtu + ETHERNET_HEADER > pool.frameCapacity();
        try {
            this.eventFd = LibC.get().eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        } catch (LastErrorException e) {
            TapOpener.closeQuietly(tunFd);
            throw new IOException("cannot open TAP device " + name + ": eventfd: " + TapOpener.describe(e.getErrorCode()));
        }
        pollFds.putInt(TapIo.POLLFD_FD, tunFd);
        pollFds.putShort(TapIo.POLLFD_EVENTS, TapIo.POLLIN);
        pollFds.putInt(TapIo.POLLFD_SIZE + TapIo.POLLFD_FD, eventFd);
        pollFds.putShort(TapIo.POLLFD_SIZE + TapIo.POLLFD_EVENTS, TapIo.POLLIN);
        reader = new Thread(this::readLoop, "strata-tap-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long macAddress() {
        return macAddress;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public boolean isLoopback() {
        return false;
    }

    /** With offloads, the kernel takes TCP/IPv4 datagrams of up to 64 KB and segments and checksums them itself. */
    @Override
    public int gsoMaxSize() {
        return vnetHeader ? MAX_GSO_DATAGRAM : 0;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void setReceiver(LinkReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public boolean transmit(PacketBuffer frame) {
        // Announce the write before checking open: the reader checks them in the other order
        // before closing the descriptor, so one of the two sees the other.
        transmitting.incrementAndGet();
        try {
            if (!open) {
                statistics.transmitDropped();
                return false;
            }
            int length = frame.length();
            if (length <= 0) {
                statistics.transmitError();
                return false;
            }
            if (vnetHeader) {
                // the checksum and segmentation the transport left to the device, if any
                if (frame.headroom() < VirtioNetHeader.LENGTH) {
                    statistics.transmitError();
                    return false;
                }
                int at = frame.prepend(VirtioNetHeader.LENGTH);
                if (!VirtioNetHeader.write(frame, at)) {
                    statistics.transmitError();
                    return false;
                }
                length += VirtioNetHeader.LENGTH;
            } else if (frame.checksumPartial() && !VirtioNetHeader.completeChecksum(frame)) {
                statistics.transmitError();
                return false;
            }
            long written = TapIo.write(tunFd, address(frame) + frame.start(), length);
            if (written != length) {
                statistics.transmitError();
                return false;
            }
            statistics.transmitted(vnetHeader ? length - VirtioNetHeader.LENGTH : length);
            return true;
        } finally {
            transmitting.decrementAndGet();
            frame.release();
        }
    }

    @Override
    public LinkStatistics statistics() {
        return statistics;
    }

    /**
     * Wakes the reader, waits for it (at most {@value #CLOSE_WAIT_MILLIS} ms: it may be inside
     * a receiver) and so releases the device. Idempotent; callable from any thread, the reader
     * included.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closeRequested) {
                return;
            }
            closeRequested = true;
            open = false;
            if (!descriptorsClosed) {
                TapIo.write(eventFd, wakeValueAddress, 8);
            }
        }
        if (Thread.currentThread() != reader) {
            try {
                reader.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "TapLink[" + name + (open ? ", open" : ", closed") + "]";
    }

    /** True once the descriptors are closed (the device is released); for tests. */
    boolean released() {
        synchronized (lock) {
            return descriptorsClosed;
        }
    }

    private void readLoop() {
        PacketBuffer spare = null;
        int errors = 0;
        // Busy polling (as Linux's net.core.busy_poll): for busyPollNanos after the last frame
        // the reader polls without sleeping, so the next frame of a conversation is read
        // without a thread wake-up, which costs tens of microseconds on a virtual machine.
        // An idle link sleeps in poll(2) and costs nothing.
        long lastFrame = 0;
        boolean spinning = false;
        try {
            while (open) {
                int ready = TapIo.poll(pollFdsAddress, 2, spinning ? 0 : -1);
                if (ready == 0) {
                    spinning = System.nanoTime() - lastFrame < busyPollNanos;
                    // Linux's napi_busy_loop gives way whenever another task wants the CPU
                    // (need_resched()): yield (sched_yield(2), cheap when nobody waits) rather
                    // than spin on, or on two vCPUs the spinning reader starves the very peer
                    // whose reply it waits for (a kernel reader draining our TCP stream).
                    Thread.yield();
                    continue;
                }
                if (ready < 0) {
                    if (Native.getLastError() == LibC.EINTR) {
                        continue;
                    }
                    statistics.receiveError();
                    break;
                }
                if (!open || pollFds.getShort(TapIo.POLLFD_SIZE + TapIo.POLLFD_REVENTS) != 0) {
                    break;
                }
                short revents = pollFds.getShort(TapIo.POLLFD_REVENTS);
                if ((revents & (TapIo.POLLERR | TapIo.POLLHUP | TapIo.POLLNVAL)) != 0) {
                    // The device went away under us (deleted, or the descriptor is bad).
                    statistics.receiveError();
                    break;
                }
                if ((revents & TapIo.POLLIN) == 0) {
                    continue;
                }
                // Drain: one read(2) per frame until the queue is empty (EAGAIN), in batches of
                // at most BATCH_FRAMES whose end runs what the layers above deferred to it
                ReceiveBatch batch = ReceiveBatch.current();
                batch.begin();
                int inBatch = 0;
                try {
                    while (open) {
                        if (spare == null) {
                            spare = allocate();
                        }
                        int start = spare.start();
                        long n = TapIo.read(tunFd, address(spare) + start, spare.capacity() - start);
                        if (n <= 0) {
                            int errno = n < 0 ? Native.getLastError() : 0;
                            if (errno == LibC.EAGAIN) {
                                errors = 0;
                                break;
                            }
                            if (errno == LibC.EINTR) {
                                continue;
                            }
                            statistics.receiveError();
                            if (++errors >= MAX_CONSECUTIVE_ERRORS) {
                                return;
                            }
                            break;
                        }
                        errors = 0;
                        if (busyPollNanos > 0) {
                            lastFrame = System.nanoTime();
                            spinning = true;
                        }
                        PacketBuffer frame = spare;
                        spare = null;
                        frame.region(start, start + (int) n);
                        if (vnetHeader && !VirtioNetHeader.apply(frame)) {
                            statistics.receiveError();
                            frame.release();
                            continue;
                        }
                        deliver(frame, frame.length());
                        if (++inBatch == BATCH_FRAMES) {
                            inBatch = 0;
                            batch.end();
                            batch.begin();
                        }
                    }
                } finally {
                    batch.end();
                }
            }
        } catch (Throwable t) {
            // Nothing below should throw (a pool that cannot allocate, say); end cleanly.
            statistics.receiveError();
        } finally {
            if (spare != null) {
                spare.release();
            }
            releaseDevice();
        }
    }

    private void deliver(PacketBuffer frame, int length) {
        statistics.received(length);
        LinkReceiver current = receiver;
        if (current == null) {
            statistics.receiveDropped();
            frame.release();
            return;
        }
        try {
            current.receive(frame);
        } catch (Throwable t) {
            // The receiver owns the frame even when it throws: count it and keep reading.
            statistics.receiveError();
        }
    }

    private PacketBuffer allocate() {
        if (vnetHeader) {
            // a GSO packet: up to 64 KB of IPv4 datagram behind its Ethernet and virtio headers
            return pool.allocate(Math.max(mtu, MAX_GSO_DATAGRAM) + ETHERNET_HEADER + VirtioNetHeader.LENGTH);
        }
        return largeFrames ? pool.allocate(mtu + ETHERNET_HEADER) : pool.allocate();
    }

    /** Runs once, on the reader thread as it ends: waits out the writes in progress, then closes both descriptors. */
    private void releaseDevice() {
        open = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (transmitting.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000);
        }
        synchronized (lock) {
            descriptorsClosed = true;
            TapOpener.closeQuietly(tunFd);
            TapOpener.closeQuietly(eventFd);
        }
        onClose.accept(this);
    }

    /** The native address of the buffer's memory, resolved once per pooled buffer. */
    private static long address(PacketBuffer buffer) {
        long address = buffer.address();
        if (address == 0) {
            address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer.memory()));
            buffer.address(address);
        }
        return address;
    }
}
