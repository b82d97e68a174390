package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.StreamConnection;

/**
 * Packet-level tests of established connections: data both ways, FIN handshakes in each order,
 * RFC 5961 challenge ACKs, TIME-WAIT, retransmission. The peer is 198.18.0.2:40000 talking
 * to our listener on 8080, ISN of ours 1000000 (or near 2^32), the peer's 5000.
 */
class ConnectionTest {

    private final TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
    private int peer; // the peer's next sequence number
    private int ours; // our next sequence number

    @AfterEach
    void noLeaks() {
        assertEquals(0, h.pool.outstanding());
    }

    /** A passive open without options (MSS 1460 only): window fields unscaled, no timestamps. */
    private StreamConnection established(long isn, long peerIsn) throws Exception {
        h.isn = (int) isn;
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(peerIsn).mss(1460));
        h.next();
        peer = (int) peerIsn + 1;
        ours = (int) isn + 1;
        h.inject(seg(".").seq(peer).ack(ours));
        h.expectNothing();
        return acceptor.accepted.get(0);
    }

    private StreamConnection established() throws Exception {
        return established(1_000_000, 5000);
    }

    private static String u(int seq) {
        return Long.toString(Seq.unsigned(seq));
    }

    @Test
    void receivesDataInOrderAndAcknowledgesIt() throws Exception {
        StreamConnection c = established();
        h.inject(seg("P.").seq(peer).ack(ours).data("hello"));
        h.expect(". seq " + u(ours) + " ack " + u(peer + 5) + " win 65535");
        assertEquals(5, c.readable());
        assertEquals("hello", TcpHarness.read(c));
        assertEquals(List.of("readable"), acceptor.endpoint.events);
    }

    @Test
    void sendsDataAndFreesTheBufferOnAck() throws Exception {
        StreamConnection c = established();
        assertEquals(5, TcpHarness.write(c, "world"));
        TcpHarness.Sent data = h.expect("P. seq " + u(ours) + " ack " + u(peer) + " win 65535 len 5");
        assertEquals("world", data.text());
        assertEquals(5, c.unacknowledged());
        h.inject(seg(".").seq(peer).ack(ours + 5));
        assertEquals(0, c.unacknowledged());
        assertEquals(List.of("writable"), acceptor.endpoint.events);
    }

    @Test
    void segmentsToTheMssAndStopsAtThePeersWindow() throws Exception {
        StreamConnection c = established();
        h.inject(seg(".").seq(peer).ack(ours).win(2000)); // the peer shrinks its offer before data flows
        TcpHarness.write(c, "x".repeat(3000));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1460");
        h.expect(". seq " + u(ours + 1460) + " ack " + u(peer) + " win 65535 len 540"); // window-limited: no PSH
        h.expectNothing();
        h.inject(seg(".").seq(peer).ack(ours + 2000).win(2000));
        h.expect("P. seq " + u(ours + 2000) + " ack " + u(peer) + " win 65535 len 1000");
    }

    @Test
    void outOfOrderDataIsQueuedAndDeliveredWhenTheGapFills() throws Exception {
        StreamConnection c = established();
        h.inject(seg("P.").seq(peer + 5).ack(ours).data("world"));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535"); // a duplicate ACK (no SACK negotiated)
        assertEquals(0, c.readable());
        h.inject(seg("P.").seq(peer).ack(ours).data("hello"));
        h.expect(". seq " + u(ours) + " ack " + u(peer + 10) + " win 65535");
        assertEquals("helloworld", TcpHarness.read(c));
        assertEquals(1, h.counter(TcpStatistic.OFO_QUEUED));
    }

    @Test
    void overlappingRetransmissionNeverRewritesDeliveredBytes() throws Exception {
        StreamConnection c = established();
        h.inject(seg("P.").seq(peer).ack(ours).data("abcdef"));
        h.next();
        h.inject(seg("P.").seq(peer + 3).ack(ours).data("XYZghi"));
        h.expect(". seq " + u(ours) + " ack " + u(peer + 9) + " win 65535");
        assertEquals("abcdefghi", TcpHarness.read(c));
    }

    @Test
    void outOfWindowSegmentIsAnsweredWithAnAck() throws Exception {
        established();
        h.inject(seg("P.").seq(peer - 100).ack(ours).data("old"));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535");
        assertEquals(1, h.counter(TcpStatistic.OUT_OF_WINDOW));
    }

    @Test
    void peerClosesFirstThenWe() throws Exception {
        StreamConnection c = established();
        h.inject(seg("F.").seq(peer).ack(ours));
        h.expect(". seq " + u(ours) + " ack " + u(peer + 1) + " win 65535");
        assertEquals("CLOSE_WAIT", c.state());
        assertNull(TcpHarness.read(c)); // EOF
        c.close();
        h.expect("F. seq " + u(ours) + " ack " + u(peer + 1) + " win 65535");
        assertEquals("LAST_ACK", c.state());
        h.inject(seg(".").seq(peer + 1).ack(ours + 1));
        assertEquals("CLOSED", c.state());
        assertEquals(List.of("readable", "closed null"), acceptor.endpoint.events);
        assertEquals(0, h.counter(TcpStatistic.CURR_ESTAB));
    }

    @Test
    void weCloseFirstThroughFinWait2AndTimeWait() throws Exception {
        StreamConnection c = established();
        c.close();
        h.expect("F. seq " + u(ours) + " ack " + u(peer) + " win 65535");
        assertEquals("FIN_WAIT_1", c.state());
        h.inject(seg(".").seq(peer).ack(ours + 1));
        assertEquals("FIN_WAIT_2", c.state());
        h.inject(seg("F.").seq(peer).ack(ours + 1));
        h.expect(". seq " + u(ours + 1) + " ack " + u(peer + 1) + " win 65535");
        assertEquals("TIME_WAIT", c.state());
        assertEquals(List.of("readable", "closed null"), acceptor.endpoint.events); // EOF, then the end
        // TIME-WAIT holds the 4-tuple for 2 MSL (60 s), then the connection is gone
        h.advance(59_999);
        assertEquals("TIME_WAIT", c.state());
        h.advance(1);
        assertEquals("CLOSED", c.state());
        assertEquals(0, h.stack.connections().length);
    }

    @Test
    void timeWaitReacknowledgesARetransmittedFinAndRestartsTwoMsl() throws Exception {
        StreamConnection c = established();
        c.close();
        h.next();
        h.inject(seg("F.").seq(peer).ack(ours + 1));
        h.next();
        assertEquals("TIME_WAIT", c.state());
        h.advance(30_000);
        h.inject(seg("F.").seq(peer).ack(ours + 1)); // our ACK was lost: the FIN again
        h.expect(". seq " + u(ours + 1) + " ack " + u(peer + 1) + " win 65535");
        h.advance(59_999);
        assertEquals("TIME_WAIT", c.state());
        h.advance(1);
        assertEquals("CLOSED", c.state());
    }

    @Test
    void simultaneousCloseGoesThroughClosing() throws Exception {
        StreamConnection c = established();
        c.close();
        h.expect("F. seq " + u(ours) + " ack " + u(peer) + " win 65535");
        // the peer's FIN crosses ours (RFC 9293 Figure 13): it does not acknowledge our FIN
        h.inject(seg("F.").seq(peer).ack(ours));
        h.expect(". seq " + u(ours + 1) + " ack " + u(peer + 1) + " win 65535");
        assertEquals("CLOSING", c.state());
        h.inject(seg(".").seq(peer + 1).ack(ours + 1));
        assertEquals("TIME_WAIT", c.state());
    }

    @Test
    void finAfterDataIsSentWithTheLastSegment() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "bye");
        h.next();
        c.shutdownOutput();
        h.expect("F. seq " + u(ours + 3) + " ack " + u(peer) + " win 65535");
        assertThrows(NetSocketException.class, () -> TcpHarness.write(c, "more"));
        // half-close: reading goes on
        h.inject(seg("P.").seq(peer).ack(ours + 4).data("still here"));
        h.next();
        assertEquals("still here", TcpHarness.read(c));
        assertEquals("FIN_WAIT_2", c.state());
    }

    @Test
    void challengeAckForAnInWindowSyn() throws Exception {
        StreamConnection c = established();
        h.inject(seg("S").seq(peer + 100).mss(1460));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535");
        assertEquals("ESTABLISHED", c.state());
        assertEquals(1, h.counter(TcpStatistic.CHALLENGE_ACKS));
    }

    @Test
    void challengeAckForAnInWindowResetThatIsNotExact() throws Exception {
        StreamConnection c = established();
        h.inject(seg("R").seq(peer + 10));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535");
        assertEquals("ESTABLISHED", c.state());
        // the exact one resets
        h.inject(seg("R").seq(peer));
        h.expectNothing();
        assertEquals("CLOSED", c.state());
        assertEquals(SocketError.ECONNRESET, acceptor.endpoint.error);
        assertEquals(1, h.counter(TcpStatistic.ESTAB_RESETS));
        assertThrows(NetSocketException.class, () -> TcpHarness.read(c));
    }

    @Test
    void outOfWindowResetIsDroppedSilently() throws Exception {
        StreamConnection c = established();
        h.inject(seg("R").seq(peer + 65_535));
        h.expectNothing();
        assertEquals("ESTABLISHED", c.state());
    }

    @Test
    void challengeAcksAreRateLimited() throws Exception {
        established();
        for (int i = 0; i < 15; i++) {
            h.inject(seg("R").seq(peer + 10));
        }
        assertEquals(10, h.counter(TcpStatistic.CHALLENGE_ACKS));
        assertEquals(5, h.counter(TcpStatistic.CHALLENGE_ACKS_LIMITED));
        h.advance(1000);
        h.inject(seg("R").seq(peer + 10));
        assertEquals(11, h.counter(TcpStatistic.CHALLENGE_ACKS));
    }

    @Test
    void ackForDataNeverSentIsAnsweredAndDropped() throws Exception {
        StreamConnection c = established();
        h.inject(seg("P.").seq(peer).ack(ours + 50).data("zzz"));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535");
        assertEquals(0, c.readable());
        assertEquals(1, h.counter(TcpStatistic.ACK_TOO_NEW));
    }

    @Test
    void retransmitsAfterRtoWithDoublingTimeout() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "data");
        h.expect("P. seq " + u(ours) + " ack " + u(peer) + " win 65535 len 4");
        // the handshake's RTT sample was 0: RTO is the 200 ms minimum
        h.advance(199);
        h.expectNothing();
        h.advance(1);
        h.expect("P. seq " + u(ours) + " ack " + u(peer) + " win 65535 len 4");
        h.advance(399);
        h.expectNothing();
        h.advance(1);
        h.expect("P. seq " + u(ours) + " ack " + u(peer) + " win 65535 len 4");
        assertEquals(2, h.counter(TcpStatistic.RETRANS_SEGS));
        h.inject(seg(".").seq(peer).ack(ours + 4));
        h.advance(10_000);
        h.expectNothing();
    }

    @Test
    void resetOnCloseWithUnreadData() throws Exception {
        StreamConnection c = established();
        h.inject(seg("P.").seq(peer).ack(ours).data("unread"));
        h.next();
        c.close();
        h.expect("R seq " + u(ours) + " win 0");
        assertEquals("CLOSED", c.state());
    }

    @Test
    void sequenceNumbersWrapAroundTwoToThe32() throws Exception {
        StreamConnection c = established(0xffff_fffdL, 0xffff_fff0L);
        // our data crosses 2^32 (ISN + 1 = 2^32 - 2)
        TcpHarness.write(c, "0123456789");
        h.expect("P. seq 4294967294 ack 4294967281 win 65535 len 10");
        h.inject(seg(".").seq(peer).ack(ours + 10));
        assertEquals(0, c.unacknowledged());
        // theirs: out of order across the wrap, then the gap
        h.inject(seg("P.").seq(peer + 20).ack(ours + 10).data("klmnopqrst"));
        h.expect(". seq 8 ack 4294967281 win 65535");
        h.inject(seg("P.").seq(peer).ack(ours + 10).data("abcdefghijklmnopqrst".substring(0, 20)));
        h.expect(". seq 8 ack 15 win 65535");
        assertEquals("abcdefghijklmnopqrstklmnopqrst", TcpHarness.read(c));
        c.close();
        h.expect("F. seq 8 ack 15 win 65535");
        h.inject(seg("F.").seq(peer + 30).ack(ours + 11));
        h.expect(". seq 9 ack 16 win 65535");
        assertEquals("TIME_WAIT", c.state());
    }
}
