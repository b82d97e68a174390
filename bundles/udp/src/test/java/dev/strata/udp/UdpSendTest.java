package dev.strata.udp;

import static dev.strata.testsupport.TestPackets.datagram;
import static dev.strata.testsupport.TestPackets.hex;
import static dev.strata.testsupport.TestPackets.ipPayload;
import static dev.strata.testsupport.TestPackets.received;
import static dev.strata.testsupport.TestPackets.udpNoChecksum;
import static dev.strata.udp.Packets.LINUX_HELLO;
import static dev.strata.udp.Packets.LINUX_ODD;
import static dev.strata.udp.Packets.LINUX_RECEIVER;
import static dev.strata.udp.Packets.LINUX_SENDER;
import static dev.strata.udp.Packets.RECEIVER_PORT;
import static dev.strata.udp.Packets.SENDER_PORT;
import static dev.strata.udp.Packets.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.testsupport.TestPackets;

/** Sending: here the stack plays Linux's sender, 198.18.66.1, so its bytes can be compared with Linux's. */
class UdpSendTest {

    private static final byte[] HELLO = "hello strata".getBytes(StandardCharsets.US_ASCII);

    private final BufferPool pool = new BufferPool();
    private final FakeIpv4Output ipv4 = new FakeIpv4Output(LINUX_SENDER);
    private final FakeIcmpErrors icmp = new FakeIcmpErrors();
    private UdpLayer udp;
    private long outstandingAtStart;

    @BeforeEach
    void setUp() {
        outstandingAtStart = pool.outstanding();
        udp = new UdpLayer(ipv4, icmp, pool);
        udp.interfaceUp(Packets.iface("198.18.66.1/24"));
    }

    @AfterEach
    void noBufferLeaked() {
        assertEquals(outstandingAtStart, pool.outstanding(), "buffers leaked");
    }

    private FakeEndpoint bound(int address, int port) throws NetSocketException {
        FakeEndpoint endpoint = new FakeEndpoint("socket");
        endpoint.localPort = udp.bind(endpoint, address, port, false);
        endpoint.localAddress = address;
        return endpoint;
    }

    @Test
    void sendsExactlyLinuxHeaderAndChecksum() throws Exception {
        FakeEndpoint socket = bound(LINUX_SENDER, SENDER_PORT);

        udp.send(socket, payload(pool, HELLO), LINUX_RECEIVER, RECEIVER_PORT, Ipv4Output.DEFAULT_TTL, 0);

        assertEquals(1, ipv4.sent.size());
        FakeIpv4Output.Sent sent = ipv4.sent.get(0);
        assertArrayEquals(ipPayload(hex(LINUX_HELLO)), sent.segment());
        assertEquals(LINUX_SENDER, sent.source());
        assertEquals(LINUX_RECEIVER, sent.destination());
        assertEquals(IpProtocol.UDP, sent.protocol());
        assertEquals(64, sent.ttl());
        assertEquals(0, sent.transportOffset(), "transportOffset at the UDP header");
        assertEquals(1, udp.counter(UdpStatistic.OUT_DATAGRAMS));
    }

    @Test
    void sendsExactlyLinuxBytesForAnOddLengthFromAWildcardSocket() throws Exception {
        FakeEndpoint socket = bound(0, SENDER_PORT);

        udp.send(socket, payload(pool, "odd".getBytes(StandardCharsets.US_ASCII)), LINUX_RECEIVER, RECEIVER_PORT, 64, 0);

        FakeIpv4Output.Sent sent = ipv4.sent.get(0);
        assertArrayEquals(ipPayload(hex(LINUX_ODD)), sent.segment());
        assertEquals(LINUX_SENDER, sent.source(), "the route's source address, as the checksum assumed");
    }

    @Test
    void passesTtlAndTosToIpv4() throws Exception {
        FakeEndpoint socket = bound(0, SENDER_PORT);

        udp.send(socket, payload(pool, HELLO), LINUX_RECEIVER, RECEIVER_PORT, 7, 0xb8);

        assertEquals(7, ipv4.sent.get(0).ttl());
        assertEquals(0xb8, ipv4.sent.get(0).tos());
        assertFalse(ipv4.sent.get(0).dontFragment());
    }

    @Test
    void sendsAComputedZeroChecksumAsAllOnes() throws Exception {
        FakeEndpoint socket = bound(LINUX_SENDER, SENDER_PORT);
        // Two data bytes chosen so that the one's complement sum is 0xffff: the checksum
        // computed with them as 0 is exactly the word that completes the sum.
        byte[] probe = udpNoChecksum(SENDER_PORT, RECEIVER_PORT, new byte[2]);
        long pseudo = (LINUX_SENDER >>> 16) + (LINUX_SENDER & 0xffff) + (LINUX_RECEIVER >>> 16) + (LINUX_RECEIVER & 0xffff)
                + 17 + probe.length;
        int word = TestPackets.checksum(probe, 0, probe.length, pseudo);
        byte[] data = {(byte) (word >>> 8), (byte) word};

        udp.send(socket, payload(pool, data), LINUX_RECEIVER, RECEIVER_PORT, 64, 0);

        byte[] segment = ipv4.sent.get(0).segment();
        assertEquals(0xff, segment[6] & 0xff);
        assertEquals(0xff, segment[7] & 0xff);

        // And a receiver verifies it (RFC 768: all ones is the checksum 0, not "none").
        UdpLayer receiver = new UdpLayer(ipv4, icmp, pool);
        FakeEndpoint server = new FakeEndpoint("server");
        receiver.bind(server, 0, RECEIVER_PORT, false);
        receiver.receive(received(pool, datagram(LINUX_SENDER, LINUX_RECEIVER, 17, segment), null));
        assertEquals(1, server.received.size());
        assertArrayEquals(data, server.received.get(0).payload());
        assertEquals(0, receiver.counter(UdpStatistic.NO_CHECKSUM));
    }

