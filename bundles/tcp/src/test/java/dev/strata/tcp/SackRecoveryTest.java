package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamOptions;

/**
 * Packet-level tests of SACK-based loss recovery as a sender (RFC 2018, RFC 6675): the peer
 * (198.18.0.2:40000, SACK-permitted, MSS 1460, no timestamps) SACKs around holes and the test
 * asserts exactly which segments TCP retransmits, in which order, and that no SACKed octet is
 * sent again. Our ISN is 1000000, the peer's 5000; "segment k" is the k-th 1460-byte segment.
 */
class SackRecoveryTest {

    private static final int MSS = 1460;

    private final TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
    private int peer;
    private int ours;

    @AfterEach
    void noLeaks() {
        assertEquals(0, h.pool.outstanding());
    }

    private StreamConnection established() throws Exception {
        h.stack.rackTlp = false; // RFC 6675 alone, segment by segment (with RACK-TLP: RackTlpTest)
        StreamOptions d = StreamOptions.DEFAULTS; // a send buffer that holds 20 segments and more
        h.stack.listen(acceptor, 0, 8080, 16, new StreamOptions(d.receiveBuffer(), 65_536, d.noDelay(), d.keepAlive(),
                d.keepIdleSeconds(), d.keepIntervalSeconds(), d.keepCount(), d.lingerSeconds(), d.ttl(), d.tos(),
                d.reuseAddress(), d.congestionControl()));
        h.inject(seg("S").seq(5000).mss(MSS).sackOk());
        h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460,sackOK>");
        peer = 5001;
        ours = 1_000_001;
        h.inject(seg(".").seq(peer).ack(ours));
        h.expectNothing();
        return acceptor.accepted.get(0);
    }

    /** Sequence number of the start of segment k. */
    private int s(int k) {
        return ours + k * MSS;
    }

    private String data(int k, boolean push) {
        return (push ? "P." : ".") + " seq " + Seq.unsigned(s(k)) + " ack " + peer + " win 65535 len " + MSS;
    }

    /** An ACK of everything below segment {@code ackSegment}, with SACK blocks given as [from, to) segment pairs. */
    private void sack(int ackSegment, int... segmentPairs) {
        TcpHarness.In in = seg(".").seq(peer).ack(s(ackSegment));
        for (int i = 0; i < segmentPairs.length; i += 2) {
            in.options.sackBlocks[i] = s(segmentPairs[i]);
            in.options.sackBlocks[i + 1] = s(segmentPairs[i + 1]);
        }
        in.options.sackBlockCount = segmentPairs.length / 2;
        h.inject(in);
    }

    /**
     * Issue 4's "SACK recovery": segments 0 and 4 of a flight are lost. The peer's SACKs for
     * 1, 2, 3 bring two limited-transmit segments (RFC 3042) and, at the third duplicate, the
     * fast retransmit of segment 0 (RFC 6675 5 step 4.3); once IsLost() holds for segment 4
     * (more than 2 SMSS SACKed above it), NextSeg() rule 1 retransmits it; later room in
     * cwnd - pipe goes to new data (rule 2), never to SACKed or already retransmitted octets.
     */
    @Test
    void sackRecoveryRetransmitsExactlyTheHolesInOrder() throws Exception {
        StreamConnection c = established();
        Tcb tcb = ((TcpConnection) c).tcb;
        assertTrue(tcb.sackPermitted);
        TcpHarness.write(c, "x".repeat(20 * MSS));
        for (int k = 0; k < 10; k++) {
            h.expect(data(k, false)); // the initial window: ten segments
        }
        h.expectNothing();

        sack(0, 1, 2); // duplicate 1: limited transmit sends segment 10
        h.expect(data(10, false));
        sack(0, 1, 3); // duplicate 2: segment 11
        h.expect(data(11, false));
        h.expectNothing();
        sack(0, 1, 4); // duplicate 3: enter recovery, retransmit segment 0 (RFC 6675 4.3)
        h.expect(data(0, false));
        h.expectNothing();
        assertTrue(tcb.inRecovery);
        assertTrue(tcb.sackRecovery);
        assertEquals(s(12), tcb.recover); // RecoveryPoint = HighData
        assertEquals(s(1), tcb.highRxt);
        // (4.2) ssthresh = cwnd = FlightSize / 2 (12 segments in flight), no inflation
        assertEquals(6 * MSS, tcb.congestion.ssthresh);
        assertEquals(6 * MSS, tcb.congestion.cwnd);
        assertEquals(1, h.counter(TcpStatistic.SACK_RECOVERY));

        // segments 5, 6 arrive: segment 4 is not lost yet (2 SMSS above it), pipe = 1 + 1 + 5 > cwnd
        sack(0, 5, 6, 1, 4);
        sack(0, 5, 7, 1, 4);
        h.expectNothing();
        // segment 7: more than 2 SMSS SACKed above segment 4, IsLost; pipe = 1 (rxt 0) + 4 (8-11) = 5
        sack(0, 5, 8, 1, 4);
        h.expect(data(4, false)); // NextSeg rule 1
        h.expectNothing();
        assertEquals(s(5), tcb.highRxt);
        // segment 8: pipe = 1 + 1 + 3 = 5 of 6: rule 1 has nothing, rule 2 sends new data
        sack(0, 5, 9, 1, 4);
        h.expect(data(12, false));
        h.expectNothing();
        // the retransmitted segment 0 arrives: a cumulative ACK up to the hole at 4 (partial)
        sack(4, 5, 9);
        h.expect(data(13, false));
        h.expectNothing();
        assertTrue(tcb.inRecovery);
        // segments 9 - 11 arrive
        sack(4, 5, 10);
        h.expect(data(14, false));
        sack(4, 5, 12);
        h.expect(data(15, false));
        h.expect(data(16, false));
        h.expectNothing();
        // the retransmitted segment 4 arrives: the ACK covers RecoveryPoint (segment 12), recovery ends
        sack(12);
        assertFalse(tcb.inRecovery);
        assertFalse(tcb.sackRecovery);
        assertEquals(6 * MSS, tcb.congestion.cwnd); // the algorithm's deflation: cwnd = ssthresh
        h.expect(data(17, false)); // 5 segments in flight, cwnd 6
        h.expectNothing();
        // exactly two retransmissions: segments 0 and 4; no SACKed octet was sent again
        assertEquals(2, h.counter(TcpStatistic.RETRANS_SEGS));
        assertEquals(1, h.counter(TcpStatistic.FAST_RETRANSMITS));
        assertEquals(0, h.counter(TcpStatistic.RENO_RECOVERY));
        h.ip.sent.clear();
    }

