package dev.strata.ethernet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ether.EtherType;
import dev.strata.api.ether.EtherTypeHandler;
import dev.strata.api.ether.EthernetOutput;
import dev.strata.api.ether.MacAddress;
import dev.strata.ethernet.EthernetLayer.Counter;
import dev.strata.testsupport.FakeLink;

class EthernetLayerTest {

    /*
     * Golden frames from the Linux kernel (6.x), captured with:
     *   ip netns add a; ip netns add b
     *   ip link add veth-a netns a type veth peer name veth-b netns b
     *   ip -n a link set veth-a address 02:5e:10:00:00:01; ip -n b link set veth-b address 02:5e:10:00:00:02
     *   ip -n a addr add 198.18.5.1/24 dev veth-a; ip -n b addr add 198.18.5.2/24 dev veth-b; (both up)
     *   ip netns exec b tcpdump -i veth-b -n -e -xx arp &   ip netns exec a ping -c1 198.18.5.2
     * The kernel's ARP request (broadcast) and the reply to it (unicast). veth does not pad: 42 bytes.
     */
    static final byte[] LINUX_ARP_REQUEST = HexFormat.of().parseHex(""
            // tcpdump -xx lines 0x0000, 0x0010, 0x0020
            + "ffffffffffff025e100000010806" + "0001"
            + "080006040001025e10000001c6120501"
            + "000000000000c6120502");
    static final byte[] LINUX_ARP_REPLY = HexFormat.of().parseHex(""
            + "025e10000001025e100000020806" + "0001"
            + "080006040002025e10000002c6120502"
            + "025e10000001c6120501");

    static final long MAC_A = 0x025e_1000_0001L;
    static final long MAC_B = 0x025e_1000_0002L;

    private final BufferPool pool = new BufferPool();
    private final EthernetLayer layer = new EthernetLayer();
    private final FakeLink link = new FakeLink(MAC_A, false);
    private final FakeInterface nif = new FakeInterface(link, 0xc612_0501);
    private final Recorder ipv4 = new Recorder();
    private final Recorder arp = new Recorder();
    private long outstandingBefore;

    @BeforeEach
    void bindHandlers() {
        outstandingBefore = pool.outstanding();
        layer.bindHandler(ipv4, Map.of(EtherType.PROPERTY, EtherType.IPV4));
        layer.bindHandler(arp, Map.of(EtherType.PROPERTY, EtherType.ARP));
    }

    @AfterEach
    void noBufferLeaked() {
        ipv4.releaseAll();
        arp.releaseAll();
        assertEquals(outstandingBefore, pool.outstanding(), "buffers leaked");
    }

    @Test
    void deliversLinuxArpRequestToArpHandlerWithOffsetsSet() {
        PacketBuffer frame = frame(LINUX_ARP_REQUEST);
        int start = frame.start();
        layer.receive(frame);
        assertEquals(1, arp.received.size());
        assertEquals(0, ipv4.received.size());
        PacketBuffer delivered = arp.received.get(0);
        assertEquals(start, delivered.linkOffset());
        assertEquals(start + 14, delivered.networkOffset());
        assertEquals(start + 14, delivered.start());
        assertEquals(28, delivered.length());
        assertEquals(1, layer.count(Counter.InFrames));
        assertEquals(1, layer.count(Counter.InDelivered));
    }

    @Test
    void deliversUnicastForOurMacToTheHandlerOfItsEtherType() {
        layer.receive(frame(frameBytes(MAC_A, MAC_B, EtherType.IPV4, 20)));
        assertEquals(1, ipv4.received.size());
        assertEquals(0, arp.received.size());
    }

    @Test
    void acceptsLinuxReplyUnicastToUs() {
        layer.receive(frame(LINUX_ARP_REPLY));
        assertEquals(1, arp.received.size());
    }

    @Test
    void dropsUnicastForAnotherStationAsNotForUs() {
        layer.receive(frame(frameBytes(MAC_B, MAC_A, EtherType.IPV4, 20)));
        assertEquals(0, ipv4.received.size());
        assertEquals(1, layer.count(Counter.NotForUs));
        assertEquals(1, link.statistics.rxDropped());
    }

    @Test
    void acceptsTheAllHostsGroupByDefault() {
        layer.receive(frame(frameBytes(EthernetLayer.ALL_HOSTS_GROUP, MAC_B, EtherType.IPV4, 20)));
        assertEquals(1, ipv4.received.size());
    }

