package dev.strata.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketEndpoint;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.DatagramEndpoint;

/** Sockets outlive the UDP transport: it leaves (bundle stopped), comes back, is replaced. */
class UdpComesAndGoesTest {

    private static final int LOCALHOST = FakeUdp.LOCALHOST;

    private final BufferPool pool = new BufferPool();
    private final FakeUdp udp = new FakeUdp();
    private final SocketRegistry registry = new SocketRegistry(pool);
    private final SocketServiceImpl service = new SocketServiceImpl(registry, "dev.strata.test");
    private DatagramSocket a;
    private DatagramSocket b;

    @BeforeEach
    void start() throws Exception {
        registry.bindUdp(udp);
        a = service.openDatagram();
        b = service.openDatagram();
        a.bind(new InetSocketAddress("127.0.0.1", 5000));
        b.bind(new InetSocketAddress("127.0.0.1", 6000));
    }

    @AfterEach
    void stop() {
        service.deactivate();
        registry.deactivate();
        assertEquals(0, pool.outstanding(), "leaked buffers");
    }

    /** UDP's bundle stops: SCR unbinds the reference; the fake notes any later call. */
    private void udpLeaves(FakeUdp leaving) {
        registry.unbindUdp(leaving);
        leaving.gone = true;
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void everyOperationThatNeedsUdpFailsAtOnceWhileItIsAway() throws Exception {
        udpLeaves(udp);
        DatagramSocket fresh = service.openDatagram();
        long start = System.nanoTime();
        NetSocketException bind = assertThrows(NetSocketException.class, () -> fresh.bind(new InetSocketAddress("127.0.0.1", 7000)));
        assertEquals("bind: Protocol not supported (UDP is not running)", bind.getMessage());
        assertEquals(SocketError.EPROTONOSUPPORT, assertThrows(NetSocketException.class,
                () -> a.send(text("x"), LOCALHOST, 6000)).error());
        assertEquals(SocketError.EPROTONOSUPPORT, assertThrows(NetSocketException.class,
                () -> fresh.send(text("x"), LOCALHOST, 6000)).error());
        assertEquals(SocketError.EPROTONOSUPPORT, assertThrows(NetSocketException.class,
                () -> a.connect(new InetSocketAddress("127.0.0.1", 6000))).error());
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "nothing waits");
        assertNull(fresh.localAddress(), "a refused bind records nothing");
        assertEquals(5000, a.localAddress().getPort(), "a bound socket keeps its address");
        assertTrue(a.isOpen() && b.isOpen());
        assertEquals(0, udp.callsWhileGone, "the transport that left was not called");
    }

    @Test
    void aBlockedReceiveKeepsWaitingWhileUdpIsAwayAndGetsTheFirstDatagramAfter() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread receiver = new Thread(() -> {
            try {
                ByteBuffer into = ByteBuffer.allocate(10);
                b.receive(into, new SocketEndpoint());
                result.set(new String(into.array(), 0, into.position(), StandardCharsets.US_ASCII));
            } catch (Throwable t) {
                result.set(t);
            }
        });
        receiver.start();
        udpLeaves(udp);
        Thread.sleep(100);
        assertTrue(receiver.isAlive(), "the receive gave up: " + result.get());

        FakeUdp back = new FakeUdp();
        registry.bindUdp(back);
        a.send(text("again"), LOCALHOST, 6000);
        receiver.join(2000);
        assertEquals("again", result.get());
    }

    @Test
    void aReturningUdpGetsEveryBindingAgainOnItsOldPortOnce() throws Exception {
        DatagramSocket unbound = service.openDatagram();
        udpLeaves(udp);
        FakeUdp back = new FakeUdp();
        registry.bindUdp(back);
        assertSame(a, back.bound[5000]);
        assertSame(b, back.bound[6000]);
        assertEquals(2, back.binds, "each bound socket once, the unbound one not at all");
        assertEquals(2, registry.get(SocketStatistic.REBOUND));
        assertNull(unbound.localAddress());

        a.send(text("hello"), LOCALHOST, 6000);
        b.send(text("hi"), LOCALHOST, 5000);
        assertEquals(2, back.binds, "sending binds nothing more");
        assertEquals(5000, b.receive(ByteBuffer.allocate(10)).getPort());
        assertEquals(6000, a.receive(ByteBuffer.allocate(10)).getPort());
        unbound.send(text("x"), LOCALHOST, 6000);
        assertTrue(unbound.localAddress().getPort() >= 49152);
    }

    @Test
    void aReplacementBoundBeforeTheOldOneLeavesTakesOverEveryBinding() throws Exception {
        FakeUdp replacement = new FakeUdp();
        registry.bindUdp(replacement); // GREEDY: the better service is bound first...
        udpLeaves(udp); // ...then the old one unbound
        assertSame(a, replacement.bound[5000]);
        a.send(text("new"), LOCALHOST, 6000);
        assertEquals(1, replacement.sent);
        assertEquals(5000, b.receive(ByteBuffer.allocate(10)).getPort());
        a.close();
        assertNull(replacement.bound[5000], "closing releases the port on the transport we are on");
        assertEquals(0, udp.callsWhileGone);
    }

    @Test
    void closingASocketWhileUdpIsAwayDoesNotCallTheTransportThatLeft() throws Exception {
        udpLeaves(udp);
        a.close();
        assertEquals(0, udp.callsWhileGone);
        registry.bindUdp(new FakeUdp());
        assertFalse(a.isOpen());
    }

    @Test
    void aPortTakenWhileUdpWasAwayIsReportedOnceThenBoundAgainWhenFree() throws Exception {
        udpLeaves(udp);
        FakeUdp back = new FakeUdp();
        DatagramEndpoint stranger = new UdpSocket(registry, new Owner("someone.else"));
        back.bind(stranger, 0, 5000, false);
        registry.bindUdp(back);
        assertEquals(1, registry.get(SocketStatistic.REBIND_FAILED));
        assertFalse(((UdpSocket) a).registered());

        NetSocketException lost = assertThrows(NetSocketException.class, () -> a.send(text("x"), LOCALHOST, 6000));
        assertEquals("sendto: Address already in use", lost.getMessage(), "reported on the next call");
        NetSocketException still = assertThrows(NetSocketException.class, () -> a.send(text("x"), LOCALHOST, 6000));
        assertEquals(SocketError.EADDRINUSE, still.error(), "the call after tries to bind again: " + still.getMessage());

        back.unbind(stranger);
        a.send(text("free"), LOCALHOST, 6000);
        assertSame(a, back.bound[5000], "on its old port again");
        assertEquals(5000, b.receive(ByteBuffer.allocate(10)).getPort());
    }
}
