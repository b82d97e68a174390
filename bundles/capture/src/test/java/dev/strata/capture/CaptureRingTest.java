package dev.strata.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;

class CaptureRingTest {

    private static final int RING = 1 << 17;
    private static final int RECORD = 16 + 1514;

    private final BufferPool pool = new BufferPool();

    private static byte[] frame(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i);
        }
        return bytes;
    }

    @Test
    void countsFramesThatDoNotFitAsDroppedWithoutWaitingForTheWriter() {
        CaptureRing ring = new CaptureRing(RING);
        PacketBuffer frame = Frames.buffer(pool, frame(1514, 0));
        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            ring.add(frame, i);
        }
        long elapsed = System.nanoTime() - started;
        frame.release();
        int fit = RING / RECORD;
        assertEquals(fit, ring.captured());
        assertEquals(100 - fit, ring.dropped());
        assertEquals((long) fit * RECORD, ring.pending());
        assertTrue(elapsed < TimeUnit.SECONDS.toNanos(1), "no writer, and adding never waited: " + elapsed + " ns");
    }

    @Test
    void keepsRecordsWholeAcrossTheEndOfTheRing() throws Exception {
        CaptureRing ring = new CaptureRing(RING);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        WritableByteChannel out = Channels.newChannel(file);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        // Enough 1000-byte frames to wrap the 128 KiB ring three times, drained every 50.
        for (int i = 0; i < 400; i++) {
            byte[] bytes = frame(1000 + (i % 7), i);
            PacketBuffer frame = Frames.buffer(pool, bytes);
            ring.add(frame, 1_000_000_000L * i + i);
            frame.release();
            byte[] header = java.nio.ByteBuffer.allocate(16).putInt(i).putInt(i).putInt(bytes.length).putInt(bytes.length).array();
            expected.write(header);
            expected.write(bytes);
            if (i % 50 == 49) {
                ring.drainTo(out);
            }
        }
        ring.drainTo(out);
        assertEquals(0, ring.dropped());
        assertArrayEquals(expected.toByteArray(), file.toByteArray());
    }

    @Test
    void takesNothingOnceClosed() {
        CaptureRing ring = new CaptureRing(RING);
        ring.close();
        PacketBuffer frame = Frames.buffer(pool, frame(60, 0));
        ring.add(frame, 0);
        frame.release();
        assertEquals(0, ring.captured());
        assertEquals(0, ring.dropped());
    }

    @Test
    void refusesARingThatCannotHoldTheLargestRecord() {
        assertThrows(IllegalArgumentException.class, () -> new CaptureRing(1 << 16));
        assertThrows(IllegalArgumentException.class, () -> new CaptureRing(3 << 20));
    }

    @Test
    void addsFramesWithoutAllocating() throws Exception {
        CaptureRing ring = new CaptureRing(1 << 23);
        WritableByteChannel out = new WritableByteChannel() {
            @Override
            public int write(java.nio.ByteBuffer src) {
                int n = src.remaining();
                src.position(src.limit());
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        PacketBuffer frame = Frames.buffer(pool, frame(100, 0));
        for (int i = 0; i < 20_000; i++) {
            ring.add(frame, i);
        }
        ring.drainTo(out);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int frames = 50_000;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < frames; i++) {
            ring.add(frame, i);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        frame.release();
        assertEquals(0, ring.dropped());
        assertTrue(allocated < frames, allocated + " bytes allocated for " + frames + " frames");
    }
}
