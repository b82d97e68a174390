package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamOptions;

/**
 * Packet-level tests of silly-window syndrome avoidance (RFC 9293 3.8.6.2, RFC 1122 4.2.3.3
 * and 4.2.3.4), on the sending and the receiving side. The peer is 198.18.0.2:40000 talking
 * to our listener on 8080 with MSS 1460 and no other option, ISN of ours 1000000, the peer's 5000.
 */
class SillyWindowTest {

    private final TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
    private final int peer = 5001;
    private final int ours = 1_000_001;

    @AfterEach
    void noLeaks() {
        assertEquals(0, h.pool.outstanding());
    }

    private StreamConnection established(int peerWindow, int receiveBuffer) throws Exception {
        StreamOptions d = StreamOptions.DEFAULTS;
        StreamOptions o = new StreamOptions(receiveBuffer, d.sendBuffer(), d.noDelay(), d.keepAlive(),
                d.keepIdleSeconds(), d.keepIntervalSeconds(), d.keepCount(), d.lingerSeconds(), d.ttl(), d.tos(),
                d.reuseAddress(), d.congestionControl());
        h.stack.listen(acceptor, 0, 8080, 16, o);
        h.inject(seg("S").seq(5000).mss(1460).win(peerWindow));
        h.next();
        h.inject(seg(".").seq(peer).ack(ours).win(peerWindow));
        h.expectNothing();
        return acceptor.accepted.get(0);
    }

    @Test
    void runtSmallerThanMssAndHalfTheLargestWindowWaitsForTheOverrideTimer() throws Exception {
        StreamConnection c = established(65535, 65536);
        h.inject(seg(".").seq(peer).ack(ours).win(700)); // the peer's window shrinks to a sliver
        TcpHarness.write(c, "x".repeat(2000));
        h.expectNothing();
        // RFC 1122 4.2.3.4: the override timeout (0.1 - 1 s; here one RTO, 200 ms)
        h.advance(199);
        h.expectNothing();
        h.advance(1);
        h.expect(". seq 1000001 ack 5001 win 65535 len 700");
        h.inject(seg(".").seq(peer).ack(ours + 700).win(65535));
        h.expect("P. seq 1000701 ack 5001 win 65535 len 1300");
    }

    @Test
    void runtWaitsWhileTheWindowOpensBeforeTheOverrideTimer() throws Exception {
        StreamConnection c = established(65535, 65536);
        h.inject(seg(".").seq(peer).ack(ours).win(700));
        TcpHarness.write(c, "x".repeat(2000));
        h.expectNothing();
        h.advance(100);
        h.inject(seg(".").seq(peer).ack(ours).win(65535)); // a window update: full segments go
        h.expect(". seq 1000001 ack 5001 win 65535 len 1460");
        h.advance(100);
        h.expectNothing(); // the override timer was cancelled (the rest is Nagle's: data in flight)
        h.inject(seg(".").seq(peer).ack(ours + 1460).win(65535));
        h.expect("P. seq 1001461 ack 5001 win 65535 len 540");
        h.inject(seg(".").seq(peer).ack(ours + 2000).win(65535));
    }

    @Test
    void segmentOfHalfTheLargestWindowGoesAtOnce() throws Exception {
        StreamConnection c = established(1000, 65536);
        TcpHarness.write(c, "x".repeat(3000));
        // the window (1000) is less than an MSS but it is the largest the peer offered
        h.expect(". seq 1000001 ack 5001 win 65535 len 1000");
        h.inject(seg(".").seq(peer).ack(ours + 500).win(1000)); // 500 more: half the largest window
        h.expect(". seq 1001001 ack 5001 win 65535 len 500");
        h.inject(seg(".").seq(peer).ack(ours + 700).win(1000)); // 200 more: a runt, held
        h.expectNothing();
        h.inject(seg(".").seq(peer).ack(ours + 1000).win(1000));
        h.expect(". seq 1001501 ack 5001 win 65535 len 500");
        h.inject(seg(".").seq(peer).ack(ours + 2000).win(1000)); // all that is left fits
        h.expect("P. seq 1002001 ack 5001 win 65535 len 1000");
        h.inject(seg(".").seq(peer).ack(ours + 3000).win(1000));
        assertEquals(0, c.unacknowledged());
    }

    @Test
    void receiverDoesNotAdvertiseWindowIncreasesSmallerThanAnMss() throws Exception {
        StreamConnection c = established(65535, 4000);
        h.inject(seg(".").seq(peer).ack(ours).data("y".repeat(1460)));
        h.expect(". seq 1000001 ack 6461 win 2540");
        h.inject(seg(".").seq(peer + 1460).ack(ours).data("y".repeat(1460)));
        h.expect(". seq 1000001 ack 7921 win 1080");
        ByteBuffer small = ByteBuffer.allocate(100);
        assertEquals(100, c.read(small)); // 1180 free now: 100 more is silly, not advertised
        h.expectNothing();
        h.inject(seg(".").seq(peer + 2920).ack(ours).data("y".repeat(10)));
        h.expect(". seq 1000001 ack 7931 win 1070"); // the right edge stays where it was
        ByteBuffer big = ByteBuffer.allocate(4000);
        assertEquals(2830, c.read(big)); // the whole buffer free: an MSS and more, advertised
        h.expect(". seq 1000001 ack 7931 win 4000");
    }

    /**
     * A reader that keeps up costs no segment of its own (Linux tcp_cleanup_rbuf): the window
     * rides on the data's ACKs, every second segment; an update goes alone only once the window
     * left is at most half the largest and would at least double.
     */
    @Test
    void readingDoesNotSendAWindowUpdatePerSegmentRead() throws Exception {
        StreamConnection c = established(65535, 65535);
        int seq = peer;
        String full = "f".repeat(1460);
        for (int i = 0; i < TcpConfig.QUICK_ACKS; i++) { // Linux's quick-ack mode first
            h.inject(seg(".").seq(seq).ack(ours).data(full));
            seq += 1460;
            h.next();
            assertEquals(1460, c.read(ByteBuffer.allocate(65535)));
        }
        for (int i = 0; i < 10; i++) {
            h.inject(seg(".").seq(seq).ack(ours).data(full));
            seq += 1460;
            assertEquals(1460, c.read(ByteBuffer.allocate(65535)));
            if (i % 2 == 1) {
                h.expect(". seq 1000001 ack " + seq + " win 64075"); // sent before the read of the second
            }
            h.expectNothing();
        }
        // the reader stops: the window shrinks by the data
        for (int i = 0; i < 26; i++) {
            h.inject(seg(".").seq(seq).ack(ours).data(full));
            seq += 1460;
            if (i % 2 == 1) {
                h.expect(". seq 1000001 ack " + seq + " win " + (65535 - 1460 * (i + 1)));
            }
        }
        h.expectNothing();
        assertEquals(10 * 1460, c.read(ByteBuffer.allocate(10 * 1460)));
        h.expectNothing(); // 27575 of 65535 left: no update
        assertEquals(8 * 1460, c.read(ByteBuffer.allocate(8 * 1460)));
        h.expectNothing(); // 27575 left, 53855 free: not twice, no update
        assertEquals(1460, c.read(ByteBuffer.allocate(1460)));
        h.expect(". seq 1000001 ack " + seq + " win 55315"); // 55315 >= 2 x 27575: worth a segment
        h.expectNothing();
    }
}
