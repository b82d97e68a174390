package dev.strata.arp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ether.EtherType;
import dev.strata.api.ether.EthernetOutput;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourState;
import dev.strata.api.time.ManualScheduler;
import dev.strata.testsupport.FakeInterfaceManager;
import dev.strata.testsupport.FakeLink;

class ArpLayerTest {

    /*
     * Golden frames from the Linux kernel (Debian 12 host, kernel 6.x), captured with:
     *   ip netns add a; ip netns add b
     *   ip link add veth-a netns a type veth peer name veth-b netns b
     *   ip -n a link set veth-a address 02:5e:10:00:00:01
     *   ip -n b link set veth-b address 02:5e:10:00:00:02
     *   ip -n a addr add 198.18.5.1/24 dev veth-a; ip -n b addr add 198.18.5.2/24 dev veth-b
     *   ip -n a link set veth-a up; ip -n b link set veth-b up
     *   ip netns exec b tcpdump -i veth-b -n -e -xx arp &
     *   ip netns exec a ping -c1 198.18.5.2          -> LINUX_REQUEST (a asks) and LINUX_REPLY (b answers)
     *   ip netns exec a sysctl -w net.ipv4.conf.veth-a.arp_notify=1
     *   ip -n a link set veth-a down; ip -n a link set veth-a up   -> LINUX_GRATUITOUS (a announces)
     *   ip netns del a; ip netns del b
     * veth does not pad, so the frames are 42 bytes: 14 of Ethernet and 28 of ARP. Lines are
     * tcpdump's 0x0000, 0x0010 and 0x0020.
     */
    static final byte[] LINUX_REQUEST = HexFormat.of().parseHex(""
            + "ffffffffffff025e100000010806" + "0001"
            + "080006040001025e10000001c6120501"
            + "000000000000c6120502");
    static final byte[] LINUX_REPLY = HexFormat.of().parseHex(""
            + "025e10000001025e100000020806" + "0001"
            + "080006040002025e10000002c6120502"
            + "025e10000001c6120501");
    static final byte[] LINUX_GRATUITOUS = HexFormat.of().parseHex(""
            + "ffffffffffff025e100000010806" + "0001"
            + "080006040001025e10000001c6120501"
            + "000000000000c6120501");

    static final long MAC_A = 0x025e_1000_0001L;
    static final long MAC_B = 0x025e_1000_0002L;
    static final int IP_A = 0xc612_0501; // 198.18.5.1
    static final int IP_B = 0xc612_0502; // 198.18.5.2
    static final int IP_C = 0xc612_0503; // 198.18.5.3, a third host
    static final long MAC_C = 0x025e_1000_0003L;

    private final BufferPool pool = new BufferPool();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeEthernet ethernet = new FakeEthernet();
    private final FakeInterfaceManager interfaces = new FakeInterfaceManager();
    /** Our interface plays namespace b: 198.18.5.2 at 02:5e:10:00:00:02. */
    private final FakeInterface nif = new FakeInterface("strata0", new FakeLink(MAC_B, false), IP_B);
    private ArpLayer arp;
    private long outstandingBefore;

    @BeforeEach
    void start() {
        outstandingBefore = pool.outstanding();
        interfaces.interfaces.add(nif);
        arp = new ArpLayer(pool, scheduler);
        arp.useEthernet(ethernet);
    }

    @AfterEach
    void noBufferLeaked() {
        arp.deactivate();
        assertEquals(outstandingBefore, pool.outstanding(), "buffers leaked");
        assertEquals(0, scheduler.pending(), "timers left behind");
    }

    // ---- codec on golden bytes ---------------------------------------------------------

    @Test
    void parsesEveryFieldOfLinuxRequest() {
        PacketBuffer packet = arpIn(LINUX_REQUEST);
        int at = packet.start();
        assertNull(ArpPacket.check(packet, at, packet.length()));
        assertEquals(1, ArpPacket.hardwareType(packet, at));
        assertEquals(0x0800, ArpPacket.protocolType(packet, at));
        assertEquals(6, ArpPacket.hardwareLength(packet, at));
        assertEquals(4, ArpPacket.protocolLength(packet, at));
        assertEquals(ArpPacket.REQUEST, ArpPacket.operation(packet, at));
        assertEquals(MAC_A, ArpPacket.senderHardware(packet, at));
        assertEquals(IP_A, ArpPacket.senderProtocol(packet, at));
        assertEquals(0, ArpPacket.targetHardware(packet, at));
        assertEquals(IP_B, ArpPacket.targetProtocol(packet, at));
        packet.release();
    }

