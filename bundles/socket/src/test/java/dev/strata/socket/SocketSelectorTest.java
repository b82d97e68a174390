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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
