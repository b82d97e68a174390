package dev.strata.ipv4;

import static dev.strata.ipv4.TestStack.ADDRESS;
import static dev.strata.ipv4.TestStack.datagram;
import static dev.strata.ipv4.TestStack.fixChecksum;
import static dev.strata.ipv4.TestStack.putI32;
import static dev.strata.ipv4.TestStack.putU16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.ipv4.Fakes.Delivered;

class Ipv4ReceiveTest {

    private final TestStack stack = new TestStack();

    @AfterEach
    void noBufferLeaks() {
        assertEquals(stack.outstandingAtStart, stack.pool.outstanding(), "buffers outstanding");
    }

    private static byte[] echoRequest() {
        return LinuxCaptures.bytes(LinuxCaptures.ECHO_REQUEST_HEX);
    }

    private void assertDropped(byte[] ip, IpCounter reason) {
        stack.receive(ip);
        assertEquals(1, stack.count(reason), reason.name());
        assertEquals(0, stack.handler.delivered.size(), "nothing delivered");
        assertEquals(0, stack.count(IpCounter.InDelivers));
    }

    @Test
    void deliversLinuxEchoRequestOnceWithOffsetsSet() {
        byte[] ip = echoRequest();
        PacketBuffer packet = stack.packet(ip);
        int start = packet.start();
        stack.layer.receive(packet);

        assertEquals(1, stack.handler.delivered.size());
        Delivered d = stack.handler.delivered.get(0);
        assertArrayEquals(Arrays.copyOfRange(ip, 20, 84), d.payload(), "region is the ICMP message");
        assertArrayEquals(ip, d.datagram(), "networkOffset is the IPv4 header");
        assertEquals(0, d.transportMinusStart(), "transportOffset is the region's start");
        assertSame(stack.eth0, d.input());
        assertEquals(1, stack.count(IpCounter.InReceives));
        assertEquals(1, stack.count(IpCounter.InDelivers));
        assertTrue(start >= 0);
    }

    @Test
    void truncatesEthernetPaddingToTotalLength() {
        byte[] ip = Arrays.copyOf(datagram(ADDRESS, 1, 7, 0, new byte[8]), 46); // padded to Ethernet's minimum
        stack.receive(ip);
        assertEquals(1, stack.handler.delivered.size());
        assertEquals(8, stack.handler.delivered.get(0).payload().length);
    }

    @Test
    void dropsPacketShorterThanMinimumHeader() {
        assertDropped(Arrays.copyOf(echoRequest(), 19), IpCounter.TooShort);
        assertEquals(1, stack.eth0.link.statistics.rxErrors());
    }

    @Test
    void dropsEmptyPacket() {
        assertDropped(new byte[0], IpCounter.TooShort);
    }

    @Test
    void dropsVersionOtherThanFour() {
        byte[] ip = echoRequest();
        ip[0] = 0x65;
        assertDropped(fixChecksum(ip), IpCounter.BadVersion);
    }

    @Test
    void dropsHeaderLengthBelowFive() {
        byte[] ip = echoRequest();
        ip[0] = 0x44;
        assertDropped(ip, IpCounter.BadHeaderLength);
    }

    @Test
    void dropsHeaderLengthLongerThanPacket() {
        byte[] ip = Arrays.copyOf(echoRequest(), 40);
        ip[0] = 0x4f; // 60-byte header in a 40-byte packet
        assertDropped(ip, IpCounter.BadHeaderLength);
    }

    @Test
    void dropsTotalLengthBeyondFrame() {
        byte[] ip = echoRequest();
        putU16(ip, 2, 200);
        assertDropped(fixChecksum(ip), IpCounter.BadTotalLength);
    }

    @Test
    void dropsTruncatedDatagram() {
        // The header says 84 bytes; only 60 arrived.
        assertDropped(Arrays.copyOf(echoRequest(), 60), IpCounter.BadTotalLength);
    }

    @Test
    void dropsTotalLengthShorterThanHeader() {
        byte[] ip = echoRequest();
        putU16(ip, 2, 19);
        assertDropped(fixChecksum(ip), IpCounter.BadTotalLength);
    }

    @Test
    void dropsBadChecksum() {
        byte[] ip = echoRequest();
        ip[8] = 63; // TTL changed, checksum not
        assertDropped(ip, IpCounter.BadChecksum);
    }

    @Test
    void dropsBroadcastSource() {
        byte[] ip = echoRequest();
        putI32(ip, 12, Ipv4Address.BROADCAST);
        assertDropped(fixChecksum(ip), IpCounter.BadSourceAddress);
    }