    @Test
    void writesLinuxReplyByteForByte() {
        PacketBuffer packet = pool.allocate();
        int at = packet.append(ArpPacket.LENGTH);
        ArpPacket.write(packet, at, ArpPacket.REPLY, MAC_B, IP_B, MAC_A, IP_A);
        assertArrayEquals(java.util.Arrays.copyOfRange(LINUX_REPLY, 14, 42), packet.toByteArray());
        packet.release();
    }

    // ---- answering -----------------------------------------------------------------------

    @Test
    void answersLinuxRequestForOurAddressWithTheReplyLinuxSends() {
        arp.receive(arpIn(LINUX_REQUEST));
        assertEquals(1, ethernet.frames.size());
        FakeEthernet.Frame reply = ethernet.last();
        assertEquals(MAC_A, reply.destination());
        assertEquals(EtherType.ARP, reply.etherType());
        assertArrayEquals(LINUX_REPLY, reply.bytes());
        assertEquals(1, arp.count(ArpCounter.InRequests));
        assertEquals(1, arp.count(ArpCounter.OutReplies));
    }

    @Test
    void learnsTheRequesterAsStaleWhenAnsweringIt() {
        arp.receive(arpIn(LINUX_REQUEST));
        NeighbourEntry entry = only(arp.entries());
        assertEquals(IP_A, entry.address());
        assertEquals(MAC_A, entry.macAddress());
        assertEquals(NeighbourState.STALE, entry.state());
        assertEquals("strata0", entry.interfaceName());
    }

