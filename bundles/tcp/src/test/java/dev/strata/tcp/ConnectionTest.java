package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamOptions;

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

    /**
     * RFC 7661 / RFC 5681 3.1 (Linux tcp_is_cwnd_limited): an application that never fills the
     * window does not grow cwnd with the ACKs of its small writes (over the loopback, cwnd
     * reached hundreds of megabytes that way); once it sends a window's worth, cwnd grows.
     */
    @Test
    void anApplicationLimitedSenderDoesNotGrowItsCongestionWindow() throws Exception {
        StreamConnection c = established();
        long initial = ((TcpConnection) c).tcb.congestion.cwnd;
        int seq = ours;
        for (int i = 0; i < 50; i++) {
            assertEquals(100, TcpHarness.write(c, "r".repeat(100)));
            h.expect("P. seq " + u(seq) + " ack " + u(peer) + " win 65535 len 100");
            seq += 100;
            h.inject(seg(".").seq(peer).ack(seq));
        }
        assertEquals(initial, ((TcpConnection) c).tcb.congestion.cwnd, "50 ACKs of 100-byte writes leave cwnd alone");
        // a write that fills the window: the ACKs of a used window grow cwnd (slow start)
        int window = (int) initial;
        TcpHarness.write(c, "w".repeat(window));
        int sent = 0;
        while (sent < window) {
            TcpHarness.Sent segment = h.next();
            sent += segment.payload().length;
        }
        h.inject(seg(".").seq(peer).ack(seq + window));
        assertTrue(((TcpConnection) c).tcb.congestion.cwnd > initial, "cwnd grows once the window was used");
    }

    @Test
    void segmentsToTheMssAndStopsAtThePeersWindow() throws Exception {
        StreamConnection c = established();
        h.inject(seg(".").seq(peer).ack(ours).win(2000)); // the peer shrinks its offer before data flows
        TcpHarness.write(c, "x".repeat(3000));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1460");
        // the 540 bytes left in the window are a runt (less than an MSS and than half the
        // largest window offered): silly-window avoidance holds them (RFC 9293 3.8.6.2.1)
        h.expectNothing();
        h.inject(seg(".").seq(peer).ack(ours + 1460).win(2000));
        h.expect(". seq " + u(ours + 1460) + " ack " + u(peer) + " win 65535 len 1460"); // window-limited: no PSH
        h.expectNothing(); // the last 80 bytes: Nagle, data in flight
        h.inject(seg(".").seq(peer).ack(ours + 2920).win(2000));
        h.expect("P. seq " + u(ours + 2920) + " ack " + u(peer) + " win 65535 len 80");
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

    // ---- fast retransmit and NewReno recovery (RFC 5681 3.2, RFC 6582) --------------------------------

    /** Writes ten full segments (the initial window of 14600 bytes) and expects them on the wire. */
    private Tcb tenSegmentsInFlight(StreamConnection c) throws Exception {
        TcpHarness.write(c, "x".repeat(14_600));
        for (int i = 0; i < 10; i++) {
            h.expect((i == 9 ? "P." : ".") + " seq " + u(ours + i * 1460) + " ack " + u(peer) + " win 65535 len 1460");
        }
        return ((TcpConnection) c).tcb;
    }

    private static StreamOptions noDelay() {
        StreamOptions d = StreamOptions.DEFAULTS;
        return new StreamOptions(d.receiveBuffer(), d.sendBuffer(), true, d.keepAlive(), d.keepIdleSeconds(),
                d.keepIntervalSeconds(), d.keepCount(), d.lingerSeconds(), d.ttl(), d.tos(), d.reuseAddress(),
                d.congestionControl());
    }

    private void duplicateAcks(int count) {
        for (int i = 0; i < count; i++) {
            h.inject(seg(".").seq(peer).ack(ours));
        }
    }

    @Test
    void fastRetransmitOnTheThirdDuplicateAck() throws Exception {
        StreamConnection c = established();
        Tcb tcb = tenSegmentsInFlight(c);
        duplicateAcks(2);
        h.expectNothing();
        duplicateAcks(1);
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1460");
        h.expectNothing();
        assertTrue(tcb.inRecovery);
        assertEquals(ours + 14_600, tcb.recover); // RFC 6582: recover = SND.MAX
        // RFC 5681 3.2: ssthresh = FlightSize / 2, cwnd = ssthresh + 3 * SMSS
        assertEquals(7300, tcb.congestion.ssthresh);
        assertEquals(7300 + 3 * 1460, tcb.congestion.cwnd);
        assertEquals(1, h.counter(TcpStatistic.FAST_RETRANSMITS));
        assertEquals(1, h.counter(TcpStatistic.RETRANS_SEGS));
        // every further duplicate inflates cwnd by one SMSS, and no second retransmission
        duplicateAcks(2);
        assertEquals(7300 + 5 * 1460, tcb.congestion.cwnd);
        h.expectNothing();
    }

    @Test
    void limitedTransmitThenInflatedWindowSendNewData() throws Exception {
        StreamConnection c = established();
        c.options(noDelay()); // short segments go at once (no Nagle)
        Tcb tcb = tenSegmentsInFlight(c);
        TcpHarness.write(c, "y".repeat(1000));
        h.expectNothing(); // cwnd full
        duplicateAcks(1); // RFC 3042 limited transmit: FlightSize may reach cwnd + 2 * SMSS
        h.expect("P. seq " + u(ours + 14_600) + " ack " + u(peer) + " win 65535 len 1000");
        duplicateAcks(1);
        h.expectNothing();
        duplicateAcks(1);
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1460");
        assertEquals(7800, tcb.congestion.ssthresh); // FlightSize 15600 / 2
        TcpHarness.write(c, "w".repeat(700));
        duplicateAcks(2); // cwnd 7800 + 5 * 1460 = 15100 < 16300 in flight with the new bytes
        h.expectNothing();
        duplicateAcks(1); // 16560: room
        h.expect("P. seq " + u(ours + 15_600) + " ack " + u(peer) + " win 65535 len 700");
        assertEquals(ours + 15_600, tcb.recover);
    }

    @Test
    void ackThatMovesTheWindowOrCarriesDataIsNotADuplicate() throws Exception {
        StreamConnection c = established();
        Tcb tcb = tenSegmentsInFlight(c);
        duplicateAcks(2);
        h.inject(seg(".").seq(peer).ack(ours).win(60_000)); // RFC 5681 2 (e): a window update
        h.inject(seg("P.").seq(peer).ack(ours).win(60_000).data("abc")); // (b): data
        h.expect(". seq " + u(ours + 14_600) + " ack " + u(peer + 3) + " win 65535");
        h.expectNothing();
        assertFalse(tcb.inRecovery);
        assertEquals(0, h.counter(TcpStatistic.FAST_RETRANSMITS));
    }

    @Test
    void partialAckRetransmitsTheNextHoleAndFullAckEndsRecovery() throws Exception {
        StreamConnection c = established();
        Tcb tcb = tenSegmentsInFlight(c);
        // segments 0 and 4 lost: the peer acknowledges segments 1-3 and 5-9 with duplicates
        duplicateAcks(8);
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1460");
        h.expectNothing();
        assertEquals(7300 + 8 * 1460, tcb.congestion.cwnd);
        // the retransmission fills the first hole: a partial ACK up to the second one
        h.inject(seg(".").seq(peer).ack(ours + 4 * 1460));
        h.expect(". seq " + u(ours + 4 * 1460) + " ack " + u(peer) + " win 65535 len 1460");
        h.expectNothing();
        assertTrue(tcb.inRecovery);
        // RFC 6582 3.2 step 4: deflate by the 5840 acknowledged, add back one SMSS
        assertEquals(7300 + 8 * 1460 - 4 * 1460 + 1460, tcb.congestion.cwnd);
        assertEquals(1, h.counter(TcpStatistic.PARTIAL_ACKS));
        // the full ACK (covers recover) ends recovery: cwnd = ssthresh
        h.inject(seg(".").seq(peer).ack(ours + 14_600));
        assertFalse(tcb.inRecovery);
        assertEquals(7300, tcb.congestion.cwnd);
        assertEquals(0, c.unacknowledged());
        h.expectNothing();
    }

    @Test
    void cwndAfterRecoveryIsHalfTheFlight() throws Exception {
        StreamConnection c = established();
        Tcb tcb = tenSegmentsInFlight(c);
        duplicateAcks(3);
        h.next();
        h.inject(seg(".").seq(peer).ack(ours + 14_600));
        assertFalse(tcb.inRecovery);
        // the next flight is ssthresh = 7300 bytes: five segments, then congestion avoidance
        TcpHarness.write(c, "z".repeat(14_600));
        for (int i = 0; i < 5; i++) {
            h.expect(". seq " + u(ours + 14_600 + i * 1460) + " ack " + u(peer) + " win 65535 len 1460");
        }
        h.expectNothing();
        assertFalse(tcb.congestion.inSlowStart());
    }

    @Test
    void retransmissionTimeoutDuringRecoveryEndsIt() throws Exception {
        StreamConnection c = established();
        Tcb tcb = tenSegmentsInFlight(c);
        duplicateAcks(3);
        h.next();
        h.advance(200); // the retransmission is lost too: the RTO, armed when the data went out
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1460");
        h.expectNothing(); // cwnd = 1 SMSS
        assertFalse(tcb.inRecovery);
        assertEquals(1460, tcb.congestion.cwnd);
        assertEquals(ours + 14_600, tcb.recover); // RFC 6582 3.2 step 1
        assertEquals(1, h.counter(TcpStatistic.RECOVERY_TIMEOUTS));
        // duplicates now do not start a fast retransmit: the ACK does not cover recover (and
        // limited transmit sends only new data, not the go-back's)
        duplicateAcks(3);
        h.expectNothing();
        assertEquals(1, h.counter(TcpStatistic.FAST_RETRANSMITS));
        assertFalse(tcb.inRecovery);
    }

    // ---- delayed ACKs (RFC 1122 4.2.3.2, RFC 9293 3.8.6.3) and Nagle (RFC 896, RFC 9293 3.7.4) ----------

    /** The first 16 data segments are acknowledged at once (Linux's quick-ack mode); uses them up. */
    private void useUpQuickAcks(StreamConnection c) throws Exception {
        for (int i = 0; i < TcpConfig.QUICK_ACKS; i++) {
            h.inject(seg("P.").seq(peer).ack(ours).data("q"));
            peer += 1;
            h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535");
        }
        TcpHarness.read(c);
    }

    @Test
    void delayedAckAfterTheQuickAcksComesWithin200Ms() throws Exception {
        StreamConnection c = established();
        useUpQuickAcks(c);
        h.inject(seg("P.").seq(peer).ack(ours).data("later"));
        h.expectNothing();
        h.advance(199);
        h.expectNothing();
        h.advance(1);
        h.expect(". seq " + u(ours) + " ack " + u(peer + 5) + " win 65535");
        h.advance(1000);
        h.expectNothing();
    }

    @Test
    void everySecondFullSizedSegmentIsAcknowledgedAtOnce() throws Exception {
        StreamConnection c = established();
        useUpQuickAcks(c);
        String full = "f".repeat(1460);
        h.inject(seg(".").seq(peer).ack(ours).data(full));
        h.expectNothing();
        h.inject(seg(".").seq(peer + 1460).ack(ours).data(full));
        h.expect(". seq " + u(ours) + " ack " + u(peer + 2920) + " win 65535");
        h.advance(200);
        h.expectNothing(); // the timer went with the ACK
    }

    /**
     * Full-sized is the peer's segment size as measured (Linux tcp_measure_rcv_mss), not our
     * MSS: a sender whose segments never fill our MSS (a loopback at 64 KB MTU) is still
     * acknowledged every second segment, not by the 200 ms timer.
     */
    @Test
    void everySecondSegmentOfThePeersSizeIsAcknowledgedAtOnceEvenBelowOurMss() throws Exception {
        StreamConnection c = established();
        useUpQuickAcks(c);
        String chunk = "s".repeat(1000);
        for (int i = 0; i < 3; i++) {
            h.inject(seg(".").seq(peer).ack(ours).data(chunk));
            h.expectNothing();
            h.inject(seg(".").seq(peer + 1000).ack(ours).data(chunk));
            peer += 2000;
            h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535"); // (a larger buffer than the field)
        }
        assertEquals(1000, ((TcpConnection) c).tcb.rcvMss);
        // a short tail (PSH) does not lower the estimate; two full-looking segments of a new size do
        h.inject(seg("P.").seq(peer).ack(ours).data("t".repeat(100)));
        assertEquals(1000, ((TcpConnection) c).tcb.rcvMss);
        h.inject(seg(".").seq(peer + 100).ack(ours).data("u".repeat(600)));
        assertEquals(1000, ((TcpConnection) c).tcb.rcvMss);
        h.inject(seg(".").seq(peer + 700).ack(ours).data("u".repeat(600)));
        assertEquals(600, ((TcpConnection) c).tcb.rcvMss);
        h.expect(". seq " + u(ours) + " ack " + u(peer + 1300) + " win 65535"); // 1300 > 600
    }

    /**
     * Inside a link's receive batch (dev.strata.api.link.ReceiveBatch, as Linux's NAPI poll
     * with GRO) the in-order segments are acknowledged once, at the batch's end, and the
     * application hears READABLE once; out-of-order data is still acknowledged at once.
     */
    @Test
    void aReceiveBatchIsAcknowledgedOnceAtItsEndAndWakesTheReaderOnce() throws Exception {
        StreamConnection c = established();
        useUpQuickAcks(c);
        acceptor.endpoint.events.clear();
        String full = "f".repeat(1460);
        dev.strata.api.link.ReceiveBatch batch = dev.strata.api.link.ReceiveBatch.current();
        batch.begin();
        try {
            for (int i = 0; i < 10; i++) {
                h.inject(seg(".").seq(peer).ack(ours).data(full));
                peer += 1460;
            }
            h.expectNothing();
            assertEquals(List.of(), acceptor.endpoint.events);
            h.inject(seg(".").seq(peer + 1460).ack(ours).data(full)); // a hole: acknowledged now
            h.expect(". seq " + u(ours) + " ack " + u(peer) + " win " + (65535 - 0));
        } finally {
            batch.end();
        }
        h.expectNothing(); // the out-of-order segment's ACK covered the batch
        assertEquals(List.of("readable"), acceptor.endpoint.events);
        assertEquals(14_600, c.readable());
        acceptor.endpoint.events.clear();
        h.inject(seg(".").seq(peer).ack(ours).data(full)); // fills the hole: at once
        h.expect(". seq " + u(ours) + " ack " + u(peer + 2920) + " win " + (65535 - 0));
        TcpHarness.read(c);
        ((TcpConnection) c).tcb.quickAcks = 0; // (the hole started quick-ack mode again)
        batch.begin();
        try {
            for (int i = 0; i < 60; i++) { // more than 64 KB: one ACK on the way, as GRO's limit
                h.inject(seg(".").seq(peer + 2920 + 1460 * i).ack(ours).data(full));
            }
            // (the 128 KB receive buffer holds the unread data: 131072 - 45 x 1460 free)
            h.expect(". seq " + u(ours) + " ack " + u(peer + 2920 + 1460 * 45) + " win 65372");
            h.expectNothing();
        } finally {
            batch.end();
        }
        h.expect(". seq " + u(ours) + " ack " + u(peer + 2920 + 1460 * 60) + " win 43472");
        h.expectNothing();
        h.advance(1000);
        h.expectNothing(); // the delayed-ACK backstop went with the batch's ACK
    }

    /**
     * A merged segment from a TAP with offloads (Linux GSO): its checksum is the local kernel's
     * to vouch for (CHECKSUM_PARTIAL: the field holds only part of the sum), and the delayed-ACK
     * rule counts in the segments it was made of (tcp_measure_rcv_mss: gso_size).
     */
    @Test
    void aMergedSegmentFromTheLinkIsTakenWithoutItsChecksumAndCountsByItsSegmentSize() throws Exception {
        StreamConnection c = established();
        useUpQuickAcks(c);
        String big = "g".repeat(14_600);
        long segmentsBefore = h.counter(TcpStatistic.IN_SEGS);
        h.inject(seg(".").seq(peer).ack(ours).data(big).corrupt().offloaded(1460));
        assertEquals(10, h.counter(TcpStatistic.IN_SEGS) - segmentsBefore, "InSegs counts the ten segments merged");
        h.expect(". seq " + u(ours) + " ack " + u(peer + 14_600) + " win 65535"); // 14600 > 1460: at once
        assertEquals(1460, ((TcpConnection) c).tcb.rcvMss);
        assertEquals(0, h.counter(TcpStatistic.IN_CSUM_ERRORS));
        assertEquals(big, TcpHarness.read(c));
        h.inject(seg(".").seq(peer + 14_600).ack(ours).data("x").corrupt()); // not vouched for: dropped
        assertEquals(1, h.counter(TcpStatistic.IN_CSUM_ERRORS));
    }

    /**
     * Towards a link that segments and checksums for us (a TAP with offloads: TSO), a write
     * leaves in datagrams of whole MSS up to the link's 64 KB, each marked with its segment
     * size and its checksum left to the link (Linux tcp_xmit_size_goal, CHECKSUM_PARTIAL);
     * the tail that is not a whole MSS goes last, Nagle's rule unchanged.
     */
    @Test
    void towardsALinkWithSegmentationOffloadAWriteLeavesInDatagramsOfWholeSegments() throws Exception {
        h.ip.gsoMaxSize = 65535;
        StreamConnection c = established();
        h.ip.gsoSizes.clear();
        h.inject(seg(".").seq(peer).ack(ours).win(65535)); // nothing new: the peer's window stays 65535
        assertEquals(16_384, TcpHarness.write(c, "z".repeat(100_000))); // the initial send buffer's worth
        // cwnd: 10 segments of 1460 (RFC 6928) in one datagram
        TcpHarness.Sent first = h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 14600");
        assertEquals(14_600, first.text().length());
        h.expectNothing();
        assertEquals(List.of(1460), h.ip.gsoSizes);
        assertEquals(10, h.counter(TcpStatistic.OUT_SEGS) - 1, "counted as the segments it becomes (the SYN-ACK before)");
        h.inject(seg(".").seq(peer).ack(ours + 14_600).win(65535));
        // the rest of the buffer, the last (PSH): the link cuts it into 1460 and 324
        h.expect("P. seq " + u(ours + 14_600) + " ack " + u(peer) + " win 65535 len 1784");
        h.expectNothing();
        assertEquals(1460, h.ip.gsoSizes.get(h.ip.gsoSizes.size() - 1));
        assertEquals(12, h.counter(TcpStatistic.OUT_SEGS) - 1);
        assertEquals(h.ip.sentCount, h.ip.partialChecksums, "every segment leaves its checksum to the link");
    }

    @Test
    void outOfOrderDataAndTheSegmentFillingTheHoleAreAcknowledgedAtOnce() throws Exception {
        StreamConnection c = established();
        useUpQuickAcks(c);
        h.inject(seg("P.").seq(peer + 5).ack(ours).data("world"));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535");
        h.inject(seg("P.").seq(peer).ack(ours).data("hello"));
        h.expect(". seq " + u(ours) + " ack " + u(peer + 10) + " win 65535");
        assertEquals("helloworld", TcpHarness.read(c));
    }

    @Test
    void delayedAckRidesOnOutgoingData() throws Exception {
        StreamConnection c = established();
        useUpQuickAcks(c);
        h.inject(seg("P.").seq(peer).ack(ours).data("ping"));
        h.expectNothing();
        TcpHarness.write(c, "pong");
        h.expect("P. seq " + u(ours) + " ack " + u(peer + 4) + " win 65535 len 4");
        h.inject(seg(".").seq(peer + 4).ack(ours + 4));
        h.advance(200);
        h.expectNothing();
    }

    @Test
    void nagleHoldsSmallSegmentsWhileDataIsUnacknowledged() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "a");
        h.expect("P. seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1");
        TcpHarness.write(c, "b");
        TcpHarness.write(c, "c");
        h.expectNothing();
        h.inject(seg(".").seq(peer).ack(ours + 1));
        TcpHarness.Sent s = h.expect("P. seq " + u(ours + 1) + " ack " + u(peer) + " win 65535 len 2");
        assertEquals("bc", s.text());
    }

    @Test
    void nagleLetsFullSegmentsGoAndHoldsTheTail() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "a");
        h.next();
        TcpHarness.write(c, "x".repeat(1461));
        h.expect(". seq " + u(ours + 1) + " ack " + u(peer) + " win 65535 len 1460");
        h.expectNothing(); // one byte waits for an ACK
        h.inject(seg(".").seq(peer).ack(ours + 1461));
        h.expect("P. seq " + u(ours + 1461) + " ack " + u(peer) + " win 65535 len 1");
    }

    @Test
    void noDelaySendsSmallSegmentsAtOnceAndReleasesWhatNagleHeld() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "a");
        h.next();
        TcpHarness.write(c, "b");
        h.expectNothing();
        c.options(noDelay()); // TCP_NODELAY: what waits goes now (as Linux)
        h.expect("P. seq " + u(ours + 1) + " ack " + u(peer) + " win 65535 len 1");
        TcpHarness.write(c, "c");
        h.expect("P. seq " + u(ours + 2) + " ack " + u(peer) + " win 65535 len 1");
    }

    // ---- zero-window probing and the persist timer (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17) ---------------

    @Test
    void zeroWindowIsProbedWithBackoffUntilThePeerOpensIt() throws Exception {
        StreamConnection c = established();
        h.inject(seg(".").seq(peer).ack(ours).win(0)); // the peer's buffer is full
        TcpHarness.write(c, "data");
        h.expectNothing();
        h.advance(199);
        h.expectNothing();
        h.advance(1); // one RTO: the first probe, one octet of new data
        TcpHarness.Sent probe = h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1");
        assertEquals("d", probe.text());
        h.inject(seg(".").seq(peer).ack(ours).win(0)); // still shut: not a duplicate ACK
        h.advance(399);
        h.expectNothing();
        h.advance(1); // backoff: 400 ms
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1");
        h.inject(seg(".").seq(peer).ack(ours).win(0));
        h.advance(800);
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1");
        assertEquals("ESTABLISHED", c.state()); // the peer answers: never given up
        // the peer opens its window and takes the probe octet: the rest follows at once
        h.inject(seg(".").seq(peer).ack(ours + 1).win(1000));
        h.expect("P. seq " + u(ours + 1) + " ack " + u(peer) + " win 65535 len 3");
        h.inject(seg(".").seq(peer).ack(ours + 4).win(1000));
        h.advance(60_000);
        h.expectNothing();
        assertEquals(0, h.counter(TcpStatistic.FAST_RETRANSMITS));
    }

    @Test
    void windowOpeningWithoutTakingTheProbeSendsFromTheProbe() throws Exception {
        StreamConnection c = established();
        h.inject(seg(".").seq(peer).ack(ours).win(0));
        TcpHarness.write(c, "data");
        h.advance(200);
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1");
        // the window opens, the probe octet was not taken: it is in flight, so Nagle holds the
        // short rest; the RTO now covers the probe and sends all from SND.UNA
        h.inject(seg(".").seq(peer).ack(ours).win(1000));
        h.expectNothing();
        h.advance(200);
        h.expect("P. seq " + u(ours) + " ack " + u(peer) + " win 65535 len 4");
        h.inject(seg(".").seq(peer).ack(ours + 4).win(1000));
        assertEquals(0, c.unacknowledged());
    }

    @Test
    void windowShutWhileDataIsInFlightHandsTheRtoToThePersistTimer() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "abcd");
        h.next();
        h.inject(seg(".").seq(peer).ack(ours + 2).win(0)); // half taken, then the window shuts
        h.advance(200); // the RTO: nothing may go into a zero window, the persist timer takes over
        h.expectNothing();
        h.advance(399); // one (backed-off) RTO later, the first probe
        h.expectNothing();
        h.advance(1);
        h.expect(". seq " + u(ours + 2) + " ack " + u(peer) + " win 65535 len 1");
        h.inject(seg(".").seq(peer).ack(ours + 3).win(100));
        h.expect("P. seq " + u(ours + 3) + " ack " + u(peer) + " win 65535 len 1");
    }

    // ---- keep-alive (RFC 1122 4.2.3.6) ---------------------------------------------------------------------

    /** SO_KEEPALIVE with TCP_KEEPIDLE 10 s, TCP_KEEPINTVL 2 s, TCP_KEEPCNT 3. */
    private static StreamOptions keepAlive() {
        StreamOptions d = StreamOptions.DEFAULTS;
        return new StreamOptions(d.receiveBuffer(), d.sendBuffer(), d.noDelay(), true, 10, 2, 3, d.lingerSeconds(),
                d.ttl(), d.tos(), d.reuseAddress(), d.congestionControl());
    }

    @Test
    void keepAliveProbesAnIdleConnectionAndAnAnswerRestartsTheIdleTime() throws Exception {
        StreamConnection c = established();
        c.options(keepAlive());
        h.advance(9_999);
        h.expectNothing();
        h.advance(1);
        h.expect(". seq " + u(ours - 1) + " ack " + u(peer) + " win 65535"); // SEG.SEQ = SND.NXT - 1
        h.inject(seg(".").seq(peer).ack(ours)); // the peer is alive
        h.advance(9_999);
        h.expectNothing();
        h.advance(1);
        h.expect(". seq " + u(ours - 1) + " ack " + u(peer) + " win 65535");
        assertEquals(2, h.counter(TcpStatistic.KEEPALIVE_PROBES));
        assertEquals("ESTABLISHED", c.state());
    }

    @Test
    void keepAliveResetsWithEtimedoutAfterTheCountOfUnansweredProbes() throws Exception {
        StreamConnection c = established();
        c.options(keepAlive());
        h.advance(10_000);
        h.expect(". seq " + u(ours - 1) + " ack " + u(peer) + " win 65535");
        h.advance(1_999);
        h.expectNothing();
        h.advance(1);
        h.expect(". seq " + u(ours - 1) + " ack " + u(peer) + " win 65535");
        h.advance(2_000);
        h.expect(". seq " + u(ours - 1) + " ack " + u(peer) + " win 65535");
        h.advance(2_000); // the third went unanswered too
        h.expect("R seq " + u(ours) + " win 0");
        assertEquals("CLOSED", c.state());
        assertEquals(SocketError.ETIMEDOUT, acceptor.endpoint.error);
        assertEquals(1, h.counter(TcpStatistic.KEEPALIVE_TIMEOUTS));
        assertThrows(NetSocketException.class, () -> TcpHarness.write(c, "x"));
    }

    @Test
    void keepAliveIsOffByDefaultAndCountsIdleTimeFromTheLastSegment() throws Exception {
        StreamConnection c = established();
        h.advance(7_300_000); // Linux's default idle is 2 h, and SO_KEEPALIVE is off
        h.expectNothing();
        c.options(keepAlive());
        TcpHarness.write(c, "data");
        h.next();
        h.inject(seg(".").seq(peer).ack(ours + 4));
        h.advance(10_000);
        h.expect(". seq " + u(ours + 3) + " ack " + u(peer) + " win 65535");
    }

    @Test
    void closeInCloseWaitSendsTheQueuedDataThenTheFinAsTheWindowOpens() throws Exception {
        StreamConnection c = established();
        h.inject(seg(".").seq(peer).ack(ours).win(1000));
        TcpHarness.write(c, "x".repeat(3000));
        h.expectNothing(); // silly-window avoidance: a 1000-byte runt waits for the override timer
        h.advance(200);
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1000");
        h.inject(seg("F.").seq(peer).ack(ours).win(1000));
        h.expect(". seq " + u(ours + 1000) + " ack " + u(peer + 1) + " win 65535");
        c.close(); // CLOSE-WAIT -> LAST-ACK with 2000 bytes still queued
        assertEquals("LAST_ACK", c.state());
        h.expectNothing();
        h.inject(seg(".").seq(peer + 1).ack(ours + 1000).win(1000));
        h.expectNothing();
        h.advance(200);
        h.expect(". seq " + u(ours + 1000) + " ack " + u(peer + 1) + " win 65535 len 1000");
        h.inject(seg(".").seq(peer + 1).ack(ours + 2000).win(1000));
        h.expect("FP. seq " + u(ours + 2000) + " ack " + u(peer + 1) + " win 65535 len 1000");
        h.inject(seg(".").seq(peer + 1).ack(ours + 3001).win(1000));
        assertEquals("CLOSED", c.state());
    }

    @Test
    void finAfterAHoleTakesEffectWhenTheHoleFills() throws Exception {
        StreamConnection c = established();
        h.inject(seg("FP.").seq(peer + 5).ack(ours).data("world"));
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535");
        assertEquals("ESTABLISHED", c.state());
        h.inject(seg("P.").seq(peer).ack(ours).data("hello"));
        h.expect(". seq " + u(ours) + " ack " + u(peer + 11) + " win 65535"); // the data and the FIN
        assertEquals("CLOSE_WAIT", c.state());
        assertEquals("helloworld", TcpHarness.read(c));
        assertNull(TcpHarness.read(c));
    }

    @Test
    void zeroWindowProbingGivesUpWhenThePeerNeverAnswers() throws Exception {
        StreamConnection c = established();
        h.inject(seg(".").seq(peer).ack(ours).win(0));
        TcpHarness.write(c, "data");
        int probes = 0;
        for (int i = 0; i < 100 && !c.state().equals("CLOSED"); i++) {
            h.advance(60_000);
            while (!h.ip.sent.isEmpty()) {
                TcpHarness.Sent s = h.next();
                if ((s.flags() & TcpHeader.RST) == 0) {
                    assertEquals(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1", s.line());
                    probes++;
                }
            }
        }
        assertEquals("CLOSED", c.state());
        assertEquals(15, probes); // tcp_retries2
        assertEquals(SocketError.ETIMEDOUT, acceptor.endpoint.error);
    }

    @Test
    void pureAckAfterATimeoutCarriesTheHighestSequenceSent() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(2920));
        h.next();
        h.next();
        h.advance(200); // RTO: SND.NXT goes back to SND.UNA, one segment is resent (cwnd 1 SMSS)
        h.expect(". seq " + u(ours) + " ack " + u(peer) + " win 65535 len 1460");
        // the peer got both segments the first time; its RCV.NXT is ours + 2920, so our ACK must
        // not carry SEQ = SND.NXT = ours + 1460 (below its window: never processed)
        h.inject(seg("P.").seq(peer).ack(ours).data("hi"));
        h.expect(". seq " + u(ours + 2920) + " ack " + u(peer + 2) + " win 65535");
        h.inject(seg(".").seq(peer + 2).ack(ours + 2920));
        assertEquals(0, c.unacknowledged());
    }
}
