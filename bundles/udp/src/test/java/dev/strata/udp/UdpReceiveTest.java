package dev.strata.udp;

import static dev.strata.testsupport.TestPackets.datagram;
import static dev.strata.testsupport.TestPackets.hex;
import static dev.strata.testsupport.TestPackets.ipPayload;
import static dev.strata.testsupport.TestPackets.received;
import static dev.strata.testsupport.TestPackets.udp;
import static dev.strata.testsupport.TestPackets.udpDatagram;
import static dev.strata.testsupport.TestPackets.udpNoChecksum;
import static dev.strata.udp.Packets.LINUX_HELLO;
import static dev.strata.udp.Packets.LINUX_ODD;
import static dev.strata.udp.Packets.LINUX_RECEIVER;
import static dev.strata.udp.Packets.LINUX_SENDER;
import static dev.strata.udp.Packets.RECEIVER_PORT;
import static dev.strata.udp.Packets.SENDER_PORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.NetSocketException;

class UdpReceiveTest {

    private static final byte[] HELLO = "hello strata".getBytes(StandardCharsets.US_ASCII);
    private static final int OTHER_PEER = Ipv4Address.parse("198.18.66.9");

    private final BufferPool pool = new BufferPool();
    private final FakeIpv4Output ipv4 = new FakeIpv4Output(LINUX_RECEIVER);
    private final FakeIcmpErrors icmp = new FakeIcmpErrors();
    private final Packets.FakeInterface nif = Packets.iface("198.18.66.2/24");
    private UdpLayer udp;
    private long outstandingAtStart;

    @BeforeEach
    void setUp() {
        outstandingAtStart = pool.outstanding();
        udp = new UdpLayer(ipv4, icmp, pool);
        udp.interfaceUp(nif);
    }

    @AfterEach
    void noBufferLeaked() {
        assertEquals(outstandingAtStart, pool.outstanding(), "buffers leaked");
    }

    private FakeEndpoint bound(String name, int address, int port, boolean reuse) throws NetSocketException {
        FakeEndpoint endpoint = new FakeEndpoint(name);
        endpoint.localPort = udp.bind(endpoint, address, port, reuse);
        endpoint.localAddress = address;
        return endpoint;
    }

    private void receive(byte[] datagram) {
        udp.receive(received(pool, datagram, nif));
    }

    // ---- golden bytes -------------------------------------------------------------------------

    @Test
    void deliversLinuxDatagramWithItsPortsAndAddresses() throws Exception {
        FakeEndpoint socket = bound("server", 0, RECEIVER_PORT, false);

        receive(hex(LINUX_HELLO));

        assertEquals(1, socket.received.size());
        FakeEndpoint.Received got = socket.received.get(0);
        assertArrayEquals(HELLO, got.payload());
        assertEquals(LINUX_SENDER, got.source());
        assertEquals(SENDER_PORT, got.sourcePort());
        assertEquals(LINUX_RECEIVER, got.destination());
        assertEquals(LINUX_SENDER, got.ipSourceAtNetworkOffset(), "networkOffset still the IPv4 header");
        assertEquals(1, udp.counter(UdpStatistic.IN_DATAGRAMS));
        assertEquals(0, udp.counter(UdpStatistic.IN_ERRORS));
    }

    @Test
    void verifiesLinuxChecksumOverAnOddLength() throws Exception {
        FakeEndpoint socket = bound("server", LINUX_RECEIVER, RECEIVER_PORT, false);

        receive(hex(LINUX_ODD));

        assertEquals(1, socket.received.size());
        assertArrayEquals("odd".getBytes(StandardCharsets.US_ASCII), socket.received.get(0).payload());
        assertEquals(0, udp.counter(UdpStatistic.IN_CSUM_ERRORS));
    }

    @Test
    void cutsIpPayloadBeyondTheUdpLengthBeforeTheChecksum() throws Exception {
        FakeEndpoint socket = bound("server", 0, RECEIVER_PORT, false);
        byte[] linux = ipPayload(hex(LINUX_ODD));
        byte[] padded = new byte[linux.length + 5];
        System.arraycopy(linux, 0, padded, 0, linux.length);
        padded[linux.length] = 0x55;

        receive(datagram(LINUX_SENDER, LINUX_RECEIVER, 17, padded));

        assertEquals(1, socket.received.size());
        assertArrayEquals("odd".getBytes(StandardCharsets.US_ASCII), socket.received.get(0).payload());
    }