    @Test
    void doesNotAnswerRequestForAnotherAddress() {
        arp.receive(arpIn(frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, MAC_A, IP_A, 0, IP_C)));
        assertEquals(0, ethernet.frames.size());
        assertEquals(1, arp.count(ArpCounter.NotForUs));
        assertTrue(arp.entries().isEmpty(), "nothing learnt from a request for someone else");
    }

    @Test
    void doesNotAnswerWhenTheInterfaceHasNoAddress() {
        nif.address = 0;
        arp.receive(arpIn(LINUX_REQUEST));
        assertEquals(0, ethernet.frames.size());
        assertEquals(1, arp.count(ArpCounter.NotForUs));
    }

    @Test
    void answersAProbeFromZeroAddressWithoutLearningIt() {
        // RFC 5227 2.1.1: sender 0.0.0.0; Linux answers to the prober's MAC with target 0.0.0.0.
        arp.receive(arpIn(frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, MAC_A, 0, 0, IP_B)));
        FakeEthernet.Frame reply = ethernet.last();
        assertEquals(MAC_A, reply.destination());
        assertArrayEquals(frame(MAC_A, ArpPacket.REPLY, MAC_B, IP_B, MAC_A, 0), reply.bytes());
        assertTrue(arp.entries().isEmpty());
    }

    @Test
    void updatesAKnownSenderFromARequestForSomeoneElse() {
        learnReachable(IP_C, MAC_C);
        long newMac = 0x025e_1000_00ccL;
        arp.receive(arpIn(frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, newMac, IP_C, 0, IP_A)));
        NeighbourEntry entry = only(arp.entries());
        assertEquals(newMac, entry.macAddress());
        assertEquals(NeighbourState.STALE, entry.state(), "a changed address is not yet confirmed");
        assertEquals(1, arp.count(ArpCounter.NotForUs));
    }

    @Test
    void gratuitousArpFromAKnownNeighbourUpdatesItsAddress() {
        learnReachable(IP_C, MAC_C);
        long newMac = 0x025e_1000_00ccL;
        arp.receive(arpIn(frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, newMac, IP_C, 0, IP_C)));
        assertEquals(newMac, only(arp.entries()).macAddress());
        assertEquals(1, arp.count(ArpCounter.Gratuitous));
        assertEquals(0, arp.count(ArpCounter.NotForUs));
        assertEquals(0, ethernet.frames.size());
    }

    @Test
    void gratuitousArpFromAnUnknownHostIsNotLearnt() {
        arp.receive(arpIn(LINUX_GRATUITOUS));
        assertTrue(arp.entries().isEmpty());
        assertEquals(1, arp.count(ArpCounter.Gratuitous));
    }

    @Test
    void permanentEntryIsNotChangedByTheWire() {
        arp.addPermanent(nif, IP_C, MAC_C);
        arp.receive(arpIn(frame(MAC_B, ArpPacket.REPLY, 0x025e_1000_00ccL, IP_C, MAC_B, IP_B)));
        NeighbourEntry entry = only(arp.entries());
        assertEquals(MAC_C, entry.macAddress());
        assertEquals(NeighbourState.PERMANENT, entry.state());
        scheduler.advance(1, TimeUnit.HOURS);
        assertEquals(NeighbourState.PERMANENT, only(arp.entries()).state());
        assertTrue(arp.remove(IP_C));
    }

    // ---- malformed input -----------------------------------------------------------------

    @Test
    void dropsPacketShorterThan28Bytes() {
        assertDropped(ArpCounter.TooShort, java.util.Arrays.copyOf(LINUX_REQUEST, 41));
    }

    @Test
    void dropsEmptyPacket() {
        assertDropped(ArpCounter.TooShort, java.util.Arrays.copyOf(LINUX_REQUEST, 14));
    }

    @Test
    void dropsHardwareTypeOtherThanEthernet() {
        assertDropped(ArpCounter.BadHardwareType, mutate(bytes -> bytes[14 + 1] = 6)); // IEEE 802
    }

    @Test
    void dropsProtocolTypeOtherThanIpv4() {
        assertDropped(ArpCounter.BadProtocolType, mutate(bytes -> bytes[14 + 2] = (byte) 0x86));
    }

    @Test
    void dropsHardwareLengthOtherThan6() {
        assertDropped(ArpCounter.BadLengths, mutate(bytes -> bytes[14 + 4] = 8));
    }

    @Test
    void dropsProtocolLengthOtherThan4() {
        assertDropped(ArpCounter.BadLengths, mutate(bytes -> bytes[14 + 5] = 16));
    }

    @Test
    void dropsOperationZero() {
        assertDropped(ArpCounter.BadOperation, mutate(bytes -> bytes[14 + 7] = 0));
    }

    @Test
    void dropsRarpOperation() {
        assertDropped(ArpCounter.BadOperation, mutate(bytes -> bytes[14 + 7] = 3)); // RFC 903 request
    }

    @Test
    void dropsBroadcastSenderMac() {
        assertDropped(ArpCounter.BadSenderAddress, frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, EthernetOutput.BROADCAST, IP_A, 0, IP_B));
    }

    @Test
    void dropsMulticastSenderMac() {
        assertDropped(ArpCounter.BadSenderAddress, frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, 0x0100_5e00_0001L, IP_A, 0, IP_B));
    }

    @Test
    void dropsZeroSenderMac() {
        assertDropped(ArpCounter.BadSenderAddress, frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, 0, IP_A, 0, IP_B));
    }

    @Test
    void dropsReplyFromZeroSenderAddress() {
        assertDropped(ArpCounter.BadSenderAddress, frame(MAC_B, ArpPacket.REPLY, MAC_A, 0, MAC_B, IP_B));
    }

    @Test
    void dropsMulticastSenderAddress() {
        assertDropped(ArpCounter.BadSenderAddress, frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, MAC_A, 0xe000_0001, 0, IP_B));
    }

    @Test
    void dropsLimitedBroadcastSenderAddress() {
        assertDropped(ArpCounter.BadSenderAddress, frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, MAC_A, -1, 0, IP_B));
    }

    @Test
    void dropsSubnetBroadcastSenderAddress() {
        assertDropped(ArpCounter.BadSenderAddress, frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, MAC_A, 0xc612_05ff, 0, IP_B));
    }

    @Test
    void dropsMulticastTargetAddress() {
        assertDropped(ArpCounter.BadTargetAddress, frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, MAC_A, IP_A, 0, 0xe000_00fb));
    }

    @Test
    void dropsPacketClaimingOurAddressAsAConflict() {
        assertDropped(ArpCounter.AddressConflict, frame(EthernetOutput.BROADCAST, ArpPacket.REQUEST, MAC_A, IP_B, 0, IP_B));
    }

    @Test
    void dropsPacketWithoutInputInterface() {
        PacketBuffer packet = arpIn(LINUX_REQUEST);
        packet.inputInterface(null);
        arp.receive(packet);
        assertEquals(1, arp.count(ArpCounter.NoInterface));
        assertEquals(0, ethernet.frames.size());
    }

    @Test
    void acceptsEthernetPaddingAfterThePacket() {
        arp.receive(arpIn(java.util.Arrays.copyOf(LINUX_REQUEST, 60)));
        assertArrayEquals(LINUX_REPLY, ethernet.last().bytes());
    }

    // ---- resolution ----------------------------------------------------------------------

    @Test
    void sendsTheRequestLinuxSendsWhenResolving() {
        FakeInterface a = new FakeInterface("strata1", new FakeLink(MAC_A, false), IP_A);
        arp.send(a, IP_B, ipPacket(1));
        assertEquals(1, ethernet.frames.size());
        assertEquals(EthernetOutput.BROADCAST, ethernet.last().destination());
        assertArrayEquals(LINUX_REQUEST, ethernet.last().bytes());
        assertEquals(NeighbourState.INCOMPLETE, only(arp.entries()).state());
        assertEquals(-1, only(arp.entries()).macAddress());
        assertEquals(1, arp.count(ArpCounter.OutRequests));
        assertTrue(arp.remove(IP_B));
        assertEquals(1, arp.count(ArpCounter.UnresolvedDropped));
    }

    @Test
    void queuesWhileIncompleteThenFlushesInOrderOnReply() {
        for (int i = 1; i <= 5; i++) {
            arp.send(nif, IP_A, ipPacket(i));
        }
        assertEquals(1, ethernet.frames.size(), "one request, packets held");
        arp.receive(arpIn(LINUX_REQUEST_REPLY_TO_US()));
        assertEquals(6, ethernet.frames.size());
        for (int i = 1; i <= 5; i++) {
            FakeEthernet.Frame sent = ethernet.frames.get(i);
            assertEquals(MAC_A, sent.destination());
            assertEquals(EtherType.IPV4, sent.etherType());
            assertEquals(i, sent.payloadMarker());
        }
        assertEquals(NeighbourState.REACHABLE, only(arp.entries()).state());
        arp.send(nif, IP_A, ipPacket(6));
        assertEquals(MAC_A, ethernet.last().destination());
    }

    @Test
    void retransmitsEverySecondThreeTimesThenFailsAndReleasesQueuedPackets() {
        long before = pool.outstanding();
        arp.send(nif, IP_A, ipPacket(1));
        arp.send(nif, IP_A, ipPacket(2));
        assertEquals(before + 2, pool.outstanding());
        assertEquals(1, ethernet.frames.size());
        scheduler.advance(999, TimeUnit.MILLISECONDS);
        assertEquals(1, ethernet.frames.size());
        scheduler.advance(1, TimeUnit.MILLISECONDS);
        assertEquals(2, ethernet.frames.size());
        scheduler.advance(1, TimeUnit.SECONDS);
        assertEquals(3, ethernet.frames.size());
        for (FakeEthernet.Frame request : ethernet.frames) {
            assertEquals(EthernetOutput.BROADCAST, request.destination());
            assertEquals(EtherType.ARP, request.etherType());
        }
        scheduler.advance(1, TimeUnit.SECONDS);
        assertEquals(3, ethernet.frames.size(), "three requests in all");
        assertEquals(NeighbourState.FAILED, only(arp.entries()).state());
        assertEquals(1, arp.count(ArpCounter.ResolutionFailed));
        assertEquals(2, arp.count(ArpCounter.UnresolvedDropped));
        assertEquals(before, pool.outstanding(), "queued packets released");

        scheduler.advance(60, TimeUnit.SECONDS);
        assertTrue(arp.entries().isEmpty(), "FAILED entry collected after 60 s");
    }

    @Test
    void trafficToAFailedEntryAsksAgain() {
        arp.send(nif, IP_A, ipPacket(1));
        scheduler.advance(3, TimeUnit.SECONDS);
        assertEquals(NeighbourState.FAILED, only(arp.entries()).state());
        arp.send(nif, IP_A, ipPacket(2));
        assertEquals(NeighbourState.INCOMPLETE, only(arp.entries()).state());
        assertEquals(4, ethernet.frames.size());
        arp.receive(arpIn(LINUX_REQUEST_REPLY_TO_US()));
        assertEquals(2, ethernet.last().payloadMarker());
    }

    @Test
    void queueOverflowDropsTheOldestAndCountsIt() {
        for (int i = 1; i <= Neighbour.QUEUE_LIMIT + 3; i++) {
            arp.send(nif, IP_A, ipPacket(i));
        }
        assertEquals(3, arp.count(ArpCounter.QueueOverflow));
        arp.receive(arpIn(LINUX_REQUEST_REPLY_TO_US()));
        assertEquals(1 + Neighbour.QUEUE_LIMIT, ethernet.frames.size());
        assertEquals(4, ethernet.frames.get(1).payloadMarker(), "the three oldest went");
        assertEquals(Neighbour.QUEUE_LIMIT + 3, ethernet.last().payloadMarker());
    }

    @Test
    void reachableGoesStaleThenDelayThenProbeThenFailed() {
        learnReachable(IP_A, MAC_A);
        scheduler.advance(29, TimeUnit.SECONDS);
        assertEquals(NeighbourState.REACHABLE, only(arp.entries()).state());
        scheduler.advance(1, TimeUnit.SECONDS);
        assertEquals(NeighbourState.STALE, only(arp.entries()).state());

        arp.send(nif, IP_A, ipPacket(7));
        assertEquals(MAC_A, ethernet.last().destination(), "a STALE entry is used at once");
        assertEquals(NeighbourState.DELAY, only(arp.entries()).state());
        int sent = ethernet.frames.size();

        scheduler.advance(5, TimeUnit.SECONDS);
        assertEquals(NeighbourState.PROBE, only(arp.entries()).state());
        assertEquals(sent + 1, ethernet.frames.size());
        FakeEthernet.Frame probe = ethernet.last();
        assertEquals(MAC_A, probe.destination(), "probes are unicast");
        assertEquals(EtherType.ARP, probe.etherType());
        assertArrayEquals(frame(MAC_A, ArpPacket.REQUEST, MAC_B, IP_B, 0, IP_A), probe.bytes());

        arp.send(nif, IP_A, ipPacket(8));
        assertEquals(MAC_A, ethernet.last().destination(), "PROBE still sends");
        scheduler.advance(2, TimeUnit.SECONDS);
        assertEquals(sent + 4, ethernet.frames.size(), "three unicast probes and one packet");
        scheduler.advance(1, TimeUnit.SECONDS);
        assertEquals(NeighbourState.FAILED, only(arp.entries()).state());
        assertEquals(1, arp.count(ArpCounter.ResolutionFailed));
        scheduler.advance(60, TimeUnit.SECONDS);
        assertTrue(arp.entries().isEmpty());
    }

    @Test
    void replyWhileProbingMakesTheEntryReachableAgain() {
        learnReachable(IP_A, MAC_A);
        scheduler.advance(30, TimeUnit.SECONDS);
        arp.send(nif, IP_A, ipPacket(1));
        scheduler.advance(5, TimeUnit.SECONDS);
        assertEquals(NeighbourState.PROBE, only(arp.entries()).state());
        arp.receive(arpIn(LINUX_REQUEST_REPLY_TO_US()));
        assertEquals(NeighbourState.REACHABLE, only(arp.entries()).state());
        scheduler.advance(10, TimeUnit.SECONDS);
        assertEquals(NeighbourState.REACHABLE, only(arp.entries()).state(), "the probe timer was cancelled");
    }

    @Test
    void staleEntryUnusedIsCollectedAfter60Seconds() {
        arp.receive(arpIn(LINUX_REQUEST)); // learnt STALE
        scheduler.advance(59, TimeUnit.SECONDS);
        assertEquals(1, arp.entries().size());
        scheduler.advance(1, TimeUnit.SECONDS);
        assertTrue(arp.entries().isEmpty());
    }

    @Test
    void entriesReportAgeFromTheSchedulerClock() {
        learnReachable(IP_A, MAC_A);
        scheduler.advance(1234, TimeUnit.MILLISECONDS);
        assertEquals(1234, only(arp.entries()).ageMillis());
    }

    @Test
    void removeDeletesTheEntryAsArpDDoes() {
        learnReachable(IP_A, MAC_A);
        assertTrue(arp.remove(IP_A));
        assertFalse(arp.remove(IP_A));
        assertTrue(arp.entries().isEmpty());
    }

    @Test
    void fullCacheOfEntriesInUseDropsAndCountsNewDestinations() {
        for (int i = 0; i < ArpLayer.CACHE_LIMIT; i++) {
            arp.send(nif, 0xc613_0000 + i + 1, ipPacket(i));
        }
        arp.send(nif, IP_A, ipPacket(1));
        assertEquals(1, arp.count(ArpCounter.CacheFull));
        assertEquals(1, arp.count(ArpCounter.UnresolvedDropped));
        assertEquals(ArpLayer.CACHE_LIMIT, arp.entries().size());
    }

    @Test
    void fullCacheMakesRoomByEvictingAFailedEntry() {
        arp.send(nif, IP_C, ipPacket(0));
        scheduler.advance(3, TimeUnit.SECONDS); // IP_C FAILED
        for (int i = 1; i < ArpLayer.CACHE_LIMIT; i++) {
            arp.send(nif, 0xc613_0000 + i, ipPacket(i));
        }
        arp.send(nif, IP_A, ipPacket(1));
        assertEquals(0, arp.count(ArpCounter.CacheFull));
        assertTrue(arp.entries().stream().noneMatch(e -> e.address() == IP_C));
    }

    // ---- addresses that need no resolution ---------------------------------------------

    @Test
    void loopbackSendsAtOnceWithZeroMac() {
        FakeInterface lo = new FakeInterface("lo", new FakeLink(0, true), 0x7f00_0001);
        arp.send(lo, 0x7f00_0001, ipPacket(1));
        assertEquals(1, ethernet.frames.size());
        assertEquals(0, ethernet.last().destination());
        assertEquals(EtherType.IPV4, ethernet.last().etherType());
        assertTrue(arp.entries().isEmpty());
    }

    @Test
    void limitedAndSubnetBroadcastGoToTheBroadcastMac() {
        arp.send(nif, -1, ipPacket(1));
        assertEquals(EthernetOutput.BROADCAST, ethernet.last().destination());
        arp.send(nif, 0xc612_05ff, ipPacket(2));
        assertEquals(EthernetOutput.BROADCAST, ethernet.last().destination());
        assertTrue(arp.entries().isEmpty());
    }

    @Test
    void multicastMapsTheLow23BitsAfter01005e() {
        arp.send(nif, 0xe000_00fb, ipPacket(1)); // 224.0.0.251
        assertEquals(0x0100_5e00_00fbL, ethernet.last().destination());
        arp.send(nif, 0xefff_fffa, ipPacket(2)); // 239.255.255.250: the 24th bit is not mapped
        assertEquals(0x0100_5e7f_fffaL, ethernet.last().destination());
        assertTrue(arp.entries().isEmpty());
    }

    // ---- interfaces ----------------------------------------------------------------------

    @Test
    void announcesTheAddressWithTheGratuitousRequestLinuxSends() {
        FakeInterface a = new FakeInterface("strata1", new FakeLink(MAC_A, false), IP_A);
        arp.interfaceUp(a);
        assertEquals(1, ethernet.frames.size());
        assertEquals(EthernetOutput.BROADCAST, ethernet.last().destination());
        assertArrayEquals(LINUX_GRATUITOUS, ethernet.last().bytes());
        assertEquals(1, arp.count(ArpCounter.OutGratuitous));
    }

    @Test
    void doesNotAnnounceOnLoopbackOrWithoutAddress() {
        arp.interfaceUp(new FakeInterface("lo", new FakeLink(0, true), 0x7f00_0001));
        nif.address = 0;
        arp.interfaceUp(nif);
        assertEquals(0, ethernet.frames.size());
    }

    @Test
    void interfaceDownFlushesItsEntriesAndReleasesTheirQueues() {
        FakeInterface other = new FakeInterface("strata1", new FakeLink(MAC_C, false), 0xc612_0601);
        learnReachable(IP_A, MAC_A);
        arp.send(nif, IP_C, ipPacket(1));
        arp.send(nif, IP_C, ipPacket(2));
        arp.send(other, 0xc612_0602, ipPacket(3));
        assertEquals(3, arp.entries().size());
        arp.interfaceDown(nif);
        assertEquals(1, arp.entries().size());
        assertEquals("strata1", only(arp.entries()).interfaceName());
        assertEquals(2, arp.count(ArpCounter.UnresolvedDropped));
        arp.interfaceDown(other);
        assertTrue(arp.entries().isEmpty());
    }

    // ---- dynamic Ethernet ------------------------------------------------------------------

    @Test
    void countsAndReleasesWhileNoEthernetLayerIsBound() {
        arp.useEthernet(null);
        arp.receive(arpIn(LINUX_REQUEST));
        arp.send(nif, -1, ipPacket(1));
        assertEquals(2, arp.count(ArpCounter.NoEthernet));
        assertEquals(0, arp.count(ArpCounter.OutReplies));
    }

    @Test
    void sendToAReachableNeighbourAllocatesNothing() {
        learnReachable(IP_A, MAC_A);
        ethernet.record = false;
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm up the pool and the JIT
            arp.send(nif, IP_A, pool.allocate());
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            arp.send(nif, IP_A, pool.allocate());
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 1_000, "allocated " + allocated + " bytes for 10000 sends");
    }

    @Test
    void publishesItsCountersUnderArp() {
        assertEquals("Arp", arp.protocol());
        assertTrue(arp.counters().containsKey("QueueOverflow"));
    }

    // ---- helpers -------------------------------------------------------------------------

    /** Linux's reply as it would come to us if we (02:..:02, .2) had asked for .1. */
    private static byte[] LINUX_REQUEST_REPLY_TO_US() {
        return frame(MAC_B, ArpPacket.REPLY, MAC_A, IP_A, MAC_B, IP_B);
    }

    /** Makes {@code address} REACHABLE at {@code mac} through a reply to a request of ours. */
    private void learnReachable(int address, long mac) {
        arp.send(nif, address, ipPacket(0));
        arp.receive(arpIn(frame(MAC_B, ArpPacket.REPLY, mac, address, MAC_B, IP_B)));
        assertEquals(NeighbourState.REACHABLE, arp.entries().stream().filter(e -> e.address() == address).findFirst().orElseThrow().state());
        ethernet.frames.clear();
    }

    private void assertDropped(ArpCounter reason, byte[] frame) {
        arp.receive(arpIn(frame));
        assertEquals(1, arp.count(reason), reason.name());
        assertEquals(0, ethernet.frames.size(), "nothing sent");
        assertTrue(arp.entries().isEmpty(), "nothing learnt");
    }


    private static byte[] mutate(Consumer<byte[]> change) {
        byte[] bytes = LINUX_REQUEST.clone();
        change.accept(bytes);
        return bytes;
    }

    /** An Ethernet+ARP frame to {@code destination}, from {@code sha}. */
    static byte[] frame(long destination, int operation, long sha, int spa, long tha, int tpa) {
        byte[] bytes = new byte[42];
        put48(bytes, 0, destination);
        put48(bytes, 6, sha);
        bytes[12] = 0x08;
        bytes[13] = 0x06;
        bytes[15] = 1;
        bytes[16] = 0x08;
        bytes[18] = 6;
        bytes[19] = 4;
        bytes[21] = (byte) operation;
        put48(bytes, 22, sha);
        put32(bytes, 28, spa);
        put48(bytes, 32, tha);
        put32(bytes, 38, tpa);
        return bytes;
    }


    private static void put48(byte[] bytes, int at, long value) {
        for (int i = 0; i < 6; i++) {
            bytes[at + i] = (byte) (value >>> (40 - 8 * i));
        }
    }

    private static void put32(byte[] bytes, int at, int value) {
        for (int i = 0; i < 4; i++) {
            bytes[at + i] = (byte) (value >>> (24 - 8 * i));
        }
    }

    /** What the Ethernet layer hands ARP: region at the ARP header, link offset and interface set. */
    private PacketBuffer arpIn(byte[] frame) {
        PacketBuffer buffer = pool.allocate();
        buffer.putBytes(buffer.append(frame.length), frame, 0, frame.length);
        buffer.linkOffset(buffer.start());
        buffer.advance(Math.min(14, frame.length));
        buffer.networkOffset(buffer.start());
        buffer.inputInterface(nif);
        return buffer;
    }

    /** A 20-byte stand-in for an IPv4 datagram whose first byte is {@code marker}. */
    private PacketBuffer ipPacket(int marker) {
        PacketBuffer buffer = pool.allocate();
        int at = buffer.append(20);
        buffer.fill(at, 20, 0);
        buffer.putU8(at, marker);
        return buffer;
    }

    private static NeighbourEntry only(List<NeighbourEntry> entries) {
        assertEquals(1, entries.size(), entries.toString());
        return entries.get(0);
    }
}
