package dev.strata.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.netif.FrameTap;
import dev.strata.api.netif.NetworkInterface;

/**
 * One capture into one pcap file: the {@link FrameTap} copies each frame into the
 * {@link CaptureRing} on the packet thread and returns; the writer thread
 * ({@value #THREAD_NAME}) moves the ring into the file.
 */
final class CaptureSession implements FrameTap {

    static final String THREAD_NAME = "strata-capture";
    /** 8 MiB: a burst of about 5,500 full-size frames while the disk is slow. */
    static final int DEFAULT_RING_BYTES = 8 << 20;
    /** How long the writer sleeps with nothing to write before it looks again (it is woken by every frame anyway). */
    private static final long IDLE_MILLIS = 100;

    private final Path file;
    private final String interfaceName;
    private final CaptureRing ring;
    private final FileChannel channel;
    private final Thread writer;
    private volatile IOException writeFailure;

    /**
     * Creates (or truncates) {@code file} and writes the pcap file header; the writer starts
     * with {@link #start}.
     *
     * @param interfaceName the interface captured, or null for every interface
     * @throws IOException if the file cannot be created or written
     */
    CaptureSession(Path file, String interfaceName, int ringBytes) throws IOException {
        this.file = file;
        this.interfaceName = interfaceName;
        this.ring = new CaptureRing(ringBytes);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = ByteBuffer.wrap(PcapFormat.fileHeader());
            while (header.hasRemaining()) {
                channel.write(header);
            }
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        this.writer = new Thread(this::writeLoop, THREAD_NAME);
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    Path file() {
        return file;
    }

    /** The interface captured, or null for every interface. */
    String interfaceName() {
        return interfaceName;
    }

    @Override
    public void frame(NetworkInterface networkInterface, PacketBuffer frame, boolean outbound, long timestampNanos) {
        if (outbound && networkInterface.isLoopback()) {
            // A loopback frame is seen leaving and again arriving; Linux's tcpdump -i lo shows
            // it once (checked here: one ping, two lines), so keep the arrival only.
            return;
        }
        ring.add(frame, timestampNanos);
    }

    private void writeLoop() {
        try {
            while (!ring.isClosed()) {
                if (ring.awaitData(IDLE_MILLIS)) {
                    drain();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Closed: no frame is added any more; what is in the ring goes to the file.
        drain();
    }

    private void drain() {
        if (writeFailure != null) {
            ring.discard();
            return;
        }
        try {
            ring.drainTo(channel);
        } catch (IOException e) {
            // A full disk, say: the capture goes on counting, the summary reports the error.
            writeFailure = e;
            ring.discard();
        }
    }

    /**
     * Stops taking frames, writes what the ring holds, and closes the file. Remove the tap
     * first, so that no frame arrives after this.
     *
     * @return what {@code capture stop} prints
     */
    Summary stop() throws InterruptedException {
        ring.close();
        writer.join();
        IOException failure = writeFailure;
        try {
            channel.force(false);
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        try {
            channel.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        return new Summary(ring.captured(), ring.dropped(), failure);
    }

    /** Frames so far, for a test. */
    long captured() {
        return ring.captured();
    }

    long dropped() {
        return ring.dropped();
    }

    /**
     * What a capture did.
     *
     * @param captured frames in the file
     * @param dropped frames that did not fit in the ring
     * @param failure why the file could not be written, or null
     */
    record Summary(long captured, long dropped, IOException failure) {

        /** {@code N packets captured, M dropped}, as tcpdump ends. */
        String line() {
            return captured + " packets captured, " + dropped + " dropped";
        }
    }
}
