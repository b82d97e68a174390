package dev.strata.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.DatagramProtocol;

class UdpBindTest {

    private static final int ADDRESS = Ipv4Address.parse("198.18.66.2");
    private static final int OTHER_ADDRESS = Ipv4Address.parse("198.18.67.2");

    private final BufferPool pool = new BufferPool();
    private final Packets.FakeInterface nif = Packets.iface("198.18.66.2/24");
    private UdpLayer udp;
    private long outstandingAtStart;

    @BeforeEach
    void setUp() {
        outstandingAtStart = pool.outstanding();
        udp = new UdpLayer(new FakeIpv4Output(ADDRESS), new FakeIcmpErrors(), pool);
        udp.interfaceUp(nif);
        udp.interfaceUp(Packets.iface("198.18.67.2/24"));
    }

    @AfterEach
    void noBufferLeaked() {
        assertEquals(outstandingAtStart, pool.outstanding(), "buffers leaked");
    }

    private static FakeEndpoint socket() {
        return new FakeEndpoint("socket");
    }

    private SocketError bindFails(int address, int port, boolean reuse) {
        return assertThrows(NetSocketException.class, () -> udp.bind(socket(), address, port, reuse)).error();
    }

    @Test
    void refusesTheSamePortAndAddressTwice() throws Exception {
        assertEquals(53, udp.bind(socket(), ADDRESS, 53, false));
        assertEquals(SocketError.EADDRINUSE, bindFails(ADDRESS, 53, false));
    }

    @Test
    void refusesWildcardAndSpecificAddressOnTheSamePortEitherWay() throws Exception {
        udp.bind(socket(), 0, 53, false);
        assertEquals(SocketError.EADDRINUSE, bindFails(ADDRESS, 53, false));

        udp.bind(socket(), ADDRESS, 54, false);
        assertEquals(SocketError.EADDRINUSE, bindFails(0, 54, false));
    }

    @Test
    void allowsDifferentAddressesOnTheSamePort() throws Exception {
        udp.bind(socket(), ADDRESS, 53, false);
        udp.bind(socket(), OTHER_ADDRESS, 53, false);
        udp.bind(socket(), Ipv4Address.LOOPBACK, 53, false);
        assertEquals(3, udp.boundEndpoints());
    }

    @Test
    void sharesAPortOnlyWhenBothAskForReuseAddress() throws Exception {
        udp.bind(socket(), 0, 53, true);
        udp.bind(socket(), 0, 53, true);
        udp.bind(socket(), ADDRESS, 53, true);
        assertEquals(SocketError.EADDRINUSE, bindFails(0, 53, false));

        udp.bind(socket(), 0, 54, false);
        assertEquals(SocketError.EADDRINUSE, bindFails(0, 54, true));
    }

    @Test
    void unbindFreesThePortAndIsIdempotent() throws Exception {
        FakeEndpoint first = socket();
        udp.bind(first, ADDRESS, 53, false);
        udp.unbind(first);
        udp.unbind(first);
        udp.unbind(socket()); // never bound

        udp.bind(socket(), ADDRESS, 53, false);
        assertEquals(1, udp.boundEndpoints());
    }

    @Test
    void refusesToBindAnEndpointTwice() throws Exception {
        FakeEndpoint endpoint = socket();
        udp.bind(endpoint, 0, 53, false);
        assertEquals(SocketError.EINVAL, assertThrows(NetSocketException.class, () -> udp.bind(endpoint, 0, 54, false)).error());
    }

    @Test
    void refusesAnAddressThatIsNotOurs() {
        assertEquals(SocketError.EADDRNOTAVAIL, bindFails(Ipv4Address.parse("198.18.66.3"), 53, false));
        assertEquals(SocketError.EADDRNOTAVAIL, bindFails(Ipv4Address.parse("203.0.113.1"), 0, false));
    }

    @Test
    void acceptsWildcardLoopbackBroadcastAndOurAddresses() throws Exception {
        udp.bind(socket(), 0, 1000, false);
        udp.bind(socket(), ADDRESS, 1001, false);
        udp.bind(socket(), Ipv4Address.parse("127.3.4.5"), 1002, false);
        udp.bind(socket(), Ipv4Address.BROADCAST, 1003, false);
        udp.bind(socket(), Ipv4Address.parse("198.18.66.255"), 1004, false);
        udp.bind(socket(), Ipv4Address.parse("224.0.0.251"), 5353, false);
        assertEquals(6, udp.boundEndpoints());
    }