    @Test
    void invalidSackBlocksAreIgnoredAndCounted() throws Exception {
        StreamConnection c = established();
        Tcb tcb = ((TcpConnection) c).tcb;
        TcpHarness.write(c, "x".repeat(10 * MSS));
        for (int k = 0; k < 10; k++) {
            h.expect(data(k, k == 9));
        }
        sack(0, 11, 12, 3, 2); // beyond SND.MAX; inverted
        h.expectNothing();
        assertEquals(0, tcb.scoreboard.count);
        assertEquals(0, tcb.duplicateAcks); // no new SACK information: not a duplicate (RFC 6675 2)
        assertEquals(2, h.counter(TcpStatistic.SACK_DISCARD));
        sack(2, 0, 1, 4, 5); // a D-SACK (RFC 2883): the first block below the cumulative ACK
        assertEquals(1, h.counter(TcpStatistic.DSACK_RECV));
        assertEquals(1, tcb.scoreboard.count);
        assertEquals(s(4), tcb.scoreboard.start[0]);
        sack(2, 4, 6, 6, 7); // touching blocks merge into one range
        assertEquals(1, tcb.scoreboard.count);
        assertEquals(s(7), tcb.scoreboard.end[0]);
        assertTrue(h.counter(TcpStatistic.SACK_MERGED) >= 2);
        h.ip.sent.clear();
    }

    @Test
    void ackLandingOnSackedDataIsRenegingAndClearsTheScoreboard() throws Exception {
        StreamConnection c = established();
        Tcb tcb = ((TcpConnection) c).tcb;
        TcpHarness.write(c, "x".repeat(10 * MSS));
        for (int k = 0; k < 10; k++) {
            h.expect(data(k, k == 9));
        }
        sack(0, 3, 5);
        assertEquals(1, tcb.scoreboard.count);
        // a receiver holding 3-4 would acknowledge past them once 0-2 arrive; this one did not
        sack(3);
        assertEquals(1, h.counter(TcpStatistic.SACK_RENEGING));
        assertEquals(0, tcb.scoreboard.count);
        h.ip.sent.clear();
    }

    /**
     * RFC 6675 5.1: after a retransmission timeout the scoreboard is kept and the go-back
     * from SND.UNA skips what the peer SACKed.
     */
    @Test
    void goBackAfterTimeoutSkipsSackedSegments() throws Exception {
        StreamConnection c = established();
        Tcb tcb = ((TcpConnection) c).tcb;
        TcpHarness.write(c, "x".repeat(10 * MSS));
        for (int k = 0; k < 10; k++) {
            h.expect(data(k, k == 9));
        }
        sack(0, 2, 3); // segment 2 SACKed: not enough for recovery
        h.expectNothing();
        h.advance(200); // RTO: cwnd = 1 SMSS, go back to segment 0
        h.expect(data(0, false));
        h.expectNothing();
        assertEquals(1, tcb.scoreboard.count); // kept (RFC 6675 5.1)
        // segment 0 arrives; cwnd 2 SMSS: segment 1 goes, then 2 is skipped (it counts in the window)
        sack(1, 2, 3);
        h.expect(data(1, false));
        h.expectNothing();
        // segment 1 arrives, the peer acknowledges through the 2 it held: 3, 4, 5 go
        sack(3);
        h.expect(data(3, false));
        h.expect(data(4, false));
        h.expect(data(5, false));
        h.expectNothing();
        assertEquals(5, h.counter(TcpStatistic.RETRANS_SEGS)); // 0, 1, 3, 4, 5: never 2
        h.ip.sent.clear();
    }
}