    @Test
    void acceptsZeroChecksumAsNone() throws Exception {
        FakeEndpoint socket = bound("server", 0, RECEIVER_PORT, false);

        receive(datagram(LINUX_SENDER, LINUX_RECEIVER, 17, udpNoChecksum(SENDER_PORT, RECEIVER_PORT, HELLO)));

        assertEquals(1, socket.received.size());
        assertArrayEquals(HELLO, socket.received.get(0).payload());
        assertEquals(1, udp.counter(UdpStatistic.NO_CHECKSUM));
        assertEquals(0, udp.counter(UdpStatistic.IN_CSUM_ERRORS));
    }

    @Test
    void acceptsAnEmptyDatagram() throws Exception {
        FakeEndpoint socket = bound("server", 0, RECEIVER_PORT, false);

        receive(udpDatagram(LINUX_SENDER, SENDER_PORT, LINUX_RECEIVER, RECEIVER_PORT, new byte[0]));

        assertEquals(1, socket.received.size());
        assertEquals(0, socket.received.get(0).payload().length);
    }

    // ---- malformed datagrams ------------------------------------------------------------------

    @Test
    void dropsDatagramShorterThanTheHeader() throws Exception {
        bound("server", 0, RECEIVER_PORT, false);
        assertDropped(UdpStatistic.TOO_SHORT, datagram(LINUX_SENDER, LINUX_RECEIVER, 17, new byte[] {(byte) 0x9c, 0x41, 0x1e, 0x61, 0, 7, 0}));
        assertDropped(UdpStatistic.TOO_SHORT, datagram(LINUX_SENDER, LINUX_RECEIVER, 17, new byte[0]));
    }

    @Test
    void dropsDatagramWhoseLengthFieldIsBelowEight() throws Exception {
        bound("server", 0, RECEIVER_PORT, false);
        for (int length = 0; length < 8; length++) {
            byte[] u = ipPayload(hex(LINUX_HELLO));
            u[4] = 0;
            u[5] = (byte) length;
            assertDropped(UdpStatistic.BAD_LENGTH, datagram(LINUX_SENDER, LINUX_RECEIVER, 17, u));
        }
        assertEquals(8, udp.counter(UdpStatistic.BAD_LENGTH));
    }

    @Test
    void dropsDatagramWhoseLengthFieldExceedsTheIpPayload() throws Exception {
        bound("server", 0, RECEIVER_PORT, false);
        byte[] u = ipPayload(hex(LINUX_HELLO));
        u[5] = (byte) (u.length + 1);
        assertDropped(UdpStatistic.BAD_LENGTH, datagram(LINUX_SENDER, LINUX_RECEIVER, 17, u));
        u[4] = (byte) 0xff;
        u[5] = (byte) 0xff;
        assertDropped(UdpStatistic.BAD_LENGTH, datagram(LINUX_SENDER, LINUX_RECEIVER, 17, u));
    }

    @Test
    void dropsDatagramWithABadChecksum() throws Exception {
        bound("server", 0, RECEIVER_PORT, false);
        byte[] d = hex(LINUX_HELLO);
        d[d.length - 1] ^= 1; // one bit of the data flipped
        assertDropped(UdpStatistic.BAD_CHECKSUM, d);
        assertEquals(1, udp.counter(UdpStatistic.IN_CSUM_ERRORS));

        // A datagram delivered to the wrong address fails the pseudo-header.
        byte[] misdirected = datagram(LINUX_SENDER, Ipv4Address.parse("198.18.66.3"), 17, ipPayload(hex(LINUX_HELLO)));
        udp.interfaceUp(Packets.iface("198.18.66.3/24"));
        assertDropped(UdpStatistic.BAD_CHECKSUM, misdirected);
        assertEquals(2, udp.counter(UdpStatistic.IN_CSUM_ERRORS));
    }

    private void assertDropped(UdpStatistic reason, byte[] datagram) {
        long before = udp.counter(reason);
        long errors = udp.counter(UdpStatistic.IN_ERRORS);
        long outstanding = pool.outstanding();
        receive(datagram);
        assertEquals(before + 1, udp.counter(reason), reason.toString());
        assertEquals(errors + 1, udp.counter(UdpStatistic.IN_ERRORS), "InErrors");
        assertEquals(0, udp.counter(UdpStatistic.IN_DATAGRAMS));
        assertEquals(0, udp.counter(UdpStatistic.NO_PORTS));
        assertTrue(icmp.unreachables.isEmpty(), "no ICMP error about a malformed datagram");
        assertEquals(outstanding, pool.outstanding(), "dropped datagram released");
    }