    @Test
    void dropsMulticastSource() {
        byte[] ip = echoRequest();
        putI32(ip, 12, Ipv4Address.parse("224.0.0.5"));
        assertDropped(fixChecksum(ip), IpCounter.BadSourceAddress);
    }

    @Test
    void dropsSubnetBroadcastSource() {
        byte[] ip = echoRequest();
        putI32(ip, 12, Ipv4Address.parse("198.18.7.255"));
        assertDropped(fixChecksum(ip), IpCounter.BadSourceAddress);
    }

    @Test
    void dropsLoopbackSourceArrivingFromTheWire() {
        byte[] ip = echoRequest();
        putI32(ip, 12, Ipv4Address.LOOPBACK);
        assertDropped(fixChecksum(ip), IpCounter.BadSourceAddress);
    }

    @Test
    void dropsFragmentWhoseOffsetOverflows65535() {
        // Offset 65512 plus 40 bytes of data: the "ping of death".
        assertDropped(datagram(ADDRESS, 1, 9, 8189, new byte[40]), IpCounter.FragmentOverflow);
        assertEquals(0, stack.layer.reassembler().inProgress());
    }

    @Test
    void acceptsLastFragmentEndingExactlyAt65535() {
        // 65535 - 20 = 65515 = offset 65512 + 3 bytes: legal, held for reassembly (and timed out).
        stack.receive(datagram(ADDRESS, 1, 9, 8189, new byte[3]));
        assertEquals(0, stack.count(IpCounter.FragmentOverflow));
        assertEquals(1, stack.layer.reassembler().inProgress());
        stack.scheduler.advance(31, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, stack.layer.reassembler().inProgress());
    }

    @Test
    void dropsNonFinalFragmentWithLengthNotMultipleOfEight() {
        assertDropped(datagram(ADDRESS, 1, 9, 0x2000, new byte[12]), IpCounter.BadFragmentLength);
    }

    @Test
    void dropsDatagramForAnotherHost() {
        assertDropped(datagram(Ipv4Address.parse("198.18.7.3"), 1, 1, 0, new byte[8]), IpCounter.InAddrErrors);
        assertEquals(1, stack.eth0.link.statistics.rxDropped());
    }

    @Test
    void dropsDatagramForAnAddressOfAnInterfaceThatIsDown() {
        stack.eth0.up = false;
        stack.layer.interfaceDown(stack.eth0);
        assertDropped(datagram(ADDRESS, 1, 1, 0, new byte[8]), IpCounter.InAddrErrors);
    }

    @Test
    void acceptsLimitedBroadcastSubnetBroadcastAndAllHosts() {
        stack.receive(datagram(Ipv4Address.BROADCAST, 1, 1, 0, new byte[8]));
        stack.receive(datagram(Ipv4Address.parse("198.18.7.255"), 1, 2, 0, new byte[8]));
        stack.receive(datagram(Ipv4Address.parse("224.0.0.1"), 1, 3, 0, new byte[8]));
        assertEquals(3, stack.handler.delivered.size());
        assertEquals(0, stack.count(IpCounter.InAddrErrors));
    }

    @Test
    void dropsOtherMulticastGroups() {
        assertDropped(datagram(Ipv4Address.parse("224.0.0.251"), 1, 1, 0, new byte[8]), IpCounter.InAddrErrors);
    }

    @Test
    void acceptsAnyLoopbackAddressOnTheLoopback() {
        byte[] ip = datagram(Ipv4Address.parse("127.0.0.5"), 1, 1, 0, new byte[8]);
        putI32(ip, 12, Ipv4Address.LOOPBACK);
        stack.layer.receive(stack.packet(fixChecksum(ip), stack.lo));
        assertEquals(1, stack.handler.delivered.size());
    }

    @Test
    void skipsOptionsByHeaderLength() {
        byte[] plain = datagram(ADDRESS, 1, 5, 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        byte[] ip = new byte[plain.length + 8];
        System.arraycopy(plain, 0, ip, 0, 20);
        ip[0] = 0x47; // 28-byte header: 8 bytes of options
        Arrays.fill(ip, 20, 28, (byte) 1); // NOP options, never parsed
        System.arraycopy(plain, 20, ip, 28, 8);
        putU16(ip, 2, ip.length);
        stack.receive(fixChecksum(ip));

        assertEquals(1, stack.handler.delivered.size());
        Delivered d = stack.handler.delivered.get(0);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, d.payload());
        assertEquals(ip.length, d.datagram().length);
    }

