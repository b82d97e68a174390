package dev.strata.icmp;

import static dev.strata.icmp.Packets.LINUX_HOST;
import static dev.strata.icmp.Packets.LINUX_PINGER;
import static dev.strata.icmp.Packets.LINUX_PORT_UNREACHABLE;
import static dev.strata.icmp.Packets.LINUX_UDP_DATAGRAM;
import static dev.strata.testsupport.TestPackets.datagram;
import static dev.strata.testsupport.TestPackets.hex;
import static dev.strata.testsupport.TestPackets.icmp;
import static dev.strata.testsupport.TestPackets.ipPayload;
import static dev.strata.testsupport.TestPackets.received;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.time.ManualScheduler;
import dev.strata.testsupport.TestPackets;

/** Sending errors: {@link IcmpErrors} as the other layers call it. */
class IcmpErrorsTest {

    private final BufferPool pool = new BufferPool();
    private final ManualScheduler clock = new ManualScheduler(5_000_000_000L);
    private final FakeIpv4Output output = new FakeIpv4Output();
    private IcmpLayer icmp;
    private long outstandingAtStart;

    @BeforeEach
    void setUp() {
        outstandingAtStart = pool.outstanding();
        icmp = new IcmpLayer(output, pool, clock, 1000, 50, true);
    }

    @AfterEach
    void noBufferLeaked() {
        assertEquals(outstandingAtStart, pool.outstanding(), "buffers leaked");
    }

    /** Calls {@code send} with a received datagram the way a transport would, then releases it as its owner. */
    private void about(byte[] datagram, java.util.function.Consumer<PacketBuffer> send) {
        PacketBuffer offending = received(pool, datagram, null);
        byte[] before = TestPackets.bytes(offending, offending.networkOffset(), datagram.length);
        send.accept(offending);
        assertArrayEquals(before, TestPackets.bytes(offending, offending.networkOffset(), datagram.length), "offending buffer modified");
        offending.release();
    }

