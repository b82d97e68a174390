package dev.strata.link.loopback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkRequest;

class LoopbackLinkTest {

    private final BufferPool pool = new BufferPool();
    private final LoopbackLinkProvider provider = new LoopbackLinkProvider();
    private long outstandingBefore;

    @BeforeEach
    void rememberOutstanding() {
        outstandingBefore = pool.outstanding();
    }

    @AfterEach
    void closeEverythingAndCheckForLeaks() {
        provider.deactivate();
        assertEquals(outstandingBefore, pool.outstanding(), "leaked buffers");
    }

    /** A frame whose region holds {@code marker} and a few bytes after a 14-byte header. */
    private PacketBuffer frame(int marker) {
        PacketBuffer buffer = pool.allocate();
        int at = buffer.append(20);
        buffer.fill(at, 20, 0);
        buffer.putU16(at + 12, 0x0800);
        buffer.putI32(at + 14, marker);
        return buffer;
    }

    /** Records each frame's marker and releases it, as a well-behaved receiver does. */
    private static final class Recorder implements LinkReceiver {
        final BlockingQueue<Integer> markers = new LinkedBlockingQueue<>();
        final BlockingQueue<String> threads = new LinkedBlockingQueue<>();

        @Override
        public void receive(PacketBuffer frame) {
            threads.add(Thread.currentThread().getName());
            markers.add(frame.getI32(frame.start() + 14));
            frame.release();
        }
    }

    @Test
    void reportsLoopbackIdentityWithZeroMacAndDefaultMtu() throws IOException {
        Link link = provider.open(LinkRequest.of("lo"));
        assertEquals("lo", link.name());
        assertEquals(0L, link.macAddress());
        assertEquals(65536, link.mtu());
        assertTrue(link.isLoopback());
        assertTrue(link.isOpen());
    }

    @Test
    void usesTheRequestedMtuAndIgnoresTheRequestedMac() throws IOException {
        Link link = provider.open(new LinkRequest("lo", 16384, 0x0200_0000_0001L, null));
        assertEquals(16384, link.mtu());
        assertEquals(0L, link.macAddress());
    }

    @Test
    void framesComeBackInOrderOnTheDeliveryThread() throws Exception {
        Link link = provider.open(LinkRequest.of("lo"));
        Recorder recorder = new Recorder();
        link.setReceiver(recorder);
        for (int i = 0; i < 500; i++) {
            assertTrue(link.transmit(frame(i)));
        }
        for (int i = 0; i < 500; i++) {
            assertEquals(i, recorder.markers.poll(5, TimeUnit.SECONDS));
        }
        assertEquals("strata-lo", recorder.threads.poll());
    }

    @Test
    void countsALoopedFrameAsTransmittedAndReceived() throws Exception {
        Link link = provider.open(LinkRequest.of("lo"));
        Recorder recorder = new Recorder();
        link.setReceiver(recorder);
        link.transmit(frame(1));
        link.transmit(frame(2));
        assertNotNull(recorder.markers.poll(5, TimeUnit.SECONDS));
        assertNotNull(recorder.markers.poll(5, TimeUnit.SECONDS));
        assertEquals(2, link.statistics().txPackets());
        assertEquals(40, link.statistics().txBytes());
        assertEquals(2, link.statistics().rxPackets());
        assertEquals(40, link.statistics().rxBytes());
        assertEquals(0, link.statistics().txDropped());
    }

    @Test
    void deliversTheWholeFrameWithItsMetadataCleared() throws Exception {
        Link link = provider.open(LinkRequest.of("lo"));
        BlockingQueue<Object[]> seen = new LinkedBlockingQueue<>();
        link.setReceiver(frame -> {
            seen.add(new Object[] {frame.toByteArray(), frame.linkOffset(), frame.networkOffset()});
            frame.release();
        });
        PacketBuffer out = frame(7);
        out.networkOffset(out.start() + 14);
        out.linkOffset(out.start());
        byte[] expected = out.toByteArray();
        link.transmit(out);
        Object[] got = seen.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertArrayEquals(expected, (byte[]) got[0]);
        assertEquals(-1, got[1]);
        assertEquals(-1, got[2]);
    }

    @Test
    void dropsAndReleasesAFrameWhenNoReceiverIsSet() throws Exception {
        Link link = provider.open(LinkRequest.of("lo"));
        link.transmit(frame(1));
        waitFor(() -> link.statistics().rxDropped() == 1);
        assertEquals(1, link.statistics().rxPackets());
        waitFor(() -> pool.outstanding() == outstandingBefore);
    }

    @Test
    void survivesAReceiverThatThrows() throws Exception {
        Link link = provider.open(LinkRequest.of("lo"));
        Recorder recorder = new Recorder();
        link.setReceiver(frame -> {
            int marker = frame.getI32(frame.start() + 14);
            if (marker == 1) {
                frame.release();
                throw new IllegalStateException("hostile receiver");
            }
            recorder.receive(frame);
        });
        link.transmit(frame(1));
        link.transmit(frame(2));
        assertEquals(2, recorder.markers.poll(5, TimeUnit.SECONDS));
        assertEquals(1, link.statistics().rxErrors());
    }

