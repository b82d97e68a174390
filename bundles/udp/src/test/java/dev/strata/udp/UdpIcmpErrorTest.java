package dev.strata.udp;

import static dev.strata.testsupport.TestPackets.hex;
import static dev.strata.udp.Packets.LINUX_HELLO;
import static dev.strata.udp.Packets.LINUX_RECEIVER;
import static dev.strata.udp.Packets.LINUX_SENDER;
import static dev.strata.udp.Packets.RECEIVER_PORT;
import static dev.strata.udp.Packets.SENDER_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.testsupport.TestPackets;

/**
 * ICMP errors about datagrams we sent. The stack plays 198.18.66.1 and sent Linux's "hello
 * strata" datagram from port 40001 to 198.18.66.2:7777; errors quote it.
 */
class UdpIcmpErrorTest {

    private static final int ROUTER = Ipv4Address.parse("198.18.66.254");

    private final BufferPool pool = new BufferPool();
    private UdpLayer udp;
    private long outstandingAtStart;

    @BeforeEach
    void setUp() {
        outstandingAtStart = pool.outstanding();
        udp = new UdpLayer(new FakeIpv4Output(LINUX_SENDER), new FakeIcmpErrors(), pool);
        udp.interfaceUp(Packets.iface("198.18.66.1/24"));
    }

    @AfterEach
    void noBufferLeaked() {
        assertEquals(outstandingAtStart, pool.outstanding(), "buffers leaked");
    }

    private FakeEndpoint bound(String name, int address, int port) throws NetSocketException {
        FakeEndpoint endpoint = new FakeEndpoint(name);
        endpoint.localPort = udp.bind(endpoint, address, port, true);
        endpoint.localAddress = address;
        return endpoint;
    }

    /**
     * Hands {@code quoted} to UDP as ICMP does: the error's IPv4 header (from {@code from})
     * at the network offset, then the ICMP header, the region the quoted datagram.
     */
    private void icmpError(int type, int code, int from, byte[] quoted) {
        PacketBuffer packet = pool.allocate();
        int at = packet.append(20 + 8 + quoted.length);
        byte[] outer = TestPackets.datagram(from, LINUX_SENDER, 1, new byte[0]);
        packet.putBytes(at, outer, 0, 20);
        packet.putU8(at + 20, type);
        packet.putU8(at + 21, code);
        packet.putBytes(at + 28, quoted, 0, quoted.length);
        packet.networkOffset(at);
        packet.region(at + 28, at + 28 + quoted.length);
        try {
            udp.icmpError(type, code, 0, packet);
        } finally {
            packet.release(); // the buffer stays ICMP's
        }
    }

    /** What ICMP quotes of our datagram: the IPv4 header and the first 8 bytes (RFC 792). */
    private static byte[] quote() {
        byte[] datagram = hex(LINUX_HELLO);
        byte[] quoted = new byte[28];
        System.arraycopy(datagram, 0, quoted, 0, 28);
        return quoted;
    }

    @Test
    void reportsPortUnreachableAsEconnrefusedToTheConnectedSocketOnly() throws Exception {
        FakeEndpoint unconnected = bound("unconnected", 0, SENDER_PORT);
        FakeEndpoint connected = bound("connected", 0, SENDER_PORT).connect(LINUX_RECEIVER, RECEIVER_PORT);
        FakeEndpoint connectedElsewhere = bound("elsewhere", 0, SENDER_PORT).connect(LINUX_RECEIVER, RECEIVER_PORT + 1);

        icmpError(3, 3, LINUX_RECEIVER, quote());

        assertEquals(1, connected.errors.size());
        assertEquals(SocketError.ECONNREFUSED, connected.errors.get(0).error());
        assertEquals(LINUX_RECEIVER, connected.errors.get(0).from());
        assertTrue(unconnected.errors.isEmpty());
        assertTrue(connectedElsewhere.errors.isEmpty());
        assertEquals(1, udp.counter(UdpStatistic.ICMP_ERRORS_DELIVERED));
    }

