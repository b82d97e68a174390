package dev.strata.icmp;

import static dev.strata.icmp.Packets.LINUX_HOST;
import static dev.strata.icmp.Packets.LINUX_PINGER;
import static dev.strata.icmp.Packets.LINUX_PORT_UNREACHABLE;
import static dev.strata.icmp.Packets.LINUX_UDP_DATAGRAM;
import static dev.strata.testsupport.TestPackets.datagram;
import static dev.strata.testsupport.TestPackets.hex;
import static dev.strata.testsupport.TestPackets.icmp;
import static dev.strata.testsupport.TestPackets.received;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.time.ManualScheduler;

/** Receiving errors: delivery to the transport or the echo session they are about. */
class IncomingErrorsTest {

    private static final int ROUTER = Ipv4Address.parse("198.18.0.1");

    private final BufferPool pool = new BufferPool();
    private final ManualScheduler clock = new ManualScheduler();
    private final FakeIpv4Output output = new FakeIpv4Output();
    private final RecordingHandler udp = new RecordingHandler();
    private final RecordingHandler tcp = new RecordingHandler();
    private IcmpLayer icmp;
    private long outstandingAtStart;

    /** A transport that records the errors it is given, reading the quote during the call as it must. */
    private static final class RecordingHandler implements IpProtocolHandler {
        final List<int[]> errors = new ArrayList<>();
        byte[] quoted;

        @Override
        public void receive(PacketBuffer packet) {
            packet.release();
        }

        @Override
        public void icmpError(int type, int code, int info, PacketBuffer quote) {
            errors.add(new int[] {type, code, info});
            quoted = quote.toByteArray();
        }
    }