    @Test
    void portUnreachableHasExactlyTheBytesLinuxSent() {
        about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));

        assertEquals(1, output.sent.size());
        FakeIpv4Output.Sent error = output.sent.get(0);
        assertArrayEquals(ipPayload(hex(LINUX_PORT_UNREACHABLE)), error.payload());
        assertEquals(LINUX_HOST, error.source());
        assertEquals(LINUX_PINGER, error.destination());
        assertEquals(IpProtocol.ICMP, error.protocol());
        assertEquals(Ipv4Output.DEFAULT_TTL, error.ttl());
        assertEquals(0xc0, error.tos(), "Linux sends errors with internetwork-control precedence");
        assertFalse(error.dontFragment());
        assertEquals(1, icmp.counter(IcmpStatistic.OUT_MSGS));
        assertEquals(1, icmp.counter(IcmpStatistic.OUT_DEST_UNREACHS));
    }

    @Test
    void fragmentationNeededCarriesTheNextHopMtu() {
        about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.FRAGMENTATION_NEEDED, 1400));
        byte[] m = output.sent.get(0).payload();
        assertEquals(3, m[0]);
        assertEquals(4, m[1]);
        assertArrayEquals(new byte[] {0, 0, 0x05, 0x78}, Arrays.copyOfRange(m, 4, 8));
        assertEquals(0, TestPackets.checksum(m, 0, m.length));
    }

    @Test
    void timeExceededQuotesTheOffendingDatagram() {
        about(hex(LINUX_UDP_DATAGRAM), b -> icmp.timeExceeded(b, 1));
        byte[] m = output.sent.get(0).payload();
        assertEquals(11, m[0]);
        assertEquals(1, m[1]);
        assertArrayEquals(hex(LINUX_UDP_DATAGRAM), Arrays.copyOfRange(m, 8, m.length));
        assertEquals(0, TestPackets.checksum(m, 0, m.length));
        assertEquals(1, icmp.counter(IcmpStatistic.OUT_TIME_EXCDS));
    }

    @Test
    void quotesNoMoreThanFitsIn576Bytes() {
        byte[] big = datagram(LINUX_PINGER, LINUX_HOST, IpProtocol.UDP, 64, 0, new byte[1000]);
        about(big, b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        byte[] m = output.sent.get(0).payload();
        assertEquals(576 - 20, m.length);
        assertArrayEquals(Arrays.copyOf(big, 576 - 28), Arrays.copyOfRange(m, 8, m.length));
    }

    @Test
    void quotesOnlyWhatTheBufferHoldsWhenTotalLengthClaimsMore() {
        byte[] datagram = hex(LINUX_UDP_DATAGRAM);
        datagram[3] = (byte) 0xff; // total length 255, but 34 bytes present
        about(datagram, b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        assertEquals(8 + 34, output.sent.get(0).payload().length);
    }

    @Test
    void neverSendsAnErrorAboutAnIcmpError() {
        byte[] unreachable = icmp(3, 3, 0, hex(LINUX_UDP_DATAGRAM));
        about(datagram(LINUX_PINGER, LINUX_HOST, IpProtocol.ICMP, 64, 0, unreachable),
                b -> icmp.destinationUnreachable(b, IcmpErrors.PROTOCOL_UNREACHABLE, 0));
        byte[] unknownType = icmp(200, 0, 0, new byte[8]);
        about(datagram(LINUX_PINGER, LINUX_HOST, IpProtocol.ICMP, 64, 0, unknownType), b -> icmp.timeExceeded(b, 1));
        assertEquals(0, output.sends);
        assertEquals(2, icmp.counter(IcmpStatistic.ERROR_ABOUT_ICMP_ERROR));
    }

    @Test
    void sendsErrorsAboutIcmpQueries() {
        byte[] echo = icmp(8, 0, 0x0001_0001, new byte[8]);
        about(datagram(LINUX_PINGER, LINUX_HOST, IpProtocol.ICMP, 64, 0, echo), b -> icmp.timeExceeded(b, 1));
        assertEquals(1, output.sends);
    }

    @Test
    void neverSendsAnErrorAboutABroadcastOrMulticastDatagram() {
        byte[] udp = new byte[12];
        about(datagram(LINUX_PINGER, Ipv4Address.BROADCAST, IpProtocol.UDP, 64, 0, udp),
                b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        about(datagram(LINUX_PINGER, Ipv4Address.parse("239.1.2.3"), IpProtocol.UDP, 64, 0, udp),
                b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        PacketBuffer directed = received(pool, datagram(LINUX_PINGER, Ipv4Address.parse("198.18.77.255"), IpProtocol.UDP, 64, 0, udp),
                Packets.iface("198.18.77.2/24"));
        icmp.destinationUnreachable(directed, IcmpErrors.PORT_UNREACHABLE, 0);
        directed.release();
        assertEquals(0, output.sends);
        assertEquals(3, icmp.counter(IcmpStatistic.ERROR_ABOUT_BROADCAST));
    }

    @Test
    void neverSendsAnErrorAboutALinkLayerBroadcast() {
        PacketBuffer offending = received(pool, hex(LINUX_UDP_DATAGRAM), null);
        offending.fill(offending.linkOffset(), 6, 0xff); // sent to ff:ff:ff:ff:ff:ff
        icmp.destinationUnreachable(offending, IcmpErrors.PORT_UNREACHABLE, 0);
        offending.release();
        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.ERROR_ABOUT_BROADCAST));
    }

    @Test
    void neverSendsAnErrorAboutANonInitialFragment() {
        about(datagram(LINUX_PINGER, LINUX_HOST, IpProtocol.UDP, 64, 185, new byte[16]), b -> icmp.timeExceeded(b, 1));
        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.ERROR_ABOUT_FRAGMENT));
    }

    @Test
    void sendsAnErrorAboutAnInitialFragment() {
        about(datagram(LINUX_PINGER, LINUX_HOST, IpProtocol.UDP, 64, 0x2000, new byte[16]), b -> icmp.timeExceeded(b, 1));
        assertEquals(1, output.sends);
    }

    @Test
    void neverSendsAnErrorToASourceThatIsNotOneHost() {
        for (String source : new String[] {"0.0.0.0", "255.255.255.255", "224.0.0.9", "240.0.0.1"}) {
            about(datagram(Ipv4Address.parse(source), LINUX_HOST, IpProtocol.UDP, 64, 0, new byte[8]),
                    b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        }
        assertEquals(0, output.sends);
        assertEquals(4, icmp.counter(IcmpStatistic.ERROR_TO_BAD_SOURCE));
    }

    @Test
    void ignoresACallWithoutAValidIpv4Header() {
        PacketBuffer none = pool.allocate();
        none.append(40);
        icmp.destinationUnreachable(none, IcmpErrors.PORT_UNREACHABLE, 0); // networkOffset -1
        none.networkOffset(none.start());
        none.putU8(none.start(), 0x65); // version 6
        icmp.destinationUnreachable(none, IcmpErrors.PORT_UNREACHABLE, 0);
        none.putU8(none.start(), 0x4f); // IHL 60 > 40 bytes present
        icmp.destinationUnreachable(none, IcmpErrors.PORT_UNREACHABLE, 0);
        none.release();
        assertEquals(0, output.sends);
        assertEquals(3, icmp.counter(IcmpStatistic.ERROR_BAD_OFFENDING));
    }

    @Test
    void rateLimitsErrorsToABurstThenOnePerMillisecond() {
        for (int i = 0; i < 60; i++) {
            about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        }
        assertEquals(50, output.sends);
        assertEquals(10, icmp.counter(IcmpStatistic.RATE_LIMITED));

        clock.advance(1, TimeUnit.MILLISECONDS);
        about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        assertEquals(51, output.sends);
        assertEquals(11, icmp.counter(IcmpStatistic.RATE_LIMITED));

        clock.advance(1, TimeUnit.SECONDS); // the bucket refills to its burst, no more
        for (int i = 0; i < 60; i++) {
            about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        }
        assertEquals(101, output.sends);
    }

    @Test
    void rateLimitIsConfigurable() {
        icmp = new IcmpLayer(output, pool, clock, 10, 2, true);
        for (int i = 0; i < 5; i++) {
            about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        }
        assertEquals(2, output.sends);
        clock.advance(99, TimeUnit.MILLISECONDS);
        about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        assertEquals(2, output.sends);
        clock.advance(1, TimeUnit.MILLISECONDS);
        about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        assertEquals(3, output.sends);
    }

    @Test
    void rateLimitOfZeroDisablesTheLimit() {
        icmp = new IcmpLayer(output, pool, clock, 0, 50, true);
        for (int i = 0; i < 200; i++) {
            about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        }
        assertEquals(200, output.sends);
    }

    @Test
    void rateLimitIsNotSpentOnErrorsThatAreSuppressed() {
        for (int i = 0; i < 100; i++) {
            about(datagram(LINUX_PINGER, Ipv4Address.BROADCAST, IpProtocol.UDP, 64, 0, new byte[8]),
                    b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        }
        about(hex(LINUX_UDP_DATAGRAM), b -> icmp.destinationUnreachable(b, IcmpErrors.PORT_UNREACHABLE, 0));
        assertEquals(1, output.sends);
        assertEquals(0, icmp.counter(IcmpStatistic.RATE_LIMITED));
    }
}