    @Test
    void dropsMulticastForAGroupNotJoinedThenAcceptsItOnceJoined() {
        long group = 0x0100_5e00_00fbL; // 224.0.0.251 (mDNS)
        layer.receive(frame(frameBytes(group, MAC_B, EtherType.IPV4, 20)));
        assertEquals(0, ipv4.received.size());
        assertEquals(1, layer.count(Counter.NotForUs));
        assertEquals(1, link.statistics.rxDropped());

        layer.joinGroup(group);
        layer.receive(frame(frameBytes(group, MAC_B, EtherType.IPV4, 20)));
        assertEquals(1, ipv4.received.size());

        layer.leaveGroup(group);
        layer.receive(frame(frameBytes(group, MAC_B, EtherType.IPV4, 20)));
        assertEquals(1, ipv4.received.size());
        assertEquals(2, layer.count(Counter.NotForUs));
    }

    @Test
    void acceptsLoopbackFramesAddressedToZero() {
        FakeInterface lo = new FakeInterface(new FakeLink(0, true), 0x7f00_0001);
        PacketBuffer frame = frame(frameBytes(0, 0, EtherType.IPV4, 20));
        frame.inputInterface(lo);
        layer.receive(frame);
        assertEquals(1, ipv4.received.size());
    }

    @Test
    void dropsFrameShorterThanHeaderAsTooShortAndRxError() {
        layer.receive(frame(new byte[13]));
        assertEquals(1, layer.count(Counter.TooShort));
        assertEquals(1, link.statistics.rxErrors());
        assertEquals(0, ipv4.received.size() + arp.received.size());
    }

    @Test
    void dropsEmptyFrameAsTooShort() {
        layer.receive(frame(new byte[0]));
        assertEquals(1, layer.count(Counter.TooShort));
    }

    @Test
    void dropsFrameWithoutInputInterface() {
        PacketBuffer frame = frame(LINUX_ARP_REQUEST);
        frame.inputInterface(null);
        layer.receive(frame);
        assertEquals(1, layer.count(Counter.NoInterface));
        assertEquals(0, arp.received.size());
    }

    @Test
    void dropsUnknownEtherTypeAndCountsRxDropped() {
        layer.receive(frame(frameBytes(MAC_A, MAC_B, EtherType.IPV6, 40)));
        assertEquals(1, layer.count(Counter.UnknownEtherType));
        assertEquals(1, link.statistics.rxDropped());
    }

    @Test
    void dropsIeee8023LengthFieldAsUnknownEtherType() {
        layer.receive(frame(frameBytes(MAC_A, MAC_B, 46, 46)));
        assertEquals(1, layer.count(Counter.UnknownEtherType));
    }

    @Test
    void stopsDeliveringOnceTheHandlerIsUnboundAndFallsBackToAnotherOne() {
        Recorder second = new Recorder();
        layer.bindHandler(second, Map.of(EtherType.PROPERTY, EtherType.IPV4));
        layer.receive(frame(frameBytes(MAC_A, MAC_B, EtherType.IPV4, 20)));
        assertEquals(1, ipv4.received.size(), "the first handler bound keeps its type");

        layer.unbindHandler(ipv4, Map.of(EtherType.PROPERTY, EtherType.IPV4));
        layer.receive(frame(frameBytes(MAC_A, MAC_B, EtherType.IPV4, 20)));
        assertEquals(1, second.received.size());

        layer.unbindHandler(second, Map.of(EtherType.PROPERTY, EtherType.IPV4));
        layer.receive(frame(frameBytes(MAC_A, MAC_B, EtherType.IPV4, 20)));
        assertEquals(1, layer.count(Counter.UnknownEtherType));
        second.releaseAll();
    }

    @Test
    void ignoresHandlerWithoutUsableEtherTypeProperty() {
        Recorder stray = new Recorder();
        layer.bindHandler(stray, Map.of());
        layer.bindHandler(stray, Map.of(EtherType.PROPERTY, "not a number"));
        layer.bindHandler(stray, Map.of(EtherType.PROPERTY, 70000));
        layer.receive(frame(frameBytes(MAC_A, MAC_B, 0x88cc, 20)));
        assertEquals(1, layer.count(Counter.UnknownEtherType));
        assertEquals(0, stray.received.size());
    }

    @Test
    void readsEtherTypePropertyGivenAsTextOrLong() {
        assertEquals(0x0806, etherTypeOf("0x0806"));
        assertEquals(2048, etherTypeOf("2048"));
        assertEquals(2048, etherTypeOf(2048L));
        assertEquals(-1, etherTypeOf(-1));
        assertEquals(-1, etherTypeOf(0x10000));
        assertEquals(-1, dev.strata.api.service.ServiceProperties.intInRange(Map.of(), EtherType.PROPERTY, 0xffff));
    }

    @Test
    void survivesAHandlerThatThrows() {
        EthernetLayer fresh = new EthernetLayer();
        fresh.bindHandler(packet -> {
            packet.release();
            throw new IllegalStateException("boom");
        }, Map.of(EtherType.PROPERTY, EtherType.IPV4));
        fresh.receive(frame(frameBytes(MAC_A, MAC_B, EtherType.IPV4, 20)));
        assertEquals(1, fresh.count(Counter.HandlerFailed));
    }