    @BeforeEach
    void setUp() {
        outstandingAtStart = pool.outstanding();
        icmp = new IcmpLayer(output, pool, clock, 1000, 50, true);
        icmp.bindHandler(udp, Map.of(IpProtocol.PROPERTY, IpProtocol.UDP));
        icmp.bindHandler(tcp, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
    }

    @AfterEach
    void noBufferLeaked() {
        assertEquals(outstandingAtStart, pool.outstanding(), "buffers leaked");
    }

    private void receive(int from, byte[] message) {
        icmp.receive(received(pool, datagram(from, output.localAddress, IpProtocol.ICMP, 60, 0, message), null));
    }

    @Test
    void deliversLinuxPortUnreachableToTheUdpHandler() {
        icmp.receive(received(pool, hex(LINUX_PORT_UNREACHABLE), null));

        assertEquals(1, udp.errors.size());
        assertArrayEquals(new int[] {3, 3, 0}, udp.errors.get(0));
        assertArrayEquals(hex(LINUX_UDP_DATAGRAM), udp.quoted, "the region starts at the quoted IPv4 header");
        assertEquals(0, tcp.errors.size());
        assertEquals(1, icmp.counter(IcmpStatistic.IN_DEST_UNREACHS));
        assertEquals(0, output.sends);
    }

    @Test
    void deliversFragmentationNeededWithTheNextHopMtu() {
        byte[] quote = datagram(output.localAddress, LINUX_PINGER, IpProtocol.TCP, 64, 0x4000, new byte[20]);
        receive(ROUTER, icmp(3, 4, 1280, Arrays.copyOf(quote, 28)));
        assertEquals(1, tcp.errors.size());
        assertArrayEquals(new int[] {3, 4, 1280}, tcp.errors.get(0));
        assertEquals(28, tcp.quoted.length);
    }

    @Test
    void deliversTimeExceededAndParameterProblemWithItsPointer() {
        byte[] quote = datagram(output.localAddress, LINUX_PINGER, IpProtocol.UDP, 1, 0, new byte[8]);
        receive(ROUTER, icmp(11, 0, 0, quote));
        receive(ROUTER, icmp(12, 0, 0x1400_0000, quote));
        assertArrayEquals(new int[] {11, 0, 0}, udp.errors.get(0));
        assertArrayEquals(new int[] {12, 0, 20}, udp.errors.get(1));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_TIME_EXCDS));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_PARM_PROBS));
    }

    @Test
    void deliversAnErrorAboutOurEchoRequestToItsSession() {
        List<int[]> heard = new ArrayList<>();
        EchoListener listener = new EchoListener() {
            @Override
            public void reply(int from, int sequence, int ttl, int bytes, long rttNanos) {
            }

            @Override
            public void error(int from, int sequence, int type, int code) {
                heard.add(new int[] {from, sequence, type, code});
            }
        };
        try (EchoSession session = icmp.open(listener); EchoSession other = icmp.open(listener)) {
            session.send(LINUX_PINGER, 42, 56, 1);
            byte[] request = output.sent.get(0).payload();
            byte[] quote = datagram(output.localAddress, LINUX_PINGER, IpProtocol.ICMP, 1, 0, request);
            receive(ROUTER, icmp(11, 0, 0, Arrays.copyOf(quote, 28)));

            assertEquals(1, heard.size());
            assertArrayEquals(new int[] {ROUTER, 42, 11, 0}, heard.get(0));
            assertEquals(0, udp.errors.size());
        }
    }

    @Test
    void countsAnErrorAboutAnEchoRequestNoSessionSent() {
        byte[] request = icmp(8, 0, 0xbeef_0001, new byte[8]);
        receive(ROUTER, icmp(3, 1, 0, datagram(output.localAddress, LINUX_PINGER, IpProtocol.ICMP, 64, 0, request)));
        assertEquals(1, icmp.counter(IcmpStatistic.NO_ECHO_SESSION));
    }

    @Test
    void countsAnErrorAboutOtherIcmpMessages() {
        byte[] reply = icmp(0, 0, 0x0001_0001, new byte[8]);
        receive(ROUTER, icmp(3, 1, 0, datagram(output.localAddress, LINUX_PINGER, IpProtocol.ICMP, 64, 0, reply)));
        assertEquals(1, icmp.counter(IcmpStatistic.NO_HANDLER));
    }

    @Test
    void countsAnErrorForAProtocolWithoutHandler() {
        receive(ROUTER, icmp(3, 2, 0, datagram(output.localAddress, LINUX_PINGER, 132, 64, 0, new byte[8])));
        assertEquals(1, icmp.counter(IcmpStatistic.NO_HANDLER));
    }

    @Test
    void stopsDeliveringToAHandlerThatWentAway() {
        icmp.unbindHandler(udp, Map.of(IpProtocol.PROPERTY, IpProtocol.UDP));
        icmp.receive(received(pool, hex(LINUX_PORT_UNREACHABLE), null));
        assertEquals(0, udp.errors.size());
        assertEquals(1, icmp.counter(IcmpStatistic.NO_HANDLER));
    }

    @Test
    void fallsBackToTheEarlierHandlerOfAProtocolWhenTheLaterGoes() {
        RecordingHandler replacement = new RecordingHandler();
        icmp.bindHandler(replacement, Map.of(IpProtocol.PROPERTY, "17"));
        icmp.receive(received(pool, hex(LINUX_PORT_UNREACHABLE), null));
        assertEquals(1, replacement.errors.size());
        icmp.unbindHandler(replacement, Map.of(IpProtocol.PROPERTY, "17"));
        icmp.receive(received(pool, hex(LINUX_PORT_UNREACHABLE), null));
        assertEquals(1, udp.errors.size());
    }

    @Test
    void ignoresAHandlerWithoutAProtocolProperty() {
        icmp.bindHandler(new RecordingHandler(), Map.of());
        icmp.bindHandler(new RecordingHandler(), Map.of(IpProtocol.PROPERTY, "tcp"));
        icmp.bindHandler(new RecordingHandler(), Map.of(IpProtocol.PROPERTY, 300));
        icmp.receive(received(pool, hex(LINUX_PORT_UNREACHABLE), null));
        assertEquals(1, udp.errors.size());
    }

    @Test
    void handlerThatThrowsDoesNotEscapeTheLayer() {
        icmp.bindHandler(new IpProtocolHandler() {
            @Override
            public void receive(PacketBuffer packet) {
                packet.release();
            }

            @Override
            public void icmpError(int type, int code, int info, PacketBuffer quoted) {
                throw new IllegalStateException("transport bug");
            }
        }, Map.of(IpProtocol.PROPERTY, IpProtocol.UDP));
        icmp.receive(received(pool, hex(LINUX_PORT_UNREACHABLE), null));
        assertEquals(1, icmp.counter(IcmpStatistic.CALLBACK_FAILED));
    }

    @Test
    void dropsAnErrorQuotingLessThanAnIpv4Header() {
        byte[] quote = datagram(output.localAddress, LINUX_PINGER, IpProtocol.UDP, 64, 0, new byte[8]);
        receive(ROUTER, icmp(3, 3, 0, Arrays.copyOf(quote, 19)));
        receive(ROUTER, icmp(3, 3, 0, new byte[0]));
        assertEquals(0, udp.errors.size());
        assertEquals(2, icmp.counter(IcmpStatistic.QUOTED_TOO_SHORT));
    }

    @Test
    void dropsAnErrorQuotingFewerThan8BytesOfPayload() {
        byte[] quote = datagram(output.localAddress, LINUX_PINGER, IpProtocol.UDP, 64, 0, new byte[8]);
        receive(ROUTER, icmp(3, 3, 0, Arrays.copyOf(quote, 27)));
        byte[] withOptions = datagram(output.localAddress, LINUX_PINGER, IpProtocol.UDP, 64, 0, new byte[16]);
        withOptions[0] = 0x46; // IHL 6: the 8 bytes after the options are needed, and only 7 are there
        receive(ROUTER, icmp(3, 3, 0, Arrays.copyOf(withOptions, 31)));
        assertEquals(0, udp.errors.size());
        assertEquals(2, icmp.counter(IcmpStatistic.QUOTED_TOO_SHORT));
    }

    @Test
    void dropsAnErrorQuotingABadIpv4Header() {
        byte[] quote = datagram(output.localAddress, LINUX_PINGER, IpProtocol.UDP, 64, 0, new byte[8]);
        byte[] version6 = quote.clone();
        version6[0] = 0x65;
        byte[] ihl4 = quote.clone();
        ihl4[0] = 0x44;
        byte[] totalTooSmall = quote.clone();
        totalTooSmall[3] = 20;
        receive(ROUTER, icmp(3, 3, 0, version6));
        receive(ROUTER, icmp(3, 3, 0, ihl4));
        receive(ROUTER, icmp(3, 3, 0, totalTooSmall));
        assertEquals(0, udp.errors.size());
        assertEquals(3, icmp.counter(IcmpStatistic.QUOTED_BAD_HEADER));
    }

    @Test
    void dropsAnErrorQuotingANonInitialFragment() {
        receive(ROUTER, icmp(11, 1, 0, datagram(output.localAddress, LINUX_PINGER, IpProtocol.UDP, 64, 100, new byte[8])));
        assertEquals(0, udp.errors.size());
        assertEquals(1, icmp.counter(IcmpStatistic.QUOTED_FRAGMENT));
    }

    @Test
    void ignoresAnErrorSentToABroadcastAddress() {
        byte[] error = icmp(3, 3, 0, hex(LINUX_UDP_DATAGRAM));
        icmp.receive(received(pool, datagram(ROUTER, Ipv4Address.BROADCAST, IpProtocol.ICMP, 64, 0, error), null));
        assertEquals(0, udp.errors.size());
        assertEquals(1, icmp.counter(IcmpStatistic.TO_BROADCAST_IGNORED));
    }

    @Test
    void dropsAnErrorWithABadChecksumBeforeDelivering() {
        byte[] error = icmp(3, 3, 0, hex(LINUX_UDP_DATAGRAM));
        error[2] ^= 0x10;
        receive(ROUTER, error);
        assertEquals(0, udp.errors.size());
        assertEquals(1, icmp.counter(IcmpStatistic.BAD_CHECKSUM));
    }

    @Test
    void neverAnswersAnErrorWithAnError() {
        receive(ROUTER, icmp(3, 3, 0, datagram(output.localAddress, LINUX_PINGER, 200, 64, 0, new byte[8])));
        assertEquals(0, output.sends);
        assertNull(udp.quoted);
    }

    @Test
    void echoReplyPathAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported()) {
            return;
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        long[] replies = new long[1];
        try (EchoSession session = icmp.open((from, sequence, ttl, bytes, rtt) -> replies[0]++)) {
            byte[] data = new byte[56];
            byte[] reply = datagram(LINUX_PINGER, output.localAddress, IpProtocol.ICMP, 64, 0,
                    icmp(0, 0, (session.identifier() << 16) | 1, data));
            for (int i = 0; i < 20_000; i++) {
                icmp.receive(received(pool, reply, null));
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                icmp.receive(received(pool, reply, null));
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(30_000, replies[0]);
            assertEquals(true, allocated < 4096, "reply path allocated " + allocated + " bytes for 10,000 replies");
        }
    }
}
