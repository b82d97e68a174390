package dev.strata.icmp;

import static dev.strata.icmp.Packets.LINUX_ECHO_REPLY_ICMP;
import static dev.strata.icmp.Packets.LINUX_ECHO_REQUEST;
import static dev.strata.icmp.Packets.LINUX_HOST;
import static dev.strata.icmp.Packets.LINUX_PINGER;
import static dev.strata.testsupport.TestPackets.datagram;
import static dev.strata.testsupport.TestPackets.hex;
import static dev.strata.testsupport.TestPackets.icmp;
import static dev.strata.testsupport.TestPackets.received;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Ipv4Output;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.time.ManualScheduler;
import dev.strata.testsupport.TestPackets;

class EchoTest {

    private final BufferPool pool = new BufferPool();
    private final ManualScheduler clock = new ManualScheduler(1_000_000_000L);
    private final FakeIpv4Output output = new FakeIpv4Output();
    private IcmpLayer icmp;
    private long outstandingAtStart;

    /** What a listener heard. */
    private static final class Heard implements EchoListener {
        final List<long[]> replies = new ArrayList<>();
        final List<int[]> errors = new ArrayList<>();

        @Override
        public void reply(int from, int sequence, int ttl, int bytes, long rttNanos) {
            replies.add(new long[] {from, sequence, ttl, bytes, rttNanos});
        }

        @Override
        public void error(int from, int sequence, int type, int code) {
            errors.add(new int[] {from, sequence, type, code});
        }
    }

    @BeforeEach
    void setUp() {
        outstandingAtStart = pool.outstanding();
        icmp = new IcmpLayer(output, pool, clock, 1000, 50, true);
    }

    @AfterEach
    void noBufferLeaked() {
        assertEquals(outstandingAtStart, pool.outstanding(), "buffers leaked");
    }

