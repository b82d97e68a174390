package dev.strata.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketSelector;
import dev.strata.testsupport.FakeSockets.FakeKey;
import dev.strata.testsupport.FakeSockets.FakeStreamSocket;
import dev.strata.testsupport.FakeSockets;

/** The TCP halves of echo (RFC 862) and discard (RFC 863) over the fake socket layer. */
class TcpServicesTest {

    private final FakeSockets sockets = new FakeSockets();
    private BuiltinServices services;

    @AfterEach
    void deactivate() {
        if (services != null) {
            services.deactivate();
        }
    }

    private BuiltinServices start(ServiceSettings settings) {
        services = new BuiltinServices(sockets, settings);
        return services;
    }

    private static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(2);
        }
    }

    /** Connects and waits until the service has accepted the connection. */
    private FakeStreamSocket connect(int port) throws InterruptedException {
        FakeStreamSocket peer = sockets.connect(port);
        assertNotNull(peer, "nothing listens on TCP port " + port);
        eventually(() -> {
            synchronized (sockets) {
                return peer.accepted;
            }
        }, "the connection accepted");
        return peer;
    }

    /** Reads from the peer side until {@code length} bytes came back. */
    private static byte[] readBack(FakeStreamSocket peer, int length) throws InterruptedException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < length) {
            if (System.nanoTime() >= deadline) {
                String state;
                synchronized (peer) {
                    state = " (inbound " + peer.inbound.size() + ", outbound " + peer.outbound.size() + ", open " + peer.open + ")";
                }
                throw new AssertionError("only " + received.size() + " of " + length + " bytes echoed" + state);
            }
            byte[] chunk = peer.peerRead(length - received.size());
            if (chunk.length == 0) {
                Thread.sleep(1);
            }
            received.writeBytes(chunk);
        }
        return received.toByteArray();
    }

    private FakeKey keyOf(FakeStreamSocket socket) {
        synchronized (sockets) {
            for (FakeKey key : sockets.selectors.get(0).keys) {
                if (key.socket == socket && key.valid) {
                    return key;
                }
            }
            return null;
        }
    }

    @Test
    void listensOnEveryStackAddressInNonBlockingModeWithTheUdpServices() {
        start(ServiceSettings.DEFAULTS);
        assertNotNull(sockets.listener(7));
        assertNotNull(sockets.listener(9));
        for (FakeSockets.FakeListeningSocket listener : sockets.listeners) {
            assertFalse(listener.blocking);
            assertTrue(listener.reuseAddress, "SO_REUSEADDR, as TCP servers set it");
            assertEquals(TcpService.BACKLOG, listener.backlog);
        }
        assertEquals(List.of("echo on TCP port 7", "discard on TCP port 9"),
                services.tcpServices().stream().map(Object::toString).toList());
        assertEquals(2, services.services().size(), "UDP echo and discard run too");
    }

    @Test
    void tcpEchoReturnsEveryByteInOrder() throws Exception {
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket peer = connect(7);
        assertFalse(peer.blocking, "accepted connections are non-blocking");
        byte[] sent = payload(300_000, 1);
        Thread writer = new Thread(() -> {
            try {
                peer.peerWrite(sent);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        assertArrayEquals(sent, readBack(peer, sent.length));
        writer.join();
        eventually(() -> services.counter(ServiceStatistic.EchoTcpBytes) == sent.length, "echoed bytes counted");
        assertEquals(1, services.counter(ServiceStatistic.EchoTcpConnections));
        assertEquals(0, services.counter(ServiceStatistic.Errors));
        assertTrue(peer.isOpen(), "echo keeps the connection until the peer closes");
    }

    @Test
    void tcpEchoStopsReadingWhileItsOutputIsNotDrained() throws Exception {
        sockets.sendBuffer = 1000;
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket peer = connect(7);
        byte[] sent = payload(100_000, 2);
        peer.peerWrite(sent);
        // The peer does not read: echo fills the send buffer, holds one buffer's worth, and
        // stops reading (interest WRITE only) rather than taking everything in.
        eventually(() -> peer.unreadByPeer() == 1000, "the send buffer full");
        eventually(() -> keyOf(peer).interestNow() == SocketSelector.WRITE, "interest WRITE only");
        Thread.sleep(50);
        int taken;
        synchronized (sockets) {
            taken = sent.length - peer.inbound.size();
        }
        assertTrue(taken <= 1000 + TcpSession.ECHO_BUFFER, "echo took " + taken + " bytes while its output was blocked");
        // The peer reads: echo drains, reads again, and everything comes back in order.
        assertArrayEquals(sent, readBack(peer, sent.length));
        eventually(() -> keyOf(peer).interestNow() == SocketSelector.READ, "interest READ again once drained");
    }

    @Test
    void tcpEchoAfterThePeersHalfCloseWritesEverythingThenShutsDownAndCloses() throws Exception {
        sockets.sendBuffer = 4096;
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket peer = connect(7);
        byte[] sent = payload(50_000, 3);
        Thread writer = new Thread(() -> {
            try {
                peer.peerWrite(sent);
                peer.peerShutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        // As nc -N: the peer sends, shuts down its output, and reads until EOF.
        Thread.sleep(50);
        assertFalse(peer.outputShutdown(), "no FIN while data waits for the peer to read it");
        assertArrayEquals(sent, readBack(peer, sent.length));
        writer.join();
        eventually(peer::outputShutdown, "echo's FIN after the last byte");
        eventually(() -> !peer.isOpen(), "echo closes once done");
        assertEquals(0, peer.unreadByPeer());
        eventually(() -> services.tcpServices().get(0).sessions() == 0, "the session forgotten");
        assertEquals(0, services.counter(ServiceStatistic.Errors));
    }

    @Test
    void tcpEchoOfAnEmptyStreamJustClosesItsHalf() throws Exception {
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket peer = connect(7);
        peer.peerShutdown();
        eventually(peer::outputShutdown, "FIN answered with FIN");
        eventually(() -> !peer.isOpen(), "closed");
    }

    @Test
    void tcpDiscardReadsEverythingAndClosesWhenThePeerDoes() throws Exception {
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket peer = connect(9);
        byte[] sent = payload(2_000_000, 4);
        peer.peerWrite(sent);
        eventually(() -> services.counter(ServiceStatistic.DiscardTcpBytes) == sent.length, "every byte discarded");
        assertEquals(0, peer.unreadByPeer(), "discard sends nothing");
        assertTrue(peer.isOpen());
        peer.peerShutdown();
        eventually(() -> !peer.isOpen(), "closed when the peer closes");
        assertFalse(peer.outputShutdown(), "discard just closes");
        assertEquals(1, services.counter(ServiceStatistic.DiscardTcpConnections));
        assertEquals(0, services.counter(ServiceStatistic.Errors));
    }

    @Test
    void acceptsEveryConnectionReadyAndServesThousandsOnOneThread() throws Exception {
        start(ServiceSettings.DEFAULTS);
        List<FakeStreamSocket> peers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            peers.add(sockets.connect(7));
        }
        eventually(() -> services.counter(ServiceStatistic.EchoTcpConnections) == 2000, "2000 connections accepted");
        for (int i = 0; i < peers.size(); i++) {
            peers.get(i).peerWrite(new byte[] {(byte) i, (byte) (i >> 8)});
        }
        eventually(() -> peers.stream().allMatch(peer -> peer.unreadByPeer() == 2), "every connection echoed");
        for (int i = 0; i < peers.size(); i++) {
            assertArrayEquals(new byte[] {(byte) i, (byte) (i >> 8)}, peers.get(i).peerRead(2));
        }
        assertEquals(2000, services.tcpServices().get(0).sessions());
        assertEquals(ServiceLoop.THREAD_NAME, services.thread().getName());
    }

    @Test
    void aConnectionsErrorClosesThatConnectionOnly() throws Exception {
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket broken = connect(7);
        FakeStreamSocket healthy = connect(7);
        FakeStreamSocket discarding = connect(9);
        broken.failReads(SocketError.ECONNRESET);
        eventually(() -> !broken.isOpen(), "the reset connection closed");
        eventually(() -> services.counter(ServiceStatistic.Errors) == 1, "the reset counted");
        healthy.peerWrite(payload(10, 5));
        assertArrayEquals(payload(10, 5), readBack(healthy, 10));
        discarding.peerWrite(payload(10, 6));
        eventually(() -> services.counter(ServiceStatistic.DiscardTcpBytes) == 10, "discard goes on");
        assertEquals(1, services.tcpServices().get(0).sessions(), "the broken session forgotten");
        assertNotNull(sockets.connect(7), "the listener goes on");
    }

    @Test
    void listensOnceTcpStartsAfterTheServices() throws Exception {
        sockets.tcpRunning(false);
        start(ServiceSettings.DEFAULTS);
        assertNull(sockets.listener(7));
        for (FakeSockets.FakeListeningSocket listener : sockets.listeners) {
            assertFalse(listener.isOpen(), "a listener that met TCP absent is closed, not leaked");
        }
        // UDP serves meanwhile.
        assertTrue(sockets.deliver(7, payload(5, 7), 1, 4000));
        assertArrayEquals(payload(5, 7), sockets.nextSent().payload());
        sockets.tcpRunning(true);
        eventually(() -> sockets.listener(7) != null && sockets.listener(9) != null, "both listeners once TCP runs");
        FakeStreamSocket peer = connect(7);
        peer.peerWrite(payload(8, 8));
        assertArrayEquals(payload(8, 8), readBack(peer, 8));
    }

    @Test
    void tcpStoppedUnderTheServicesClosesTheirConnectionsAndTheyListenAgainWhenItReturns() throws Exception {
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket before = connect(7);
        sockets.tcpRunning(false);
        eventually(() -> !before.isOpen(), "the connection of the stopped TCP closed");
        eventually(() -> sockets.listener(7) == null && sockets.listener(9) == null, "the listeners closed");
        Thread.sleep(200);
        int selects;
        synchronized (sockets) {
            selects = sockets.selectors.get(0).selects;
        }
        Thread.sleep(200);
        int spun;
        synchronized (sockets) {
            spun = sockets.selectors.get(0).selects - selects;
        }
        assertTrue(spun < 20, "no busy loop while TCP is stopped: " + spun + " selects in 200 ms");
        sockets.tcpRunning(true);
        eventually(() -> sockets.listener(7) != null, "listening again");
        FakeStreamSocket after = connect(7);
        after.peerWrite(payload(3, 9));
        assertArrayEquals(payload(3, 9), readBack(after, 3));
        assertTrue(services.thread().isAlive());
    }

    @Test
    void stoppingTheServicesClosesListenersAndConnections() throws Exception {
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket echo = connect(7);
        FakeStreamSocket discard = connect(9);
        services.deactivate();
        services = null;
        assertFalse(echo.isOpen());
        assertFalse(discard.isOpen());
        for (FakeSockets.FakeListeningSocket listener : sockets.listeners) {
            assertFalse(listener.isOpen());
        }
        assertNull(sockets.connect(7));
    }

    @Test
    void configurationTurnsTheTcpHalvesOffOrMovesThem() throws Exception {
        start(new ServiceSettings(true, true, false, true, 7007, 9009));
        assertNull(sockets.listener(7007), "echo over TCP off");
        assertNotNull(sockets.listener(9009));
        assertTrue(sockets.deliver(7007, payload(4, 1), 1, 4000), "echo over UDP on");
    }

    @Test
    void aTcpPortTakenAlreadyLeavesTheOtherServicesRunning() throws Exception {
        FakeSockets.FakeListeningSocket squatter = (FakeSockets.FakeListeningSocket) sockets.openListening();
        squatter.bind(new java.net.InetSocketAddress(9));
        start(ServiceSettings.DEFAULTS);
        assertEquals(List.of(UdpService.Kind.ECHO), services.tcpServices().stream().map(TcpService::kind).toList());
        assertNotNull(sockets.listener(7));
        assertTrue(squatter.isOpen());
    }

    @Test
    void chargenIsOffByDefault() {
        start(ServiceSettings.DEFAULTS);
        assertNull(sockets.listener(BuiltinServices.CHARGEN_PORT));
    }

    @Test
    void chargenSendsTheRfc864PatternUntilThePeerCloses() throws Exception {
        start(new ServiceSettings(false, false, false, false, 7, 9, true, 1919));
        assertEquals(List.of("chargen on TCP port 1919"), services.tcpServices().stream().map(Object::toString).toList());
        FakeStreamSocket peer = connect(1919);
        byte[] stream = readBack(peer, 3 * Chargen.PERIOD + 1000);
        // RFC 864's "popular pattern" as BSD inetd's chargen: 72 of the 95 printing characters
        // from the first (space, code 32), then CR LF; each line starts one character further
        assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n",
                new String(stream, 0, Chargen.LINE_BYTES, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals('!', stream[Chargen.LINE_BYTES]);
        assertEquals('~', stream[94 * Chargen.LINE_BYTES], "the 95th line starts with the last character");
        assertEquals(' ', stream[95 * Chargen.LINE_BYTES], "then the cycle starts again");
        assertArrayEquals(Chargen.pattern(stream.length), stream);
        peer.peerWrite(payload(5000, 3)); // thrown away
        peer.peerShutdown();
        eventually(() -> !peer.isOpen(), "closed when the peer closes");
        assertEquals(1, services.counter(ServiceStatistic.ChargenTcpConnections));
        assertEquals(0, services.counter(ServiceStatistic.Errors));
    }

    @Test
    void chargenWritesWithoutAllocating() throws Exception {
        start(new ServiceSettings(false, false, false, false, 7, 9, true, 19));
        FakeStreamSocket peer = connect(19);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = services.thread().getId();
        readBack(peer, 2_000_000);
        long bytesBefore = services.counter(ServiceStatistic.ChargenTcpBytes);
        long before = threads.getThreadAllocatedBytes(thread);
        byte[] sink = new byte[4096];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (services.counter(ServiceStatistic.ChargenTcpBytes) - bytesBefore < 40_000_000 && System.nanoTime() < deadline) {
            synchronized (sockets) {
                while (peer.outbound.size() > 0) {
                    peer.outbound.get(sink, 0, Math.min(sink.length, peer.outbound.size()));
                }
                sockets.notifyAll();
            }
            Thread.onSpinWait();
        }
        long writes = (services.counter(ServiceStatistic.ChargenTcpBytes) - bytesBefore) / 4096; // fewer than the writes made
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(writes > 1000, writes + " writes");
        assertTrue(allocated < writes, allocated + " bytes allocated for " + writes + " writes");
    }

    /** ARCHITECTURE.md: nothing allocated per read (the fake allocates nothing per read either). */
    @Test
    void discardsAndEchoesWithoutAllocatingPerRead() throws Exception {
        start(ServiceSettings.DEFAULTS);
        FakeStreamSocket discard = connect(9);
        FakeStreamSocket echo = connect(7);
        byte[] chunk = payload(1000, 10);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = services.thread().getId();
        exchange(discard, echo, chunk, 3_000);
        int rounds = 10_000;
        int readsBefore;
        synchronized (sockets) {
            readsBefore = discard.reads + echo.reads;
        }
        long before = threads.getThreadAllocatedBytes(thread);
        exchange(discard, echo, chunk, rounds);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        int reads;
        synchronized (sockets) {
            reads = discard.reads + echo.reads - readsBefore;
        }
        assertTrue(reads >= rounds, reads + " reads");
        assertTrue(allocated < reads, allocated + " bytes allocated by " + ServiceLoop.THREAD_NAME + " for " + reads + " reads");
    }

    private void exchange(FakeStreamSocket discard, FakeStreamSocket echo, byte[] chunk, int rounds) throws InterruptedException {
        long discarded = services.counter(ServiceStatistic.DiscardTcpBytes);
        for (int i = 0; i < rounds; i++) {
            discard.peerWrite(chunk);
            echo.peerWrite(chunk);
            long target = discarded + (long) (i + 1) * chunk.length;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (services.counter(ServiceStatistic.DiscardTcpBytes) != target) {
                assertTrue(System.nanoTime() < deadline, "discard keeping up");
                Thread.onSpinWait();
            }
            int echoed = 0;
            while (echoed < chunk.length) {
                assertTrue(System.nanoTime() < deadline, "echo keeping up");
                echoed += echo.peerRead(chunk.length - echoed).length;
            }
        }
    }
}
