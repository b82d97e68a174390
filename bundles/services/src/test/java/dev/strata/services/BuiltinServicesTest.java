package dev.strata.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.SocketError;
import dev.strata.testsupport.FakeSockets.Datagram;
import dev.strata.testsupport.FakeSockets;

class BuiltinServicesTest {

    private static final int PEER = Ipv4Address.parse("198.18.0.1");

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
            Thread.sleep(5);
        }
    }

    @Test
    void echoReturnsIdenticalPayloadsToTheSendersAddressAndPort() throws Exception {
        start(ServiceSettings.DEFAULTS);
        int[] sizes = {1, 1472, 8000};
        for (int i = 0; i < sizes.length; i++) {
            byte[] sent = payload(sizes[i], i);
            assertTrue(sockets.deliver(7, sent, PEER, 40_000 + i));
            Datagram echoed = sockets.nextSent();
            assertNotNull(echoed, "no echo of " + sizes[i] + " bytes");
            assertArrayEquals(sent, echoed.payload());
            assertEquals(PEER, echoed.address());
            assertEquals(40_000 + i, echoed.port());
        }
        // The counters move just after the send the fake records.
        eventually(() -> services.counter(ServiceStatistic.EchoDatagrams) == 3, "three echoes counted");
        eventually(() -> services.counter(ServiceStatistic.EchoBytes) == 1 + 1472 + 8000, "their bytes counted");
        assertEquals(0, services.counter(ServiceStatistic.Errors));
    }

    @Test
    void echoReturnsAnEmptyDatagramAndTheLargestOne() throws Exception {
        start(ServiceSettings.DEFAULTS);
        for (int size : new int[] {0, DatagramSocket.MAX_PAYLOAD}) {
            byte[] sent = payload(size, size);
            sockets.deliver(7, sent, PEER, 5000);
            assertArrayEquals(sent, sockets.nextSent().payload());
        }
    }

    @Test
    void echoServesABurstInOrder() throws Exception {
        start(ServiceSettings.DEFAULTS);
        for (int i = 0; i < 500; i++) {
            sockets.deliver(7, new byte[] {(byte) i, (byte) (i >> 8)}, PEER, 6000);
        }
        for (int i = 0; i < 500; i++) {
            assertArrayEquals(new byte[] {(byte) i, (byte) (i >> 8)}, sockets.nextSent().payload());
        }
    }

    @Test
    void bindsEveryStackAddressInNonBlockingModeWithoutReuseAddress() {
        start(ServiceSettings.DEFAULTS);
        assertEquals(2, sockets.opened.size());
        for (FakeSockets.FakeDatagramSocket socket : sockets.opened) {
            assertFalse(socket.blocking);
            assertFalse(socket.reuseAddress);
        }
        assertEquals(List.of(7, 9), services.services().stream().map(UdpService::port).toList());
        InetSocketAddress local = services.services().get(0).socket().localAddress();
        assertEquals(7, local.getPort());
    }

    @Test
    void discardCountsAndSendsNothing() throws Exception {
        start(ServiceSettings.DEFAULTS);
        sockets.deliver(9, payload(100, 1), PEER, 4000);
        sockets.deliver(9, payload(1472, 2), PEER, 4000);
        eventually(() -> services.counter(ServiceStatistic.DiscardDatagrams) == 2, "two discarded datagrams");
        assertEquals(1572, services.counter(ServiceStatistic.DiscardBytes));
        assertNull(sockets.sent.poll(100, TimeUnit.MILLISECONDS));
        assertEquals(List.of("EchoDatagrams", "EchoBytes", "DiscardDatagrams", "DiscardBytes", "EchoTcpConnections",
                "EchoTcpBytes", "DiscardTcpConnections", "DiscardTcpBytes", "ChargenTcpConnections", "ChargenTcpBytes", "Errors"),
                List.copyOf(services.counters().keySet()));
        assertEquals("Services", services.protocol());
    }

    @Test
    void configurationDisablesAService() throws Exception {
        start(ServiceSettings.udp(false, true, 7, 9));
        assertEquals(1, sockets.opened.size());
        assertFalse(sockets.deliver(7, payload(10, 1), PEER, 4000), "nothing listens on port 7");
        assertTrue(sockets.deliver(9, payload(10, 1), PEER, 4000));
        eventually(() -> services.counter(ServiceStatistic.DiscardDatagrams) == 1, "discard still runs");
    }

    @Test
    void configurationMovesAServiceToAnotherPort() throws Exception {
        start(ServiceSettings.udp(true, false, 7007, 9));
        assertTrue(sockets.deliver(7007, payload(3, 1), PEER, 4000));
        assertArrayEquals(payload(3, 1), sockets.nextSent().payload());
        assertFalse(sockets.deliver(9, payload(3, 1), PEER, 4000));
    }

    @Test
    void aPortTakenAlreadyLeavesTheOtherServiceRunning() throws Exception {
        DatagramSocket squatter = sockets.openDatagram();
        squatter.bind(new InetSocketAddress(9));
        start(ServiceSettings.DEFAULTS);
        assertEquals(List.of(UdpService.Kind.ECHO), services.services().stream().map(UdpService::kind).toList());
        assertFalse(sockets.opened.get(2).isOpen(), "the discard socket that could not bind is closed");
        assertTrue(sockets.deliver(7, payload(20, 3), PEER, 4000));
        assertArrayEquals(payload(20, 3), sockets.nextSent().payload());
        assertTrue(squatter.isOpen());
    }

    @Test
    void deactivateClosesTheSocketsAndStopsTheThreadWithinOneSecond() throws Exception {
        start(ServiceSettings.DEFAULTS);
        Thread thread = services.thread();
        assertEquals(ServiceLoop.THREAD_NAME, thread.getName());
        eventually(() -> thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING,
                "the thread waiting in select");
        long started = System.nanoTime();
        services.deactivate();
        services = null;
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1));
        assertFalse(thread.isAlive());
        for (FakeSockets.FakeDatagramSocket socket : sockets.opened) {
            assertFalse(socket.isOpen());
        }
        assertTrue(sockets.bound.isEmpty(), "ports 7 and 9 are free again");
        assertTrue(sockets.selectors.get(0).closed);
    }

    @Test
    void survivesUdpBeingStoppedAndServesAgainWhenItReturns() throws Exception {
        sockets.readyWhileStopped = true;
        start(ServiceSettings.DEFAULTS);
        sockets.udpRunning(false);
        eventually(() -> services.counter(ServiceStatistic.Errors) > 0, "receives failing with EPROTONOSUPPORT");
        int selects = sockets.selectors.get(0).selects;
        Thread.sleep(200);
        int spun;
        synchronized (sockets) {
            spun = sockets.selectors.get(0).selects - selects;
        }
        assertTrue(spun < 20, "backs off instead of spinning while UDP is stopped: " + spun + " selects in 200 ms");
        assertTrue(services.thread().isAlive());
        assertTrue(sockets.opened.get(0).isOpen());

        sockets.udpRunning(true);
        sockets.deliver(7, payload(64, 9), PEER, 4000);
        assertArrayEquals(payload(64, 9), sockets.nextSent().payload());
    }

    @Test
    void bindsWhenUdpArrivesAfterTheServices() throws Exception {
        sockets.udpRunning(false);
        sockets.keepBindingWhileStopped = false;
        start(ServiceSettings.DEFAULTS);
        assertTrue(sockets.bound.isEmpty());
        sockets.udpRunning(true);
        eventually(() -> {
            synchronized (sockets) {
                return sockets.bound.size() == 2;
            }
        }, "both services bound once UDP is there");
        sockets.deliver(7, payload(5, 5), PEER, 4000);
        assertArrayEquals(payload(5, 5), sockets.nextSent().payload());
    }

    @Test
    void keepsABindingTheSocketLayerRemembersWhileUdpIsStopped() throws Exception {
        sockets.udpRunning(false);
        start(ServiceSettings.DEFAULTS);
        assertEquals(2, sockets.bound.size());
        sockets.udpRunning(true);
        sockets.deliver(7, payload(5, 5), PEER, 4000);
        assertArrayEquals(payload(5, 5), sockets.nextSent().payload());
    }

    @Test
    void countsAnEchoThatCannotBeSentAndGoesOn() throws Exception {
        start(ServiceSettings.DEFAULTS);
        sockets.sendError = SocketError.ENETUNREACH;
        sockets.deliver(7, payload(5, 5), PEER, 4000);
        eventually(() -> services.counter(ServiceStatistic.Errors) == 1, "the failed echo counted");
        sockets.sendError = null;
        sockets.deliver(7, payload(6, 6), PEER, 4000);
        assertArrayEquals(payload(6, 6), sockets.nextSent().payload());
        eventually(() -> services.counter(ServiceStatistic.EchoDatagrams) == 1, "only the second echo counted as sent");
        assertEquals(1, services.counter(ServiceStatistic.Errors));
    }

    @Test
    void discardGoesOnWhenEchosSocketIsClosedUnderIt() throws Exception {
        start(ServiceSettings.DEFAULTS);
        sockets.opened.get(0).close();
        sockets.deliver(9, payload(5, 5), PEER, 4000);
        eventually(() -> services.counter(ServiceStatistic.DiscardDatagrams) == 1, "discard goes on");
        assertTrue(services.thread().isAlive());
    }

    /** ARCHITECTURE.md: nothing allocated per datagram on the echo path (the fake socket layer allocates nothing either here). */
    @Test
    void echoesWithoutAllocatingPerDatagram() throws Exception {
        start(ServiceSettings.DEFAULTS);
        sockets.countSendsOnly = true;
        FakeSockets.FakeDatagramSocket echo = sockets.opened.get(0);
        Datagram datagram = new Datagram(payload(64, 1), PEER, 4000);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = services.thread().getId();
        echoBatch(echo, datagram, 20_000);
        int datagrams = 50_000;
        long before = threads.getThreadAllocatedBytes(thread);
        echoBatch(echo, datagram, datagrams);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < datagrams, allocated + " bytes allocated by " + ServiceLoop.THREAD_NAME + " for " + datagrams + " echoes");
    }

    private void echoBatch(FakeSockets.FakeDatagramSocket echo, Datagram datagram, int count) throws InterruptedException {
        long target = sockets.sentCount.get() + count;
        for (int i = 0; i < count; i++) {
            sockets.deliver(echo, datagram);
            if (i % 1000 == 999) {
                long sentSoFar = target - count + i + 1;
                eventually(() -> sockets.sentCount.get() >= sentSoFar - 500, "echoes keeping up");
            }
        }
        eventually(() -> sockets.sentCount.get() == target, count + " echoes");
    }

    @Test
    void describesItsConfigurationForMetatype() throws Exception {
        Path metatype = Path.of("target", "classes", "OSGI-INF", "metatype", BuiltinServices.Config.class.getName() + ".xml");
        String xml = Files.readString(metatype);
        for (String attribute : List.of("echoUdp", "discardUdp", "echoTcp", "discardTcp", "echoPort", "discardPort")) {
            assertTrue(xml.contains("id=\"" + attribute + "\""), attribute + " in " + xml);
        }
        assertTrue(xml.contains("listens once TCP is running"), xml);
        assertTrue(xml.contains("<Designate pid=\"" + BuiltinServices.PID + "\">"), xml);
    }
}