    @Test
    void sendsLargestPayloadAndRefusesOneByteMore() throws Exception {
        FakeEndpoint socket = bound(0, SENDER_PORT);
        assertEquals(65507, udp.maxPayload());

        udp.send(socket, payload(pool, new byte[65507]), LINUX_RECEIVER, RECEIVER_PORT, 64, 0);
        assertEquals(65515, ipv4.sent.get(0).segment().length);

        NetSocketException e = assertThrows(NetSocketException.class,
                () -> udp.send(socket, payload(pool, new byte[65508]), LINUX_RECEIVER, RECEIVER_PORT, 64, 0));
        assertEquals(SocketError.EMSGSIZE, e.error());
        assertEquals(1, ipv4.sends);
        assertEquals(1, udp.counter(UdpStatistic.OUT_TOO_LARGE));
    }

    @Test
    void failsWithEnetdownWhileIpv4IsMissing() throws Exception {
        udp = new UdpLayer(null, icmp, pool);
        FakeEndpoint socket = bound(0, SENDER_PORT);

        NetSocketException e = assertThrows(NetSocketException.class,
                () -> udp.send(socket, payload(pool, HELLO), LINUX_RECEIVER, RECEIVER_PORT, 64, 0));

        assertEquals(SocketError.ENETDOWN, e.error());
        assertEquals(1, udp.counter(UdpStatistic.NO_IPV4));
        assertEquals(0, udp.counter(UdpStatistic.OUT_DATAGRAMS));
    }

    @Test
    void failsWithEnetunreachWhenAWildcardSocketHasNoSourceAddress() throws Exception {
        ipv4.sourceAddress = Ipv4Address.ANY;
        FakeEndpoint socket = bound(0, SENDER_PORT);

        NetSocketException e = assertThrows(NetSocketException.class,
                () -> udp.send(socket, payload(pool, HELLO), LINUX_RECEIVER, RECEIVER_PORT, 64, 0));

        assertEquals(SocketError.ENETUNREACH, e.error());
        assertEquals(0, ipv4.sends);
        assertEquals(1, udp.counter(UdpStatistic.OUT_NO_ROUTE));
    }

    @Test
    void mapsEveryIpv4FailureToItsErrnoAndCountsIt() throws Exception {
        FakeEndpoint socket = bound(0, SENDER_PORT);
        assertSendFails(socket, SendResult.NO_ROUTE, SocketError.ENETUNREACH, UdpStatistic.OUT_NO_ROUTE);
        assertSendFails(socket, SendResult.TOO_LARGE, SocketError.EMSGSIZE, UdpStatistic.OUT_TOO_LARGE);
        assertSendFails(socket, SendResult.INTERFACE_DOWN, SocketError.ENETDOWN, UdpStatistic.OUT_INTERFACE_DOWN);
        assertSendFails(socket, SendResult.NO_BUFFERS, SocketError.ENOBUFS, UdpStatistic.SNDBUF_ERRORS);
        assertEquals(0, udp.counter(UdpStatistic.OUT_DATAGRAMS));
    }

    private void assertSendFails(FakeEndpoint socket, SendResult result, SocketError error, UdpStatistic counter) {
        ipv4.result = result;
        long before = udp.counter(counter);
        // The fake released the buffer as IPv4 would: UDP must not release it again (the pool would throw).
        NetSocketException e = assertThrows(NetSocketException.class,
                () -> udp.send(socket, payload(pool, HELLO), LINUX_RECEIVER, RECEIVER_PORT, 64, 0));
        assertEquals(error, e.error());
        assertEquals(before + 1, udp.counter(counter));
    }

    @Test
    void refusesDestinationPortZeroAndAnUnboundSocket() throws Exception {
        FakeEndpoint socket = bound(0, SENDER_PORT);
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class,
                () -> udp.send(socket, payload(pool, HELLO), LINUX_RECEIVER, 0, 64, 0)).error());

        FakeEndpoint unbound = new FakeEndpoint("unbound");
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class,
                () -> udp.send(unbound, payload(pool, HELLO), LINUX_RECEIVER, RECEIVER_PORT, 64, 0)).error());
        assertEquals(0, ipv4.sends);
    }

    @Test
    void sendsBroadcastFromTheRouteSourceAddress() throws Exception {
        FakeEndpoint socket = bound(0, SENDER_PORT);

        udp.send(socket, payload(pool, HELLO), Ipv4Address.BROADCAST, RECEIVER_PORT, 64, 0);

        assertEquals(Ipv4Address.BROADCAST, ipv4.sent.get(0).destination());
        assertEquals(LINUX_SENDER, ipv4.sent.get(0).source());
    }
}
