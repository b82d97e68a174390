package dev.strata.icmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.time.ManualScheduler;
import dev.strata.testsupport.TestPackets;

/** Random messages, half with valid checksums and error types, must neither throw nor leak. */
class HostileInputTest {

    @Test
    void survivesRandomMessagesWithoutThrowingOrLeaking() {
        BufferPool pool = new BufferPool();
        FakeIpv4Output output = new FakeIpv4Output();
        output.record = false;
        IcmpLayer icmp = new IcmpLayer(output, pool, new ManualScheduler(), 1000, 50, true);
        icmp.bindHandler(new IpProtocolHandler() {
            @Override
            public void receive(PacketBuffer packet) {
                packet.release();
            }
        }, Map.of(IpProtocol.PROPERTY, IpProtocol.UDP));
        long start = pool.outstanding();
        Random random = new Random(792);
        int[] types = {0, 3, 8, 11, 12};
        try (EchoSession session = icmp.open((from, sequence, ttl, bytes, rtt) -> { })) {
            for (int i = 0; i < 20_000; i++) {
                byte[] data = new byte[random.nextInt(80)];
                random.nextBytes(data);
                if (random.nextBoolean() && data.length > 28) {
                    data[0] = (byte) (0x45 + random.nextInt(3) - 1);
                    data[9] = (byte) (random.nextBoolean() ? IpProtocol.ICMP : IpProtocol.UDP);
                    data[20] = 8;
                }
                byte[] message = TestPackets.icmp(types[random.nextInt(types.length)], random.nextInt(5),
                        random.nextBoolean() ? (session.identifier() << 16) : random.nextInt(), data);
                if (random.nextInt(4) == 0) {
                    message = java.util.Arrays.copyOf(message, random.nextInt(message.length + 1));
                }
                icmp.receive(TestPackets.received(pool, TestPackets.datagram(Ipv4Address.parse("198.18.0.1"), output.localAddress,
                        IpProtocol.ICMP, 64, 0, message), null));
            }
        }
        assertEquals(start, pool.outstanding());
        assertEquals(20_000, icmp.counter(IcmpStatistic.IN_MSGS));
        // The mix reached every branch it was meant to.
        for (IcmpStatistic reached : new IcmpStatistic[] {IcmpStatistic.TOO_SHORT, IcmpStatistic.OUT_ECHO_REPS,
                IcmpStatistic.IN_DEST_UNREACHS, IcmpStatistic.QUOTED_TOO_SHORT, IcmpStatistic.QUOTED_BAD_HEADER,
                IcmpStatistic.NO_ECHO_SESSION}) {
            assertTrue(icmp.counter(reached) > 0, reached.toString());
        }
    }
}
