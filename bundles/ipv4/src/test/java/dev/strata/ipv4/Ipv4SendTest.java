package dev.strata.ipv4;

import static dev.strata.ipv4.TestStack.ADDRESS;
import static dev.strata.ipv4.TestStack.PEER;
import static dev.strata.ipv4.TestStack.getU16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Header;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.Route;
import dev.strata.api.ipv4.SendResult;
import dev.strata.ipv4.Fakes.Sent;
import dev.strata.testsupport.FakeInterface;

class Ipv4SendTest {

    private static final int GATEWAY = PEER;
    private static final int FAR = Ipv4Address.parse("198.19.1.1");

    private final TestStack stack = new TestStack();

    @AfterEach
    void noBufferLeaks() {
        assertEquals(stack.outstandingAtStart, stack.pool.outstanding(), "buffers outstanding");
    }

    private PacketBuffer payload(byte[] bytes) {
        PacketBuffer b = stack.pool.allocate(bytes.length);
        b.putBytes(b.append(bytes.length), bytes, 0, bytes.length);
        return b;
    }

    private SendResult send(byte[] bytes, int destination, boolean dontFragment) {
        return stack.layer.send(payload(bytes), Ipv4Address.ANY, destination, IpProtocol.ICMP, Ipv4Output.DEFAULT_TTL, 0, dontFragment);
    }

    /** The ICMP message Linux sent in three fragments ({@code ping -s 4000}): 4008 bytes. */
    private static byte[] linuxIcmpMessage() {
        byte[] whole = Ipv4ReassemblyTest.linuxOriginal();
        return Arrays.copyOfRange(whole, 20, whole.length);
    }

    private static boolean checksumValid(byte[] ip) {
        long sum = 0;
        for (int i = 0; i < (ip[0] & 0x0f) * 4; i += 2) {
            sum += getU16(ip, i);
        }
        return dev.strata.api.ipv4.InternetChecksum.finish(sum) == 0;
    }

    @Test
    void sendsDatagramToOnLinkDestinationWithAFullHeader() {
        byte[] data = {8, 0, 0, 0, 1, 2, 3, 4};
        stack.layer.nextIdentification(0x1234);
        assertEquals(SendResult.SENT, stack.layer.send(payload(data), Ipv4Address.ANY, PEER, IpProtocol.ICMP, 17, 0xb8, true));

        assertEquals(1, stack.neighbours.sent.size());
        Sent sent = stack.neighbours.sent.get(0);
        assertSame(stack.eth0, sent.networkInterface());
        assertEquals(PEER, sent.nextHop());
        assertEquals(0, sent.networkOffsetFromStart());
        byte[] ip = sent.bytes();
        assertEquals(28, ip.length);
        assertEquals(0x45, ip[0] & 0xff);
        assertEquals(0xb8, ip[1] & 0xff);
        assertEquals(28, getU16(ip, 2));
        assertEquals(0x1234, getU16(ip, 4));
        assertEquals(Ipv4Header.FLAG_DF, getU16(ip, 6));
        assertEquals(17, ip[8]);
        assertEquals(IpProtocol.ICMP, ip[9]);
        assertEquals(ADDRESS, (getU16(ip, 12) << 16) | getU16(ip, 14));
        assertEquals(PEER, (getU16(ip, 16) << 16) | getU16(ip, 18));
        assertEquals(true, checksumValid(ip));
        assertArrayEquals(data, Arrays.copyOfRange(ip, 20, 28));
        assertEquals(1, stack.count(IpCounter.OutRequests));
    }

    @Test
    void keepsTheSourceTheCallerGave() {
        int source = Ipv4Address.parse("198.18.7.99");
        stack.layer.send(payload(new byte[8]), source, PEER, IpProtocol.UDP, 64, 0, false);
        byte[] ip = stack.neighbours.sent.get(0).bytes();
        assertEquals(source, (getU16(ip, 12) << 16) | getU16(ip, 14));
    }

    @Test
    void identificationAdvancesPerDatagram() {
        stack.layer.nextIdentification(0xffff);
        send(new byte[8], PEER, false);
        send(new byte[8], PEER, false);
        assertEquals(0xffff, getU16(stack.neighbours.sent.get(0).bytes(), 4));
        assertEquals(0, getU16(stack.neighbours.sent.get(1).bytes(), 4));
    }

    @Test
    void sendsOffLinkDestinationToTheGateway() {
        stack.routes.add(new Route(0, 0, GATEWAY, null, 0, false));
        assertEquals(SendResult.SENT, send(new byte[8], FAR, false));
        Sent sent = stack.neighbours.sent.get(0);
        assertEquals(GATEWAY, sent.nextHop());
        assertSame(stack.eth0, sent.networkInterface());
    }