    @Test
    void ignoresErrorsForAnUnconnectedSocketAsLinuxDoes() throws Exception {
        FakeEndpoint unconnected = bound("unconnected", LINUX_SENDER, SENDER_PORT);

        icmpError(3, 3, LINUX_RECEIVER, quote());

        assertTrue(unconnected.errors.isEmpty());
        assertEquals(1, udp.counter(UdpStatistic.ICMP_IGNORED));
    }

    @Test
    void mapsUnreachableCodesAndTimeExceeded() throws Exception {
        FakeEndpoint connected = bound("connected", LINUX_SENDER, SENDER_PORT).connect(LINUX_RECEIVER, RECEIVER_PORT);

        icmpError(3, 0, ROUTER, quote());
        icmpError(3, 1, ROUTER, quote());
        icmpError(3, 4, ROUTER, quote());
        icmpError(11, 0, ROUTER, quote());
        icmpError(3, 13, ROUTER, quote());

        assertEquals(SocketError.ENETUNREACH, connected.errors.get(0).error());
        assertEquals(SocketError.EHOSTUNREACH, connected.errors.get(1).error());
        assertEquals(SocketError.EMSGSIZE, connected.errors.get(2).error());
        assertEquals(SocketError.EHOSTUNREACH, connected.errors.get(3).error());
        assertEquals(SocketError.EHOSTUNREACH, connected.errors.get(4).error());
        assertEquals(ROUTER, connected.errors.get(0).from());
        assertEquals(5, connected.errors.size());
    }

    @Test
    void ignoresSourceQuenchParameterProblemAndUnknownCodes() throws Exception {
        FakeEndpoint connected = bound("connected", 0, SENDER_PORT).connect(LINUX_RECEIVER, RECEIVER_PORT);

        icmpError(4, 0, ROUTER, quote());
        icmpError(12, 0, ROUTER, quote());
        icmpError(3, 16, ROUTER, quote());

        assertTrue(connected.errors.isEmpty());
        assertEquals(3, udp.counter(UdpStatistic.ICMP_IGNORED));
    }

    @Test
    void ignoresErrorsAboutAPortNobodyHolds() throws Exception {
        bound("someone", 0, SENDER_PORT + 1).connect(LINUX_RECEIVER, RECEIVER_PORT);

        icmpError(3, 3, LINUX_RECEIVER, quote());

        assertEquals(1, udp.counter(UdpStatistic.ICMP_NO_SOCKET));
    }

    @Test
    void ignoresErrorsAboutAnotherLocalAddressOnThePort() throws Exception {
        udp.interfaceUp(Packets.iface("198.18.67.1/24"));
        FakeEndpoint other = bound("other", Ipv4Address.parse("198.18.67.1"), SENDER_PORT).connect(LINUX_RECEIVER, RECEIVER_PORT);

        icmpError(3, 3, LINUX_RECEIVER, quote());

        assertTrue(other.errors.isEmpty());
        assertEquals(1, udp.counter(UdpStatistic.ICMP_NO_SOCKET));
    }

    @Test
    void dropsErrorsWhoseQuoteIsTooShortOrNotUdp() throws Exception {
        FakeEndpoint connected = bound("connected", 0, SENDER_PORT).connect(LINUX_RECEIVER, RECEIVER_PORT);
        byte[] full = quote();

        icmpError(3, 3, LINUX_RECEIVER, java.util.Arrays.copyOf(full, 19)); // not even an IPv4 header
        icmpError(3, 3, LINUX_RECEIVER, java.util.Arrays.copyOf(full, 27)); // UDP header cut
        byte[] longIhl = full.clone();
        longIhl[0] = 0x46; // IHL 24: the ports would lie beyond the quote
        icmpError(3, 3, LINUX_RECEIVER, longIhl);
        byte[] shortIhl = full.clone();
        shortIhl[0] = 0x44;
        icmpError(3, 3, LINUX_RECEIVER, shortIhl);
        byte[] ipv6 = full.clone();
        ipv6[0] = 0x65;
        icmpError(3, 3, LINUX_RECEIVER, ipv6);
        byte[] tcp = full.clone();
        tcp[9] = 6;
        icmpError(3, 3, LINUX_RECEIVER, tcp);

        assertTrue(connected.errors.isEmpty());
        assertEquals(6, udp.counter(UdpStatistic.ICMP_BAD_QUOTE));
    }
}