    @Test
    void transmitWritesTheHeaderAndPadsToSixtyBytesLikeTheWire() {
        // The ARP payload of Linux's request, framed by us, must give Linux's frame plus 18 zero octets.
        PacketBuffer packet = pool.allocate();
        byte[] arpPayload = java.util.Arrays.copyOfRange(LINUX_ARP_REQUEST, 14, 42);
        packet.putBytes(packet.append(28), arpPayload, 0, 28);
        assertTrue(layer.transmit(nif, packet, EthernetOutput.BROADCAST, EtherType.ARP));
        assertEquals(1, link.sent.size());
        byte[] expected = java.util.Arrays.copyOf(LINUX_ARP_REQUEST, 60);
        assertArrayEquals(expected, link.sent.get(0));
        assertEquals(1, layer.count(Counter.OutFrames));
    }

    @Test
    void transmitDoesNotPadFramesAlreadyLongEnough() {
        PacketBuffer packet = pool.allocate();
        packet.fill(packet.append(100), 100, 0xab);
        layer.transmit(nif, packet, MAC_B, EtherType.IPV4);
        byte[] sent = link.sent.get(0);
        assertEquals(114, sent.length);
        assertEquals(MAC_B, read48(sent, 0));
        assertEquals(MAC_A, read48(sent, 6));
        assertEquals(0x0800, ((sent[12] & 0xff) << 8) | (sent[13] & 0xff));
    }

    @Test
    void transmitOnLoopbackDoesNotPad() {
        FakeLink loLink = new FakeLink(0, true);
        FakeInterface lo = new FakeInterface(loLink, 0x7f00_0001);
        PacketBuffer packet = pool.allocate();
        packet.fill(packet.append(20), 20, 0x45);
        assertTrue(layer.transmit(lo, packet, 0, EtherType.IPV4));
        assertEquals(34, loLink.sent.get(0).length);
        assertEquals(0, read48(loLink.sent.get(0), 0));
        assertEquals(0, read48(loLink.sent.get(0), 6));
    }

    @Test
    void transmitOnInterfaceThatIsDownReleasesAndCounts() {
        nif.up = false;
        PacketBuffer packet = pool.allocate();
        packet.append(28);
        assertFalse(layer.transmit(nif, packet, MAC_B, EtherType.ARP));
        assertEquals(0, link.sent.size());
        assertEquals(1, layer.count(Counter.InterfaceDown));
        assertEquals(1, link.statistics.txDropped());
    }

    @Test
    void transmitWithoutHeadroomReleasesAndCounts() {
        PacketBuffer packet = pool.allocate();
        packet.region(0, 28);
        assertFalse(layer.transmit(nif, packet, MAC_B, EtherType.ARP));
        assertEquals(1, layer.count(Counter.NoHeadroom));
    }

    @Test
    void transmitCountsAFrameTheLinkRefused() {
        link.accept = false;
        PacketBuffer packet = pool.allocate();
        packet.append(46);
        assertFalse(layer.transmit(nif, packet, MAC_B, EtherType.IPV4));
        assertEquals(1, layer.count(Counter.TransmitFailed));
    }

    @Test
    void publishesItsCountersUnderEthernet() {
        assertEquals("Ethernet", layer.protocol());
        assertTrue(layer.counters().containsKey("NotForUs"));
        assertFalse(MacAddress.isMulticast(MAC_A));
    }

    // ---- helpers -------------------------------------------------------------------------

    private PacketBuffer frame(byte[] bytes) {
        PacketBuffer buffer = pool.allocate();
        buffer.putBytes(buffer.append(bytes.length), bytes, 0, bytes.length);
        buffer.inputInterface(nif);
        return buffer;
    }

    static byte[] frameBytes(long destination, long source, int etherType, int payload) {
        byte[] bytes = new byte[14 + payload];
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) (destination >>> (40 - 8 * i));
            bytes[6 + i] = (byte) (source >>> (40 - 8 * i));
        }
        bytes[12] = (byte) (etherType >>> 8);
        bytes[13] = (byte) etherType;
        return bytes;
    }

    static long read48(byte[] bytes, int at) {
        long value = 0;
        for (int i = 0; i < 6; i++) {
            value = (value << 8) | (bytes[at + i] & 0xff);
        }
        return value;
    }

    /** A handler that keeps what it receives, released at the end of the test. */
    static final class Recorder implements EtherTypeHandler {
        final List<PacketBuffer> received = new ArrayList<>();

        @Override
        public void receive(PacketBuffer packet) {
            received.add(packet);
        }

        void releaseAll() {
            for (PacketBuffer packet : received) {
                packet.release();
            }
            received.clear();
        }
    }

    private static int etherTypeOf(Object value) {
        return dev.strata.api.service.ServiceProperties.intInRange(Map.of(EtherType.PROPERTY, value), EtherType.PROPERTY, 0xffff);
    }
}