    @Test
    void withoutARouteReturnsNoRouteAndCounts() {
        assertEquals(SendResult.NO_ROUTE, send(new byte[8], FAR, false));
        assertEquals(1, stack.count(IpCounter.OutNoRoutes));
        assertEquals(0, stack.neighbours.sent.size());
    }

    @Test
    void interfaceDownReturnsInterfaceDown() {
        stack.routes.add(new Route(0, 0, GATEWAY, "eth0", 0, false));
        stack.eth0.up = false; // down, but the listeners have not heard yet
        assertEquals(SendResult.INTERFACE_DOWN, send(new byte[8], FAR, false));
        assertEquals(1, stack.count(IpCounter.InterfaceDown));
    }

    @Test
    void ownAddressGoesThroughTheLoopback() {
        assertEquals(SendResult.SENT, send(new byte[8], ADDRESS, false));
        Sent sent = stack.neighbours.sent.get(0);
        assertSame(stack.lo, sent.networkInterface());
        assertEquals(ADDRESS, sent.nextHop());
        byte[] ip = sent.bytes();
        assertEquals(ADDRESS, (getU16(ip, 12) << 16) | getU16(ip, 14), "source is the address itself, as Linux picks");
    }

    @Test
    void anyLoopbackAddressGoesThroughTheLoopbackFrom127001() {
        assertEquals(SendResult.SENT, send(new byte[8], Ipv4Address.parse("127.0.0.5"), false));
        Sent sent = stack.neighbours.sent.get(0);
        assertSame(stack.lo, sent.networkInterface());
        byte[] ip = sent.bytes();
        assertEquals(Ipv4Address.LOOPBACK, (getU16(ip, 12) << 16) | getU16(ip, 14));
    }

    @Test
    void loopbackDoesNotFragmentWhatFitsItsMtu() {
        assertEquals(SendResult.SENT, send(new byte[8000], Ipv4Address.LOOPBACK, false));
        assertEquals(1, stack.neighbours.sent.size());
        assertEquals(8020, stack.neighbours.sent.get(0).bytes().length);
    }

    @Test
    void fragmentsExactlyAsLinuxDoes() {
        stack.readdress(LinuxCaptures.SOURCE); // we are the kernel's side that pinged: 198.18.7.1
        stack.layer.nextIdentification(LinuxCaptures.FRAGMENTED_ID);
        PacketBuffer p = payload(linuxIcmpMessage());
        assertEquals(SendResult.SENT,
                stack.layer.send(p, LinuxCaptures.SOURCE, LinuxCaptures.DESTINATION, IpProtocol.ICMP, 64, 0, false));

        // Linux: total lengths 1500, 1500, 1068 (payloads 1480, 1480, 1048) with the same bytes.
        assertEquals(3, stack.neighbours.sent.size());
        assertArrayEquals(LinuxCaptures.bytes(LinuxCaptures.FRAGMENT_1_HEX), stack.neighbours.sent.get(0).bytes());
        assertArrayEquals(LinuxCaptures.bytes(LinuxCaptures.FRAGMENT_2_HEX), stack.neighbours.sent.get(1).bytes());
        assertArrayEquals(LinuxCaptures.bytes(LinuxCaptures.FRAGMENT_3_HEX), stack.neighbours.sent.get(2).bytes());
        for (Sent sent : stack.neighbours.sent) {
            assertEquals(stack.eth0, sent.networkInterface());
            assertEquals(LinuxCaptures.DESTINATION, sent.nextHop());
            assertEquals(0, sent.networkOffsetFromStart());
        }
        assertEquals(1, stack.count(IpCounter.FragOKs));
        assertEquals(3, stack.count(IpCounter.FragCreates));
    }

    @Test
    void fragmentsOfA4000BytePayloadReassembleToTheSameBytes() {
        byte[] data = new byte[4000];
        new Random(42).nextBytes(data);
        assertEquals(SendResult.SENT, send(data, PEER, false));
        assertEquals(3, stack.neighbours.sent.size());
        assertEquals(1500, stack.neighbours.sent.get(0).bytes().length);
        assertEquals(1500, stack.neighbours.sent.get(1).bytes().length);
        assertEquals(1060, stack.neighbours.sent.get(2).bytes().length);

        // Round trip: a second stack, addressed as the peer, takes the fragments in reverse order.
        TestStack peer = new TestStack().readdress(PEER);
        for (int i = stack.neighbours.sent.size() - 1; i >= 0; i--) {
            byte[] fragment = stack.neighbours.sent.get(i).bytes();
            assertEquals(true, checksumValid(fragment));
            peer.receive(fragment);
        }
        assertEquals(1, peer.handler.delivered.size());
        assertArrayEquals(data, peer.handler.delivered.get(0).payload());
        assertEquals(peer.outstandingAtStart, peer.pool.outstanding());
    }