    // ---- no socket ----------------------------------------------------------------------------

    @Test
    void answersUnicastToAnUnboundPortWithPortUnreachable() {
        byte[] linux = hex(LINUX_HELLO);
        receive(linux);

        assertEquals(1, udp.counter(UdpStatistic.NO_PORTS));
        assertEquals(0, udp.counter(UdpStatistic.IN_ERRORS));
        assertEquals(1, icmp.unreachables.size());
        FakeIcmpErrors.Unreachable error = icmp.unreachables.get(0);
        assertEquals(IcmpErrors.PORT_UNREACHABLE, error.code());
        byte[] expected = new byte[28];
        System.arraycopy(linux, 0, expected, 0, 28);
        assertArrayEquals(expected, error.quoted(), "ICMP sees the IPv4 header and the UDP header");
    }

    @Test
    void answersPortUnreachableWhenOnlyAnotherAddressIsBoundOnThePort() throws Exception {
        udp.interfaceUp(Packets.iface("198.18.67.2/24"));
        bound("elsewhere", Ipv4Address.parse("198.18.67.2"), RECEIVER_PORT, false);

        receive(hex(LINUX_HELLO));

        assertEquals(1, udp.counter(UdpStatistic.NO_PORTS));
        assertEquals(1, icmp.unreachables.size());
    }

    @Test
    void answersPortUnreachableWhenTheOnlySocketIsConnectedToSomeoneElse() throws Exception {
        bound("client", 0, RECEIVER_PORT, false).connect(OTHER_PEER, 53);

        receive(hex(LINUX_HELLO));

        assertEquals(1, udp.counter(UdpStatistic.NO_PORTS));
        assertEquals(1, icmp.unreachables.size());
    }

    @Test
    void neverAnswersBroadcastToAnUnboundPort() {
        receive(udpDatagram(LINUX_SENDER, SENDER_PORT, Ipv4Address.BROADCAST, RECEIVER_PORT, HELLO));
        receive(udpDatagram(LINUX_SENDER, SENDER_PORT, Ipv4Address.parse("198.18.66.255"), RECEIVER_PORT, HELLO));
        receive(udpDatagram(LINUX_SENDER, SENDER_PORT, Ipv4Address.parse("224.0.0.251"), RECEIVER_PORT, HELLO));

        assertTrue(icmp.unreachables.isEmpty());
        assertEquals(3, udp.counter(UdpStatistic.IGNORED_MULTI));
        assertEquals(0, udp.counter(UdpStatistic.NO_PORTS));
    }

    @Test
    void survivesAMissingIcmpLayer() {
        udp = new UdpLayer(ipv4, null, pool);
        receive(hex(LINUX_HELLO));
        assertEquals(1, udp.counter(UdpStatistic.NO_PORTS));
    }

    // ---- demux --------------------------------------------------------------------------------

    @Test
    void prefersConnectedSocketThenExactAddressThenWildcard() throws Exception {
        FakeEndpoint wildcard = bound("wildcard", 0, RECEIVER_PORT, true);
        FakeEndpoint exact = bound("exact", LINUX_RECEIVER, RECEIVER_PORT, true);
        FakeEndpoint connected = bound("connected", 0, RECEIVER_PORT, true).connect(LINUX_SENDER, SENDER_PORT);
        FakeEndpoint connectedElsewhere = bound("elsewhere", 0, RECEIVER_PORT, true).connect(OTHER_PEER, SENDER_PORT);

        receive(hex(LINUX_HELLO));
        assertEquals(1, connected.received.size());
        assertEquals(0, exact.received.size() + wildcard.received.size() + connectedElsewhere.received.size());

        udp.unbind(connected);
        receive(hex(LINUX_HELLO));
        assertEquals(1, exact.received.size());
        assertEquals(0, wildcard.received.size() + connectedElsewhere.received.size());

        udp.unbind(exact);
        receive(hex(LINUX_HELLO));
        assertEquals(1, wildcard.received.size());
        assertEquals(0, connectedElsewhere.received.size());
        assertEquals(3, udp.counter(UdpStatistic.IN_DATAGRAMS));
    }

