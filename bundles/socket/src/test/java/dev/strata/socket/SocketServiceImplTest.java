package dev.strata.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;

/** The bundle-scoped service: one instance per using bundle, sharing one registry. */
class SocketServiceImplTest {

    private final BufferPool pool = new BufferPool();
    private final FakeUdp udp = new FakeUdp();
    private final SocketRegistry registry = new SocketRegistry(pool);
    private final SocketServiceImpl echo = new SocketServiceImpl(registry, "org.example.echo");
    private final SocketServiceImpl chat = new SocketServiceImpl(registry, "org.example.chat");

    @BeforeEach
    void start() {
        registry.bindUdp(udp);
    }

    @AfterEach
    void stop() {
        registry.deactivate();
        assertEquals(0, registry.size(), "the registry closes every socket as it goes");
        assertEquals(0, pool.outstanding(), "leaked buffers");
    }

    @Test
    void socketsListsEveryBundlesSocketsWithTheirOwners() throws Exception {
        DatagramSocket server = echo.openDatagram();
        server.bind(new InetSocketAddress("0.0.0.0", 7));
        DatagramSocket client = chat.openDatagram();
        client.connect(new InetSocketAddress("127.0.0.1", 7));
        client.send(ByteBuffer.allocate(64));
        client.send(ByteBuffer.allocate(36));
        DatagramSocket unbound = chat.openDatagram();
        chat.openStream(); // no TCP: no row, as Linux shows no unbound TCP socket

        int ephemeral = client.localAddress().getPort();
        List<SocketInfo> rows = echo.sockets();
        assertEquals(List.of(
                new SocketInfo("udp", 0, 0, 0, 0, "", 0, 0, "org.example.chat"),
                new SocketInfo("udp", 0, 7, 0, 0, "", 100, 0, "org.example.echo"),
                new SocketInfo("udp", 0, ephemeral, FakeUdp.LOCALHOST, 7, "ESTABLISHED", 0, 0, "org.example.chat")), rows);
        assertEquals(rows, chat.sockets(), "every bundle sees every socket, as netstat does");
        unbound.close();
        assertEquals(2, chat.sockets().size());
    }

    @Test
    void aBundleThatReleasesTheServiceLosesItsSocketsAndSelectorsAndNoOneElse() throws Exception {
        DatagramSocket mine = chat.openDatagram();
        mine.bind(new InetSocketAddress("127.0.0.1", 5000));
        var stream = chat.openStream();
        var listening = chat.openListening();
        DatagramSocket theirs = echo.openDatagram();
        theirs.bind(new InetSocketAddress("127.0.0.1", 6000));
        theirs.send(ByteBuffer.allocate(10), FakeUdp.LOCALHOST, 5000); // a queued buffer to release
        // a second bundle with the same symbolic name (another version): a different owner
        SocketServiceImpl chatTwo = new SocketServiceImpl(registry, "org.example.chat");
        DatagramSocket twin = chatTwo.openDatagram();

        SocketSelector selector = chat.openSelector();
        selector.register(mine, SocketSelector.READ, false, null);
        AtomicReference<Integer> selected = new AtomicReference<>();
        Thread selecting = new Thread(() -> selected.set(selector.select(0).size()));
        selecting.start();

        chat.deactivate(); // SCR: the bundle ungot its instance
        selecting.join(2000);
        assertFalse(selecting.isAlive(), "a select in progress ends when its bundle goes");
        assertFalse(mine.isOpen());
        assertFalse(stream.isOpen());
        assertFalse(listening.isOpen());
        assertEquals(0, selector.size());
        assertEquals(0, pool.outstanding(), "the datagram waiting for it was released");
        assertTrue(udp.bound[5000] == null, "its port is released");
        assertTrue(theirs.isOpen() && twin.isOpen(), "other bundles keep theirs");
        assertEquals(3, registry.get(SocketStatistic.CLOSED_WITH_OWNER));

        assertEquals(SocketError.EBADF, assertThrows(NetSocketException.class, chat::openDatagram).error());
        assertThrows(IllegalStateException.class, chat::openSelector);
        echo.deactivate();
        chatTwo.deactivate();
        assertEquals(0, registry.size());
    }

    @Test
    void theSocketLayersCountersAreAStatisticsSection() throws Exception {
        DatagramSocket socket = echo.openDatagram();
        socket.close();
        assertEquals("Sockets", registry.protocol());
        Map<String, Long> counters = registry.counters();
        assertEquals(1L, counters.get("Opened"));
        assertEquals(1L, counters.get("Closed"));
        assertEquals(List.of("Opened", "Closed", "ClosedWithOwner", "Rebound", "RebindFailed", "RcvbufErrors", "ClosedDrops",
                "ErrorsReported", "Accepted", "ListenOverflows", "TransportLost",
                "HandedOver", "HandoverExpired", "HandoverDrops"), List.copyOf(counters.keySet()));
    }
}