    @Test
    void fragmentsAtASmallMtuInMultiplesOfEight() {
        TestStack small = new TestStack();
        FakeInterface tiny = Fakes.iface(3, "tiny", Ipv4Address.parse("198.18.9.2"), 24, 68, false);
        small.interfaces.interfaces.add(tiny);
        small.routes.interfaceUp(tiny);
        small.layer.interfaceUp(tiny);
        PacketBuffer p = small.pool.allocate(100);
        p.append(100);
        assertEquals(SendResult.SENT, small.layer.send(p, Ipv4Address.ANY, Ipv4Address.parse("198.18.9.1"), 17, 64, 0, false));
        // 68 - 20 = 48 bytes per fragment: 48, 48, 4.
        assertEquals(3, small.neighbours.sent.size());
        int[] offsets = new int[3];
        for (int i = 0; i < 3; i++) {
            byte[] ip = small.neighbours.sent.get(i).bytes();
            offsets[i] = (getU16(ip, 6) & Ipv4Header.OFFSET_MASK) * 8;
            assertEquals(i < 2, (getU16(ip, 6) & Ipv4Header.FLAG_MF) != 0);
        }
        assertArrayEquals(new int[] {0, 48, 96}, offsets);
        assertEquals(small.outstandingAtStart, small.pool.outstanding());
    }

    @Test
    void dontFragmentTooLargeReturnsTooLarge() {
        assertEquals(SendResult.TOO_LARGE, send(new byte[1481], PEER, true));
        assertEquals(1, stack.count(IpCounter.FragFails));
        assertEquals(0, stack.neighbours.sent.size());
    }

    @Test
    void dontFragmentThatFitsIsSent() {
        assertEquals(SendResult.SENT, send(new byte[1480], PEER, true));
        assertEquals(1500, stack.neighbours.sent.get(0).bytes().length);
    }

    @Test
    void datagramOver65535IsTooLarge() {
        assertEquals(SendResult.TOO_LARGE, send(new byte[65516], PEER, false));
        assertEquals(1, stack.count(IpCounter.FragFails));
    }

    @Test
    void largestDatagramIsFragmented() {
        assertEquals(SendResult.SENT, send(new byte[65515], PEER, false));
        assertEquals(45, stack.neighbours.sent.size()); // ceil(65515 / 1480)
        assertEquals(45, stack.count(IpCounter.FragCreates));
    }

    @Test
    void missingNeighbourServiceCountsAndReleases() {
        stack.layer.neighbours = null;
        assertEquals(SendResult.NO_ROUTE, send(new byte[8], PEER, false));
        assertEquals(SendResult.NO_ROUTE, send(new byte[4000], PEER, false));
        assertEquals(2, stack.count(IpCounter.NoNeighbourService));
    }

    @Test
    void missingLoopbackInterfaceMeansNoRouteToOurselves() {
        stack.interfaces.interfaces.remove(stack.lo);
        stack.layer.interfaceDown(stack.lo);
        assertEquals(SendResult.NO_ROUTE, send(new byte[8], Ipv4Address.LOOPBACK, false));
        assertEquals(1, stack.count(IpCounter.NoLoopback));
    }

    @Test
    void sourceAddressAndMtuComeFromTheRoute() {
        assertEquals(ADDRESS, stack.layer.sourceAddressFor(PEER));
        assertEquals(1500, stack.layer.mtuFor(PEER));
        assertEquals(Ipv4Address.ANY, stack.layer.sourceAddressFor(FAR));
        assertEquals(0, stack.layer.mtuFor(FAR));
        assertEquals(Ipv4Address.LOOPBACK, stack.layer.sourceAddressFor(Ipv4Address.parse("127.1.2.3")));
        assertEquals(65536, stack.layer.mtuFor(Ipv4Address.LOOPBACK));
        assertEquals(ADDRESS, stack.layer.sourceAddressFor(ADDRESS));
        stack.routes.add(new Route(0, 0, GATEWAY, null, 0, false));
        assertEquals(ADDRESS, stack.layer.sourceAddressFor(FAR));
        assertEquals(1500, stack.layer.mtuFor(FAR));
    }
}
