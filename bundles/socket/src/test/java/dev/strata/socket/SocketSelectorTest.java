package dev.strata.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;

class SocketSelectorTest {

    private static final int LOCALHOST = 0x7f00_0001;

    private final BufferPool pool = new BufferPool();
    private final FakeUdp udp = new FakeUdp();
    private final SocketRegistry registry = new SocketRegistry(pool);
    private final SocketServiceImpl service = new SocketServiceImpl(registry, "dev.strata.test");
    private SocketSelector selector;
    private DatagramSocket a;
    private DatagramSocket b;

    @BeforeEach
    void start() throws Exception {
        registry.bindUdp(udp);
        selector = service.openSelector();
        a = service.openDatagram();
        b = service.openDatagram();
        a.bind(new InetSocketAddress("127.0.0.1", 5000));
        b.bind(new InetSocketAddress("127.0.0.1", 6000));
        a.configureBlocking(false);
        b.configureBlocking(false);
    }

    @AfterEach
    void stop() {
        selector.close();
        a.close();
        b.close();
        assertEquals(0, pool.outstanding(), "leaked buffers");
    }

    @Test
    void levelTriggeredKeysAreReturnedWhileDataWaits() throws Exception {
        SocketSelector.Key key = selector.register(b, SocketSelector.READ, false, "b");
        assertTrue(selector.select(-1).isEmpty(), "nothing to read yet");

        a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);
        a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);

        List<SocketSelector.Key> ready = selector.select(1000);
        assertEquals(1, ready.size());
        assertSame(key, ready.get(0));
        assertTrue(ready.get(0).isReadable());
        assertEquals("b", ready.get(0).attachment());
        b.receive(ByteBuffer.allocate(8), new SocketEndpoint());
        assertEquals(1, selector.select(-1).size(), "one datagram still waits: reported again");
        b.receive(ByteBuffer.allocate(8), new SocketEndpoint());
        assertTrue(selector.select(-1).isEmpty(), "drained: no longer ready");
    }

    @Test
    void edgeTriggeredKeysAreReturnedOncePerArrival() throws Exception {
        selector.register(b, SocketSelector.READ, true, null);
        a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);
        a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);

        assertEquals(1, selector.select(1000).size());
        assertTrue(selector.select(-1).isEmpty(), "no new arrival, no new edge, though data waits");
        a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);
        assertEquals(1, selector.select(1000).size(), "a new arrival re-arms the key, as with EPOLLET");
        for (int i = 0; i < 3; i++) {
            b.receive(ByteBuffer.allocate(8), new SocketEndpoint());
        }
        assertEquals(SocketError.EAGAIN, assertThrows(NetSocketException.class,
                () -> b.receive(ByteBuffer.allocate(8), new SocketEndpoint())).error());
    }

    @Test
    void writeInterestOnUdpIsAlwaysReady() {
        selector.register(a, SocketSelector.WRITE, false, null);
        List<SocketSelector.Key> ready = selector.select(1000);
        assertEquals(1, ready.size());
        assertTrue(ready.get(0).isWritable());
        assertFalse(ready.get(0).isReadable());
    }

    @Test
    void wakeupEndsASelectFromAnotherThread() throws Exception {
        selector.register(b, SocketSelector.READ, false, null);
        Thread waker = new Thread(() -> {
            sleep(50);
            selector.wakeup();
        });
        waker.start();
        long start = System.nanoTime();
        assertTrue(selector.select(0).isEmpty());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
        waker.join();
    }

    @Test
    void aSelectTimesOut() {
        selector.register(b, SocketSelector.READ, false, null);
        long start = System.nanoTime();
        assertTrue(selector.select(30).isEmpty());
        assertTrue(System.nanoTime() - start >= 25_000_000L);
    }

    @Test
    void cancelledKeysAndClosedSocketsAreNotReturned() throws Exception {
        SocketSelector.Key key = selector.register(b, SocketSelector.READ, false, null);
        key.cancel();
        assertFalse(key.isValid());
        a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);
        assertTrue(selector.select(-1).isEmpty());
        assertEquals(0, selector.size());

        SocketSelector.Key again = selector.register(b, SocketSelector.READ, false, null);
        assertEquals(1, selector.size());
        b.close();
        assertFalse(again.isValid(), "closing the socket cancels its keys");
        assertEquals(0, selector.size());
    }

    @Test
    void oneThreadExchangesTenThousandDatagramsIntact() throws Exception {
        SocketSelector.Key keyA = selector.register(a, SocketSelector.READ, false, "a");
        SocketSelector.Key keyB = selector.register(b, SocketSelector.READ, false, "b");
        ByteBuffer out = ByteBuffer.allocate(64);
        ByteBuffer in = ByteBuffer.allocate(64);
        SocketEndpoint from = new SocketEndpoint();
        int total = 10_000;
        int sent = 0;
        int echoed = 0;
        int received = 0;
        // a sends numbered datagrams to b, in a window of 32; b echoes each one back; a checks it.
        while (received < total) {
            while (sent < total && sent - received < 32) {
                out.clear();
                out.putInt(sent).putLong(~(long) sent * 31).flip();
                a.send(out, LOCALHOST, 6000);
                sent++;
            }
            for (SocketSelector.Key key : selector.select(1000)) {
                DatagramSocket socket = (DatagramSocket) key.socket();
                while (socket.receiveQueueBytes() > 0) {
                    in.clear();
                    int length = socket.receive(in, from);
                    in.flip();
                    assertEquals(12, length);
                    if (key == keyB) {
                        socket.send(in, from.address(), from.port());
                        echoed++;
                    } else {
                        assertSame(keyA, key);
                        int sequence = in.getInt();
                        assertEquals(received, sequence, "in order and intact");
                        assertEquals(~(long) sequence * 31, in.getLong());
                        received++;
                    }
                }
            }
        }
        assertEquals(total, echoed);
        assertEquals(0, udp.dropped);
    }

    @Test
    void aSelectInProgressReturnsWhenADatagramArrivesOnAnotherThread() throws Exception {
        selector.register(b, SocketSelector.READ, false, "b");
        Thread link = new Thread(() -> {
            sleep(50);
            try {
                a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);
            } catch (NetSocketException e) {
                throw new IllegalStateException(e);
            }
        });
        link.start();
        List<SocketSelector.Key> ready = selector.select(5000);
        assertEquals(1, ready.size(), "woken by the arrival, not by the timeout");
        assertEquals("b", ready.get(0).attachment());
        link.join();
        b.receive(ByteBuffer.allocate(8), new SocketEndpoint());
    }

    @Test
    void aWakeupBeforeSelectMakesTheNextSelectReturnAtOnceOnlyOnce() {
        selector.register(b, SocketSelector.READ, false, null);
        selector.wakeup();
        long start = System.nanoTime();
        assertTrue(selector.select(0).isEmpty());
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
        start = System.nanoTime();
        assertTrue(selector.select(30).isEmpty());
        assertTrue(System.nanoTime() - start >= 25_000_000L, "the wakeup was used up");
    }

    @Test
    void closingTheSelectorCancelsItsKeysAndEndsASelectButLeavesTheSockets() throws Exception {
        SocketSelector.Key key = selector.register(b, SocketSelector.READ, false, null);
        Thread selecting = new Thread(() -> selector.select(0));
        selecting.start();
        sleep(50);
        selector.close();
        selecting.join(2000);
        assertFalse(selecting.isAlive());
        assertFalse(key.isValid());
        assertEquals(0, selector.size());
        assertTrue(b.isOpen());
        assertTrue(selector.select(-1).isEmpty());
        assertThrows(IllegalStateException.class, () -> selector.register(a, SocketSelector.READ, false, null));
    }

    @Test
    void aStoredErrorAShutdownOrACloseMakesTheSocketReadable() throws Exception {
        selector.register(b, SocketSelector.READ, true, null);
        assertTrue(selector.select(-1).isEmpty());
        ((dev.strata.api.transport.DatagramEndpoint) b).error(SocketError.ECONNREFUSED, LOCALHOST);
        assertEquals(1, selector.select(1000).size(), "readable: the receive reports the error");
        assertEquals(SocketError.ECONNREFUSED, assertThrows(NetSocketException.class,
                () -> b.receive(ByteBuffer.allocate(8), new SocketEndpoint())).error());

        selector.register(a, SocketSelector.READ, false, "a");
        assertThrows(NetSocketException.class, () -> a.shutdown(dev.strata.api.socket.NetSocket.Shutdown.READ)); // ENOTCONN, applied
        List<SocketSelector.Key> ready = selector.select(1000);
        assertEquals(1, ready.size());
        assertEquals("a", ready.get(0).attachment(), "readable: the receive returns -1 at once");
        assertEquals(-1, a.receive(ByteBuffer.allocate(8), new SocketEndpoint()));
    }

    @Test
    void changingTheInterestTakesEffectOnTheNextSelect() throws Exception {
        SocketSelector.Key key = selector.register(b, SocketSelector.READ | SocketSelector.WRITE, false, null);
        a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);
        assertEquals(SocketSelector.READ | SocketSelector.WRITE, selector.select(1000).get(0).ready());
        key.interest(SocketSelector.WRITE);
        assertEquals(SocketSelector.WRITE, selector.select(1000).get(0).ready());
        key.interest(0);
        assertTrue(selector.select(-1).isEmpty());
        assertSame(key, selector.register(b, SocketSelector.READ, false, "again"), "one key per socket and selector");
        assertEquals("again", selector.select(1000).get(0).attachment());
        b.receive(ByteBuffer.allocate(8), new SocketEndpoint());
    }

    @Test
    void anEdgeTriggeredKeyRegisteredOnAReadySocketIsReportedOnce() throws Exception {
        a.send(ByteBuffer.allocate(8), LOCALHOST, 6000);
        selector.register(b, SocketSelector.READ, true, null);
        assertEquals(1, selector.select(1000).size());
        assertTrue(selector.select(-1).isEmpty());
        b.receive(ByteBuffer.allocate(8), new SocketEndpoint());
    }

    @Test
    void aSelectorLoopAllocatesNothingPerDatagram() throws Exception {
        SocketSelector.Key keyB = selector.register(b, SocketSelector.READ, false, null);
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        SocketEndpoint from = new SocketEndpoint();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int count = 10_000;
        long allocated = 0;
        for (int round = 0; round < 3; round++) { // the first rounds warm up the pool, the ring and the JIT
            long before = threads.getThreadAllocatedBytes(thread);
            int received = 0;
            for (int i = 0; i < count; i++) {
                out.clear();
                out.putInt(0, i);
                a.send(out, LOCALHOST, 6000);
                List<SocketSelector.Key> ready = selector.select(1000);
                for (int k = 0; k < ready.size(); k++) {
                    // level-triggered: one datagram per readiness, no EAGAIN needed
                    in.clear();
                    ((DatagramSocket) ready.get(k).socket()).receive(in, from);
                    if (in.getInt(0) != i) {
                        throw new AssertionError("datagram " + in.getInt(0) + " where " + i + " was due");
                    }
                    received++;
                }
            }
            allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertEquals(count, received);
        }
        assertTrue(keyB.isValid());
        assertTrue(allocated < count, allocated + " bytes allocated for " + count + " datagrams through the selector");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