    @Test
    void refusesTheAddressOfAnInterfaceThatWentDown() throws Exception {
        udp.interfaceDown(nif);
        assertEquals(SocketError.EADDRNOTAVAIL, bindFails(ADDRESS, 53, false));

        udp.interfaceUp(nif);
        nif.up = false; // administratively down before the event came
        assertEquals(SocketError.EADDRNOTAVAIL, bindFails(ADDRESS, 53, false));

        nif.up = true;
        nif.address = Ipv4Address.parse("198.18.66.7"); // readdressed: the old address is gone
        assertEquals(SocketError.EADDRNOTAVAIL, bindFails(ADDRESS, 53, false));
        udp.bind(socket(), Ipv4Address.parse("198.18.66.7"), 53, false);
    }

    @Test
    void socketsBoundToTheAddressOfAnInterfaceGoingDownGetEnetdown() throws Exception {
        FakeEndpoint onAddress = socket();
        FakeEndpoint onWildcard = socket();
        udp.bind(onAddress, ADDRESS, 53, false);
        udp.bind(onWildcard, 0, 54, false);

        udp.interfaceDown(nif);

        assertEquals(1, onAddress.errors.size());
        assertEquals(SocketError.ENETDOWN, onAddress.errors.get(0).error());
        assertEquals(ADDRESS, onAddress.errors.get(0).from());
        assertTrue(onWildcard.errors.isEmpty());
    }

    @Test
    void saysWhichDestinationsAreBroadcastsForSoBroadcast() {
        assertTrue(udp.isBroadcast(Ipv4Address.BROADCAST));
        assertTrue(udp.isBroadcast(Ipv4Address.parse("198.18.66.255")), "the directed broadcast of an up interface");
        assertFalse(udp.isBroadcast(Ipv4Address.parse("198.18.66.7")));
        assertFalse(udp.isBroadcast(Ipv4Address.parse("224.0.0.1")), "multicast needs no SO_BROADCAST");
        udp.interfaceDown(nif);
        assertFalse(udp.isBroadcast(Ipv4Address.parse("198.18.66.255")));
    }

    @Test
    void refusesPortsOutOfRange() {
        assertEquals(SocketError.EINVAL, bindFails(0, 65536, false));
        assertEquals(SocketError.EINVAL, bindFails(0, -1, false));
    }

    @Test
    void picksUniqueEphemeralPortsInTheDynamicRange() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            int port = udp.bind(socket(), i % 2 == 0 ? 0 : ADDRESS, 0, false);
            assertTrue(port >= DatagramProtocol.EPHEMERAL_FIRST && port <= DatagramProtocol.EPHEMERAL_LAST, "port " + port);
            assertTrue(ports.add(port), "port " + port + " handed out twice");
        }
    }

    @Test
    void startsEphemeralSearchAtARandomPlace() throws Exception {
        Set<Integer> firsts = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            UdpLayer fresh = new UdpLayer(null, null, pool);
            firsts.add(fresh.bind(socket(), 0, 0, false));
        }
        assertTrue(firsts.size() > 1, "RFC 6056: the first ephemeral port is not predictable");
    }

    @Test
    void failsWithEagainWhenEveryEphemeralPortIsTaken() throws Exception {
        udp = new UdpLayer(null, null, pool, 50000, 50009);
        udp.interfaceUp(nif);
        udp.bind(socket(), ADDRESS, 50003, false); // taken explicitly: skipped by the search
        Set<Integer> ports = new HashSet<>();
        ports.add(50003);
        for (int i = 0; i < 9; i++) {
            int port = udp.bind(socket(), 0, 0, false);
            assertTrue(port >= 50000 && port <= 50009, "port " + port);
            assertTrue(ports.add(port), "port " + port + " handed out twice");
        }
        assertEquals(10, ports.size());
        assertEquals(SocketError.EAGAIN, bindFails(0, 0, false));

        FakeEndpoint freed = socket();
        udp.unbind(freed); // not bound: nothing changes
        assertEquals(SocketError.EAGAIN, bindFails(0, 0, true));
    }

    @Test
    void reusesAnEphemeralPortOnceItIsFree() throws Exception {
        udp = new UdpLayer(null, null, pool, 50000, 50000);
        FakeEndpoint only = socket();
        assertEquals(50000, udp.bind(only, 0, 0, false));
        assertEquals(SocketError.EAGAIN, bindFails(0, 0, false));
        udp.unbind(only);
        assertEquals(50000, udp.bind(socket(), 0, 0, false));
    }
}