    @Test
    void connectedSocketOnlyHearsItsPeer() throws Exception {
        FakeEndpoint connected = bound("connected", 0, RECEIVER_PORT, true).connect(LINUX_SENDER, SENDER_PORT + 1);
        FakeEndpoint wildcard = bound("wildcard", 0, RECEIVER_PORT, true);

        receive(hex(LINUX_HELLO)); // from port 40001, not 40002

        assertEquals(0, connected.received.size());
        assertEquals(1, wildcard.received.size());
    }

    @Test
    void deliversBroadcastToEverySocketOnThePortEachWithAnIntactCopy() throws Exception {
        FakeEndpoint first = bound("first", 0, RECEIVER_PORT, true);
        FakeEndpoint second = bound("second", 0, RECEIVER_PORT, true);
        FakeEndpoint third = bound("third", Ipv4Address.BROADCAST, RECEIVER_PORT, true);
        FakeEndpoint unicastOnly = bound("unicast", LINUX_RECEIVER, RECEIVER_PORT, true);
        FakeEndpoint otherPort = bound("other", 0, RECEIVER_PORT + 1, false);

        receive(udpDatagram(LINUX_SENDER, SENDER_PORT, Ipv4Address.BROADCAST, RECEIVER_PORT, HELLO));

        for (FakeEndpoint socket : new FakeEndpoint[] {first, second, third}) {
            assertEquals(1, socket.received.size(), socket.name);
            FakeEndpoint.Received got = socket.received.get(0);
            assertArrayEquals(HELLO, got.payload(), socket.name);
            assertEquals(LINUX_SENDER, got.source());
            assertEquals(SENDER_PORT, got.sourcePort());
            assertEquals(Ipv4Address.BROADCAST, got.destination());
            assertEquals(LINUX_SENDER, got.ipSourceAtNetworkOffset(), "copy keeps the IPv4 header");
        }
        assertEquals(0, unicastOnly.received.size(), "Linux: a socket bound to a unicast address hears no broadcast");
        assertEquals(0, otherPort.received.size());
        assertEquals(3, udp.counter(UdpStatistic.IN_DATAGRAMS));
        assertEquals(2, udp.counter(UdpStatistic.MULTI_COPIES));
        assertTrue(icmp.unreachables.isEmpty());
    }

    @Test
    void deliversSubnetBroadcastToEverySocketOnThePort() throws Exception {
        FakeEndpoint first = bound("first", 0, RECEIVER_PORT, true);
        FakeEndpoint second = bound("second", 0, RECEIVER_PORT, true);
        int subnetBroadcast = Ipv4Address.parse("198.18.66.255");

        receive(udpDatagram(LINUX_SENDER, SENDER_PORT, subnetBroadcast, RECEIVER_PORT, HELLO));

        assertEquals(1, first.received.size());
        assertEquals(1, second.received.size());
        assertNotSame(first.received.get(0).payload(), second.received.get(0).payload());
        assertEquals(subnetBroadcast, second.received.get(0).destination());
    }

    @Test
    void eachBroadcastCopyIsItsOwnBuffer() throws Exception {
        // A socket that scribbles over its payload must not change what the others get.
        FakeEndpoint scribbler = new FakeEndpoint("scribbler") {
            @Override
            public boolean deliver(PacketBuffer payload, int source, int sourcePort, int destination) {
                payload.fill(payload.start(), payload.length(), 0);
                return super.deliver(payload, source, sourcePort, destination);
            }
        };
        scribbler.localPort = udp.bind(scribbler, 0, RECEIVER_PORT, true);
        FakeEndpoint second = bound("second", 0, RECEIVER_PORT, true);

        receive(udpDatagram(LINUX_SENDER, SENDER_PORT, Ipv4Address.BROADCAST, RECEIVER_PORT, HELLO));

        assertArrayEquals(new byte[HELLO.length], scribbler.received.get(0).payload());
        assertArrayEquals(HELLO, second.received.get(0).payload());
    }