    @Test
    void countsATransmitDroppedWhenTheQueueIsFull() throws Exception {
        LoopbackLink link = new LoopbackLink("lo", 65536, 4, l -> { });
        try {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            link.setReceiver(frame -> {
                entered.countDown();
                try {
                    proceed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                frame.release();
            });
            link.transmit(frame(0));
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 4; i++) {
                assertTrue(link.transmit(frame(i)), "frame " + i);
            }
            long held = pool.outstanding();
            assertFalse(link.transmit(frame(5)));
            assertEquals(1, link.statistics().txDropped());
            assertEquals(held, pool.outstanding(), "the dropped frame is released");
            proceed.countDown();
            waitFor(() -> link.statistics().rxPackets() == 5);
        } finally {
            link.close();
        }
    }

    @Test
    void closeStopsTheThreadAndReleasesQueuedFrames() throws Exception {
        LoopbackLink link = new LoopbackLink("lo", 65536, 16, l -> { });
        CountDownLatch entered = new CountDownLatch(1);
        link.setReceiver(frame -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            frame.release();
        });
        link.transmit(frame(0));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 10; i++) {
            link.transmit(frame(i));
        }
        assertEquals(10, link.queued());
        link.close();
        assertFalse(link.isOpen());
        assertEquals(0, link.queued());
        assertEquals(10, link.statistics().txDropped());
        assertEquals(outstandingBefore, pool.outstanding());
        assertNull(threadNamed("strata-lo"), "delivery thread still running");
    }

    @Test
    void dropsAndReleasesAFrameTransmittedAfterClose() throws IOException {
        Link link = provider.open(LinkRequest.of("lo"));
        link.close();
        link.close();
        assertFalse(link.transmit(frame(1)));
        assertEquals(1, link.statistics().txDropped());
        assertEquals(outstandingBefore, pool.outstanding());
    }

    @Test
    void deactivationClosesEveryLinkAndRefusesNewOnes() throws IOException {
        Link first = provider.open(LinkRequest.of("lo"));
        Link second = provider.open(LinkRequest.of("lo1"));
        assertEquals(2, provider.openLinks());
        provider.deactivate();
        assertFalse(first.isOpen());
        assertFalse(second.isOpen());
        assertEquals(0, provider.openLinks());
        assertThrows(IOException.class, () -> provider.open(LinkRequest.of("lo")));
    }

    @Test
    void forgetsALinkClosedByItsUser() throws IOException {
        Link link = provider.open(LinkRequest.of("lo"));
        link.close();
        assertEquals(0, provider.openLinks());
    }

    @Test
    void survivesManyConcurrentSendersWithoutLosingOrLeakingFrames() throws Exception {
        Link link = provider.open(LinkRequest.of("lo"));
        Recorder recorder = new Recorder();
        link.setReceiver(recorder);
        Thread[] senders = new Thread[4];
        for (int t = 0; t < senders.length; t++) {
            senders[t] = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    link.transmit(frame(i));
                }
            });
            senders[t].start();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        waitFor(() -> link.statistics().rxPackets() + link.statistics().txDropped() == 8000);
        link.close();
        assertEquals(link.statistics().rxPackets(), recorder.markers.size());
    }

    @Test
    void allocatesNothingPerFrameOnTransmitOrDelivery() throws Exception {
        Link link = provider.open(LinkRequest.of("lo"));
        java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
        link.setReceiver(frame -> {
            delivered.incrementAndGet();
            frame.release();
        });
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Thread delivery = threadNamed("strata-lo");
        PacketBuffer[] frames = new PacketBuffer[256];
        // The fewest bytes any measured round allocated: a per-frame allocation would make every
        // round cost at least 16 bytes a frame, while the JIT or a first park may cost a few
        // bytes once (seen: 72 bytes in one round of 256 frames on a loaded CI machine).
        long senderBytes = Long.MAX_VALUE;
        long deliveryBytes = Long.MAX_VALUE;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < frames.length; i++) {
                frames[i] = frame(i);
            }
            long expected = delivered.get() + frames.length;
            long deliveryBefore = threads.getThreadAllocatedBytes(delivery.getId());
            long senderBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (PacketBuffer frame : frames) {
                link.transmit(frame);
            }
            long sent = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - senderBefore;
            while (delivered.get() < expected) {
                Thread.onSpinWait();
            }
            long delivering = threads.getThreadAllocatedBytes(delivery.getId()) - deliveryBefore;
            if (round >= 10) {
                senderBytes = Math.min(senderBytes, sent);
                deliveryBytes = Math.min(deliveryBytes, delivering);
            }
        }
        assertTrue(senderBytes < 256, senderBytes + " bytes allocated by 256 transmits, in the best of 10 rounds");
        assertTrue(deliveryBytes < 256, deliveryBytes + " bytes allocated delivering 256 frames, in the best of 10 rounds");
    }

    private static Thread threadNamed(String name) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name) && thread.isAlive()) {
                return thread;
            }
        }
        return null;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }
}