    @Test
    void repliesToLinuxEchoRequestWithExactlyTheBytesLinuxSent() {
        icmp.receive(received(pool, hex(LINUX_ECHO_REQUEST), null));

        assertEquals(1, output.sent.size());
        FakeIpv4Output.Sent reply = output.sent.get(0);
        assertArrayEquals(hex(LINUX_ECHO_REPLY_ICMP), reply.payload());
        assertEquals(LINUX_HOST, reply.source());
        assertEquals(LINUX_PINGER, reply.destination());
        assertEquals(IpProtocol.ICMP, reply.protocol());
        assertEquals(Ipv4Output.DEFAULT_TTL, reply.ttl());
        assertEquals(0, reply.tos());
        assertFalse(reply.dontFragment(), "Linux's reply has DF clear");
        assertEquals(1, icmp.counter(IcmpStatistic.IN_MSGS));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_ECHOS));
        assertEquals(1, icmp.counter(IcmpStatistic.OUT_MSGS));
        assertEquals(1, icmp.counter(IcmpStatistic.OUT_ECHO_REPS));
    }

    @Test
    void replyKeepsTheRequestsTosAndOddLengthPayload() {
        byte[] request = icmp(8, 0, 0x1234_0007, new byte[] {1, 2, 3, 4, 5});
        byte[] datagram = datagram(LINUX_PINGER, LINUX_HOST, 1, 64, 0, request);
        datagram[1] = (byte) 0xb8; // DSCP EF
        icmp.receive(received(pool, datagram, null));

        FakeIpv4Output.Sent reply = output.sent.get(0);
        assertEquals(0xb8, reply.tos());
        byte[] expected = request.clone();
        expected[0] = 0;
        int sum = TestPackets.checksum(withZeroChecksum(expected), 0, expected.length);
        expected[2] = (byte) (sum >>> 8);
        expected[3] = (byte) sum;
        assertArrayEquals(expected, reply.payload());
    }

    private static byte[] withZeroChecksum(byte[] message) {
        byte[] copy = message.clone();
        copy[2] = 0;
        copy[3] = 0;
        return copy;
    }

    @Test
    void echoReplyCountsOutErrorsWhenIpv4CannotSendIt() {
        output.result = SendResult.NO_ROUTE;
        icmp.receive(received(pool, hex(LINUX_ECHO_REQUEST), null));
        assertEquals(1, icmp.counter(IcmpStatistic.OUT_ERRORS));
    }

    @Test
    void dropsMessageShorterThanTheHeader() {
        byte[] datagram = datagram(LINUX_PINGER, LINUX_HOST, 1, 64, 0, new byte[] {8, 0, (byte) 0xf7, (byte) 0xff, 0, 0, 0});
        icmp.receive(received(pool, datagram, null));

        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.TOO_SHORT));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_ERRORS));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_MSGS));
    }

    @Test
    void dropsEmptyMessage() {
        icmp.receive(received(pool, datagram(LINUX_PINGER, LINUX_HOST, 1, 64, 0, new byte[0]), null));
        assertEquals(1, icmp.counter(IcmpStatistic.TOO_SHORT));
    }

    @Test
    void dropsMessageWithBadChecksum() {
        byte[] datagram = hex(LINUX_ECHO_REQUEST);
        datagram[datagram.length - 1] ^= 0x01; // one bit of the data flipped
        icmp.receive(received(pool, datagram, null));

        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.BAD_CHECKSUM));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_CSUM_ERRORS));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_ERRORS));
        assertEquals(0, icmp.counter(IcmpStatistic.IN_ECHOS));
    }

    @Test
    void dropsUnknownType() {
        icmp.receive(received(pool, datagram(LINUX_PINGER, LINUX_HOST, 1, 64, 0, icmp(42, 0, 0, new byte[4])), null));
        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.UNKNOWN_TYPE));
        assertEquals(0, icmp.counter(IcmpStatistic.IN_ERRORS));
    }

    @Test
    void ignoresSourceQuenchRedirectAndTimestampButCountsThem() {
        icmp.receive(received(pool, datagram(LINUX_PINGER, LINUX_HOST, 1, 64, 0, icmp(4, 0, 0, new byte[28])), null));
        icmp.receive(received(pool, datagram(LINUX_PINGER, LINUX_HOST, 1, 64, 0, icmp(5, 1, LINUX_PINGER, new byte[28])), null));
        icmp.receive(received(pool, datagram(LINUX_PINGER, LINUX_HOST, 1, 64, 0, icmp(13, 0, 0, new byte[12])), null));
        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.IN_SRC_QUENCHS));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_REDIRECTS));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_TIMESTAMPS));
        assertEquals(3, icmp.counter(IcmpStatistic.IGNORED));
    }

    @Test
    void ignoresEchoRequestToLimitedBroadcast() {
        byte[] request = icmp(8, 0, 0x0001_0001, new byte[56]);
        icmp.receive(received(pool, datagram(LINUX_PINGER, Ipv4Address.BROADCAST, 1, 64, 0, request), null));
        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.ECHO_TO_BROADCAST_IGNORED));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_ECHOS));
    }

    @Test
    void ignoresEchoRequestToTheSubnetBroadcastOfItsInterface() {
        byte[] request = icmp(8, 0, 0x0001_0001, new byte[56]);
        int subnetBroadcast = Ipv4Address.parse("198.18.77.255");
        icmp.receive(received(pool, datagram(LINUX_PINGER, subnetBroadcast, 1, 64, 0, request), Packets.iface("198.18.77.2/24")));
        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.ECHO_TO_BROADCAST_IGNORED));
    }

    @Test
    void ignoresEchoRequestToMulticast() {
        byte[] request = icmp(8, 0, 0x0001_0001, new byte[56]);
        icmp.receive(received(pool, datagram(LINUX_PINGER, Ipv4Address.parse("224.0.0.1"), 1, 64, 0, request), null));
        assertEquals(0, output.sends);
        assertEquals(1, icmp.counter(IcmpStatistic.ECHO_TO_BROADCAST_IGNORED));
    }

    @Test
    void answersBroadcastEchoFromTheInterfaceAddressWhenConfiguredTo() {
        icmp = new IcmpLayer(output, pool, clock, 1000, 50, false);
        byte[] request = icmp(8, 0, 0x0001_0001, new byte[56]);
        icmp.receive(received(pool, datagram(LINUX_PINGER, Ipv4Address.BROADCAST, 1, 64, 0, request), null));
        assertEquals(1, output.sent.size());
        assertEquals(Ipv4Address.ANY, output.sent.get(0).source());
        assertEquals(LINUX_PINGER, output.sent.get(0).destination());
    }

    @Test
    void dropsEchoRequestFromAddressThatIsNotOneHost() {
        byte[] request = icmp(8, 0, 0x0001_0001, new byte[8]);
        icmp.receive(received(pool, datagram(Ipv4Address.ANY, LINUX_HOST, 1, 64, 0, request), null));
        icmp.receive(received(pool, datagram(Ipv4Address.parse("224.0.0.5"), LINUX_HOST, 1, 64, 0, request), null));
        assertEquals(0, output.sends);
        assertEquals(2, icmp.counter(IcmpStatistic.BAD_SOURCE));
    }

    @Test
    void echoPathAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported()) {
            return;
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        output.record = false;
        byte[] request = hex(LINUX_ECHO_REQUEST);
        PacketBuffer template = received(pool, request, null);
        int network = template.networkOffset();
        int start = template.start();
        int end = template.end();
        template.release();

        for (int i = 0; i < 20_000; i++) {
            echoOnce(request, network, start, end);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            echoOnce(request, network, start, end);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(30_000, output.sends);
        // Zero in practice; the slack absorbs a stray one-off allocation by the JVM (a
        // deoptimisation, say) without letting even one byte per echo through.
        assertTrue(allocated < 4096, "echo path allocated " + allocated + " bytes for 10,000 echoes");
    }

    private void echoOnce(byte[] request, int network, int start, int end) {
        PacketBuffer packet = pool.allocate();
        packet.putBytes(network, request, 0, request.length);
        packet.networkOffset(network);
        packet.region(start, end);
        packet.transportOffset(start);
        icmp.receive(packet);
    }

    // ---- EchoService ----------------------------------------------------------------------

    @Test
    void sessionRoundTripThroughLoopbackReportsRttFromTheScheduler() {
        output.loopback = true;
        Heard heard = new Heard();
        try (EchoSession session = icmp.open(heard)) {
            assertEquals(SendResult.SENT, session.send(output.localAddress, 7, 56, 64));
            clock.advance(3, TimeUnit.MILLISECONDS);
            output.deliverTo(icmp);

            assertEquals(1, heard.replies.size());
            long[] reply = heard.replies.get(0);
            assertEquals(output.localAddress, (int) reply[0]);
            assertEquals(7, reply[1]);
            assertEquals(64, reply[2]);
            assertEquals(64, reply[3], "bytes = ICMP length, as iputils prints it");
            assertEquals(TimeUnit.MILLISECONDS.toNanos(3), reply[4]);
        }
        assertEquals(1, icmp.counter(IcmpStatistic.OUT_ECHOS));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_ECHOS));
        assertEquals(1, icmp.counter(IcmpStatistic.OUT_ECHO_REPS));
        assertEquals(1, icmp.counter(IcmpStatistic.IN_ECHO_REPS));
        assertEquals(2, icmp.counter(IcmpStatistic.OUT_MSGS));
        assertEquals(0, icmp.openSessions());
    }

    @Test
    void withoutIpv4EchoesAndRepliesAreCountedAndReleasedAndResumeWhenItReturns() {
        icmp.useOutput(null);
        Heard heard = new Heard();
        try (EchoSession session = icmp.open(heard)) {
            assertEquals(SendResult.NO_ROUTE, session.send(LINUX_PINGER, 1, 56, 64));
            icmp.receive(received(pool, hex(LINUX_ECHO_REQUEST), null));
            assertEquals(2, icmp.counters().get("NoIpv4"));
            assertTrue(output.sent.isEmpty());

            icmp.useOutput(output);
            assertEquals(SendResult.SENT, session.send(LINUX_PINGER, 2, 56, 64));
            assertEquals(1, output.sent.size());
        }
    }

    @Test
    void requestCarriesIdentifierSequenceTimestampAndIputilsPattern() {
        Heard heard = new Heard();
        try (EchoSession session = icmp.open(heard)) {
            session.send(LINUX_PINGER, 0x1_0003, 56, 9); // sequence wraps to 16 bits
            FakeIpv4Output.Sent sent = output.sent.get(0);
            byte[] m = sent.payload();
            assertEquals(64, m.length);
            assertEquals(8, m[0]);
            assertEquals(0, m[1]);
            assertEquals(session.identifier(), ((m[4] & 0xff) << 8) | (m[5] & 0xff));
            assertEquals(3, ((m[6] & 0xff) << 8) | (m[7] & 0xff));
            long timestamp = 0;
            for (int i = 8; i < 16; i++) {
                timestamp = (timestamp << 8) | (m[i] & 0xff);
            }
            assertEquals(clock.nanoTime(), timestamp);
            for (int i = 8; i < 56; i++) {
                assertEquals((byte) i, m[8 + i], "data byte " + i); // iputils: data[i] = i
            }
            assertEquals(0, TestPackets.checksum(m, 0, m.length));
            assertEquals(Ipv4Address.ANY, sent.source());
            assertEquals(LINUX_PINGER, sent.destination());
            assertEquals(IpProtocol.ICMP, sent.protocol());
            assertEquals(9, sent.ttl());
            assertFalse(sent.dontFragment());
        }
    }

    @Test
    void payloadShorterThanTimestampGivesNoRtt() {
        output.loopback = true;
        Heard heard = new Heard();
        try (EchoSession session = icmp.open(heard)) {
            session.send(output.localAddress, 1, 4, 64);
            output.deliverTo(icmp);
            assertEquals(1, heard.replies.size());
            assertEquals(12, heard.replies.get(0)[3]);
            assertEquals(-1, heard.replies.get(0)[4]);
        }
    }

    @Test
    void largePayloadGoesInOneLargeBuffer() {
        Heard heard = new Heard();
        try (EchoSession session = icmp.open(heard)) {
            assertEquals(SendResult.SENT, session.send(LINUX_PINGER, 1, 8000, 64));
            assertEquals(8008, output.sent.get(0).payload().length);
            assertEquals(0, TestPackets.checksum(output.sent.get(0).payload(), 0, 8008));
            assertEquals(SendResult.TOO_LARGE, session.send(LINUX_PINGER, 2, 65508, 64));
            assertThrows(IllegalArgumentException.class, () -> session.send(LINUX_PINGER, 3, -1, 64));
            assertThrows(IllegalArgumentException.class, () -> session.send(LINUX_PINGER, 3, 56, 0));
        }
    }

    @Test
    void sessionsGetDistinctIdentifiersAndClosedOnesHearNothing() {
        output.loopback = true;
        Heard first = new Heard();
        Heard second = new Heard();
        EchoSession a = icmp.open(first);
        EchoSession b = icmp.open(second);
        assertNotEquals(a.identifier(), b.identifier());

        a.send(output.localAddress, 1, 56, 64);
        b.send(output.localAddress, 2, 56, 64);
        a.close();
        output.deliverTo(icmp);

        assertEquals(0, first.replies.size());
        assertEquals(1, second.replies.size());
        assertEquals(2, second.replies.get(0)[1]);
        assertEquals(1, icmp.counter(IcmpStatistic.NO_ECHO_SESSION));
        assertThrows(IllegalStateException.class, () -> a.send(output.localAddress, 3, 56, 64));
        b.close();
        assertEquals(0, icmp.openSessions());
    }

    @Test
    void sessionsOfAStoppedLayerAreClosed() {
        EchoSession session = icmp.open(new Heard());
        icmp.deactivate();
        assertEquals(0, icmp.openSessions());
        assertThrows(IllegalStateException.class, () -> session.send(LINUX_PINGER, 1, 56, 64));
    }

    @Test
    void listenerThatThrowsDoesNotEscapeTheLayer() {
        output.loopback = true;
        try (EchoSession session = icmp.open((from, sequence, ttl, bytes, rtt) -> {
            throw new IllegalStateException("listener bug");
        })) {
            session.send(output.localAddress, 1, 56, 64);
            output.deliverTo(icmp);
        }
        assertEquals(1, icmp.counter(IcmpStatistic.CALLBACK_FAILED));
    }

    @Test
    void forgedTimestampInTheFutureGivesNoRtt() {
        Heard heard = new Heard();
        try (EchoSession session = icmp.open(heard)) {
            byte[] data = new byte[56];
            TestPackets.putInt(data, 0, 0x7fff_ffff); // far in the future
            byte[] reply = icmp(0, 0, (session.identifier() << 16) | 5, data);
            icmp.receive(received(pool, datagram(LINUX_PINGER, LINUX_HOST, 1, 50, 0, reply), null));
            assertEquals(1, heard.replies.size());
            assertEquals(LINUX_PINGER, (int) heard.replies.get(0)[0]);
            assertEquals(5, heard.replies.get(0)[1]);
            assertEquals(50, heard.replies.get(0)[2]);
            assertEquals(-1, heard.replies.get(0)[4]);
        }
    }

    @Test
    void publishesNetstatNamedCounters() {
        icmp.receive(received(pool, hex(LINUX_ECHO_REQUEST), null));
        assertEquals("Icmp", icmp.protocol());
        assertEquals(1L, icmp.counters().get("InMsgs"));
        assertEquals(1L, icmp.counters().get("InEchos"));
        assertEquals(1L, icmp.counters().get("OutEchoReps"));
        for (String name : List.of("InErrors", "InCsumErrors", "InDestUnreachs", "InTimeExcds", "InParmProbs", "InEchoReps",
                "OutMsgs", "OutDestUnreachs", "OutTimeExcds", "OutEchos", "TooShort", "BadChecksum", "UnknownType",
                "EchoToBroadcastIgnored", "RateLimited", "QuotedTooShort")) {
            assertTrue(icmp.counters().containsKey(name), name);
        }
    }
}