    @Test
    void countsFullReceiveBufferAsRcvbufErrors() throws Exception {
        FakeEndpoint socket = bound("server", 0, RECEIVER_PORT, false);
        socket.accept = false;

        receive(hex(LINUX_HELLO));

        assertEquals(1, udp.counter(UdpStatistic.RCVBUF_ERRORS));
        assertEquals(1, udp.counter(UdpStatistic.IN_ERRORS));
        assertEquals(0, udp.counter(UdpStatistic.IN_DATAGRAMS));
    }

    @Test
    void survivesASocketThatThrows() throws Exception {
        FakeEndpoint socket = bound("server", 0, RECEIVER_PORT, false);
        socket.throwOnDeliver = true;

        receive(hex(LINUX_HELLO));

        assertEquals(1, udp.counter(UdpStatistic.CALLBACK_FAILED));
        assertEquals(1, udp.counter(UdpStatistic.IN_ERRORS));
    }

    @Test
    void receivesOnLoopbackAddressWhenBoundToIt() throws Exception {
        FakeEndpoint socket = bound("lo", Ipv4Address.LOOPBACK, RECEIVER_PORT, false);

        udp.receive(received(pool, udpDatagram(Ipv4Address.LOOPBACK, SENDER_PORT, Ipv4Address.LOOPBACK, RECEIVER_PORT, HELLO), null));

        assertEquals(1, socket.received.size());
    }

    @Test
    void survivesRandomBytesAfterTheIpHeader() throws Exception {
        bound("server", 0, RECEIVER_PORT, true);
        bound("all", 0, 9, true);
        java.util.Random random = new java.util.Random(768);
        for (int i = 0; i < 5_000; i++) {
            byte[] u = new byte[random.nextInt(64)];
            random.nextBytes(u);
            if (u.length >= 4 && random.nextBoolean()) {
                u[2] = (byte) (RECEIVER_PORT >>> 8); // often aimed at a bound port
                u[3] = (byte) RECEIVER_PORT;
            }
            int destination = random.nextInt(4) == 0 ? Ipv4Address.BROADCAST : LINUX_RECEIVER;
            receive(datagram(LINUX_SENDER, destination, 17, u));
        }
        long accounted = udp.counter(UdpStatistic.IN_DATAGRAMS) + udp.counter(UdpStatistic.IN_ERRORS)
                + udp.counter(UdpStatistic.NO_PORTS) + udp.counter(UdpStatistic.IGNORED_MULTI);
        assertTrue(accounted >= 5_000, "every datagram counted somewhere: " + udp.counters());
    }

    // ---- allocation ---------------------------------------------------------------------------

    @Test
    void allocatesNothingPerUnicastDatagram() throws Exception {
        FakeEndpoint socket = bound("server", 0, RECEIVER_PORT, false);
        bound("other", LINUX_RECEIVER, RECEIVER_PORT + 1, false);
        socket.record = false;
        byte[] linux = hex(LINUX_HELLO);
        PacketBuffer[] packets = new PacketBuffer[1];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm up the pool and the JIT
            udp.receive(refill(packets, linux));
        }
        int count = 10_000;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < count; i++) {
            udp.receive(refill(packets, linux));
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < count, "allocated " + allocated + " bytes for " + count + " datagrams");
        assertEquals(30_000, socket.delivered);
    }

    /** A received buffer from the pool without allocating: the datagram is copied from a byte array made once. */
    private PacketBuffer refill(PacketBuffer[] holder, byte[] datagram) {
        PacketBuffer packet = pool.allocate();
        int at = packet.append(datagram.length);
        packet.putBytes(at, datagram, 0, datagram.length);
        packet.networkOffset(at);
        packet.region(at + 20, at + datagram.length);
        packet.transportOffset(at + 20);
        packet.inputInterface(nif);
        holder[0] = packet;
        return packet;
    }

    @Test
    void publishesItsCountersUnderUdpWithLinuxNames() {
        assertEquals("Udp", udp.protocol());
        for (String name : new String[] {"InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors",
                "SndbufErrors", "InCsumErrors", "IgnoredMulti", "TooShort", "BadLength", "BadChecksum"}) {
            assertTrue(udp.counters().containsKey(name), name);
        }
    }

    @Test
    void checksumOfOurOwnBuilderMatchesLinux() {
        // Guards the test helper the other tests rely on.
        assertArrayEquals(ipPayload(hex(LINUX_HELLO)), udp(LINUX_SENDER, SENDER_PORT, LINUX_RECEIVER, RECEIVER_PORT, HELLO));
    }
}