    @Test
    void unknownProtocolGetsProtocolUnreachable() {
        byte[] ip = datagram(ADDRESS, 99, 1, 0, new byte[16]);
        stack.receive(ip);
        assertEquals(1, stack.count(IpCounter.InUnknownProtos));
        assertEquals(1, stack.icmp.calls.size());
        assertEquals("unreachable", stack.icmp.calls.get(0).kind());
        assertEquals(IcmpErrors.PROTOCOL_UNREACHABLE, stack.icmp.calls.get(0).code());
        assertArrayEquals(ip, stack.icmp.calls.get(0).quoted(), "offending datagram from its networkOffset");
    }

    @Test
    void udpWithoutAHandlerGetsPortUnreachable() {
        stack.receive(datagram(ADDRESS, IpProtocol.UDP, 1, 0, new byte[16]));
        assertEquals(1, stack.count(IpCounter.InUnknownProtos));
        assertEquals(IcmpErrors.PORT_UNREACHABLE, stack.icmp.calls.get(0).code());
    }

    @Test
    void handlerThatThrowsDoesNotEscapeTheLayer() {
        stack.layer.bindHandler(packet -> {
            packet.release();
            throw new IllegalStateException("broken handler");
        }, Map.of(IpProtocol.PROPERTY, 6));
        stack.receive(datagram(ADDRESS, 6, 1, 0, new byte[20]));
        assertEquals(1, stack.count(IpCounter.HandlerFailures));
    }

    @Test
    void unknownProtocolToBroadcastGetsNoIcmpError() {
        stack.receive(datagram(Ipv4Address.BROADCAST, 99, 1, 0, new byte[16]));
        stack.receive(datagram(Ipv4Address.parse("198.18.7.255"), 99, 2, 0, new byte[16]));
        assertEquals(2, stack.count(IpCounter.InUnknownProtos));
        assertEquals(0, stack.icmp.calls.size());
    }

    @Test
    void unknownProtocolWithoutIcmpIsCountedAndReleased() {
        stack.layer.icmpErrors = null;
        stack.receive(datagram(ADDRESS, 99, 1, 0, new byte[16]));
        assertEquals(1, stack.count(IpCounter.InUnknownProtos));
    }

    @Test
    void unboundHandlerStopsDeliveryAndAnotherHandlerKeepsItsSlot() {
        Fakes.RecordingHandler other = new Fakes.RecordingHandler();
        stack.layer.unbindHandler(other, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP)); // not the bound one: no effect
        stack.receive(echoRequest());
        assertEquals(1, stack.handler.delivered.size());

        stack.layer.unbindHandler(stack.handler, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP));
        stack.receive(echoRequest());
        assertEquals(1, stack.handler.delivered.size());
        assertEquals(1, stack.count(IpCounter.InUnknownProtos));
    }

    @Test
    void theHighestRankedHandlerServesAndALowRankedStandInTakesOverWhenItLeaves() {
        Fakes.RecordingHandler standIn = new Fakes.RecordingHandler();
        Fakes.RecordingHandler replacement = new Fakes.RecordingHandler();
        stack.layer.bindHandler(standIn, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP,
                org.osgi.framework.Constants.SERVICE_RANKING, Integer.MIN_VALUE));
        stack.receive(echoRequest());
        assertEquals(1, stack.handler.delivered.size(), "the handler of ranking 0 serves, not the stand-in bound later");
        stack.layer.unbindHandler(stack.handler, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP));
        stack.receive(echoRequest());
        assertEquals(1, standIn.delivered.size(), "the stand-in at once: no datagram meets an empty slot");
        assertEquals(0, stack.count(IpCounter.InUnknownProtos));
        stack.layer.bindHandler(replacement, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP));
        stack.receive(echoRequest());
        assertEquals(1, replacement.delivered.size(), "a new handler takes over from the stand-in");
        stack.layer.unbindHandler(standIn, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP));
        stack.receive(echoRequest());
        assertEquals(2, replacement.delivered.size());
        stack.layer.unbindHandler(replacement, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP));
        stack.receive(echoRequest());
        assertEquals(1, stack.count(IpCounter.InUnknownProtos), "none bound: protocol unreachable as before");
    }

    @Test
    void receiveOfUnfragmentedDatagramAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        stack.handler.record = false;
        byte[] ip = echoRequest();
        PacketBuffer[] packets = new PacketBuffer[2000];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < packets.length; i++) {
                packets[i] = stack.packet(ip);
            }
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < packets.length; i++) {
                stack.layer.receive(packets[i]);
            }
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (round == 2) {
                // Fewer bytes than datagrams: no per-packet object (each is 16 bytes or more);
                // the JIT may allocate a few bytes once, which must not fail the build.
                assertTrue(allocated < packets.length, allocated + " bytes allocated receiving " + packets.length + " datagrams");
            }
        }
        assertEquals(3L * packets.length, stack.handler.count);
    }
}
