package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamOptions;

/**
 * Packet-level tests of RACK-TLP (RFC 8985) as a sender: the peer (198.18.0.2:40000,
 * SACK-permitted, MSS 1460, no timestamps) answers 10 ms after each flight, so SRTT and min_RTT
 * are 10 ms, the probe timeout 2 * SRTT = 20 ms and RACK's reordering window min_RTT / 4 =
 * 2.5 ms, far below the 200 ms minimum RTO. Our ISN is 1000000, the peer's 5000; "segment k"
 * is the k-th 1460-byte segment.
 */
class RackTlpTest {

    private static final int MSS = 1460;

    private final TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
    private int peer;
    private int ours;
    private Tcb tcb;

    @AfterEach
    void noLeaks() {
        h.ip.sent.clear();
        assertEquals(0, h.pool.outstanding());
    }

    /** An established connection whose handshake and first two segments took 10 ms round trips. */
    private StreamConnection established() throws Exception {
        StreamOptions d = StreamOptions.DEFAULTS;
        h.stack.listen(acceptor, 0, 8080, 16, new StreamOptions(d.receiveBuffer(), 65_536, d.noDelay(), d.keepAlive(),
                d.keepIdleSeconds(), d.keepIntervalSeconds(), d.keepCount(), d.lingerSeconds(), d.ttl(), d.tos(),
                d.reuseAddress(), d.congestionControl()));
        h.inject(seg("S").seq(5000).mss(MSS).sackOk());
        h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460,sackOK>");
        peer = 5001;
        ours = 1_000_001;
        h.advance(10);
        h.inject(seg(".").seq(peer).ack(ours));
        h.expectNothing();
        StreamConnection c = acceptor.accepted.get(0);
        tcb = ((TcpConnection) c).tcb;
        assertTrue(tcb.sackPermitted);
        assertEquals(10_000_000L, tcb.rtt.smoothedRttNanos);
        return c;
    }

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

    /** Every segment sent since the last call, as lines. */
    private List<String> drain() {
        List<String> lines = new ArrayList<>();
        while (!h.ip.sent.isEmpty()) {
            lines.add(h.next().line());
        }
        return lines;
    }

    /**
     * RFC 8985 7: the last two segments of a flight are lost, so no ACK would come and RFC 6675
     * would wait for the 200 ms RTO. The probe timer fires after 2 * SRTT = 20 ms and
     * retransmits the last segment (no new data is queued); the peer's SACK for it lets RACK
     * mark the segment before it lost, and it goes at once, 40 ms after the loss, no RTO.
     */
    @Test
    void tailLossIsRepairedByAProbeAfterTwoSrtt() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(4 * MSS));
        h.expect(data(0, false));
        h.expect(data(1, false));
        h.expect(data(2, false));
        h.expect(data(3, true));
        h.expectNothing();
        h.advance(10);
        sack(2); // segments 2 and 3 are lost
        h.expectNothing();
        assertEquals(RetransmitTimer.PROBE, tcb.retransmitTimerKind);
        h.advance(19);
        h.expectNothing();
        h.advance(1); // PTO = 2 * SRTT = 20 ms
        h.expect(data(3, true)); // the probe: the highest segment sent again
        h.expectNothing();
        assertEquals(1, h.counter(TcpStatistic.LOSS_PROBES));
        assertTrue(tcb.tlpRxtOut);
        assertEquals(RetransmitTimer.RTO, tcb.retransmitTimerKind);
        h.advance(10);
        sack(2, 3, 4); // the probe arrived: segment 2, sent before it, is lost (RACK)
        h.expect(data(2, false));
        h.expectNothing();
        assertTrue(tcb.inRecovery);
        h.advance(10);
        sack(4);
        assertFalse(tcb.inRecovery);
        assertEquals(2, h.counter(TcpStatistic.RETRANS_SEGS));
        assertEquals(0, h.counter(TcpStatistic.RECOVERY_TIMEOUTS));
        assertEquals(0, tcb.retransmits); // the RTO never fired
        assertEquals(0, tcb.retransmitDeadline);
    }

    /**
     * On a path faster than 5 ms the probe still waits 10 ms (the TLP draft's floor): a
     * receiver slow to ACK on a sub-millisecond path is not a tail loss.
     */
    @Test
    void theProbeWaitsAtLeastTenMillisecondsOnAFastPath() throws Exception {
        StreamConnection c = established();
        tcb.rtt.smoothedRttNanos = 50_000; // a TAP: 50 us
        TcpHarness.write(c, "x".repeat(2 * MSS));
        h.expect(data(0, false));
        h.expect(data(1, true));
        assertEquals(RetransmitTimer.PROBE, tcb.retransmitTimerKind);
        h.advance(9);
        h.expectNothing();
        h.advance(1);
        h.expect(data(1, true)); // the probe, at 10 ms
        assertEquals(1, h.counter(TcpStatistic.LOSS_PROBES));
    }

    /**
     * RFC 8985 7.3: with data queued that the receive window allows, the probe is one new
     * segment (cwnd does not count), and 7.4: its ACK ends the episode without a cwnd reduction.
     */
    @Test
    void probeSendsNewDataWhenTheWindowAllows() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(12 * MSS));
        for (int k = 0; k < 10; k++) {
            h.expect(data(k, false)); // the initial window: ten segments of twelve
        }
        h.expectNothing();
        h.advance(20); // no ACK at all: the probe after 2 * SRTT
        h.expect(data(10, false));
        h.expectNothing();
        assertEquals(1, h.counter(TcpStatistic.LOSS_PROBES));
        assertFalse(tcb.tlpIsRetrans);
        long cwnd = tcb.congestion.cwnd;
        h.advance(10);
        sack(11);
        assertFalse(tcb.tlpRxtOut);
        assertTrue(tcb.congestion.cwnd >= cwnd);
        assertEquals(0, h.counter(TcpStatistic.LOSS_PROBE_RECOVERY));
        assertEquals(0, h.counter(TcpStatistic.RETRANS_SEGS));
    }

    /** NewReno connections (no SACK) keep RFC 6298's RTO: no probe, as Linux. */
    @Test
    void noProbeWithoutSack() throws Exception {
        StreamOptions d = StreamOptions.DEFAULTS;
        h.stack.listen(acceptor, 0, 8080, 16, d);
        h.inject(seg("S").seq(5000).mss(MSS));
        h.expect("S. seq 1000000 ack 5001 win 65535 <mss 1460>");
        peer = 5001;
        ours = 1_000_001;
        h.advance(10);
        h.inject(seg(".").seq(peer).ack(ours));
        StreamConnection c = acceptor.accepted.get(0);
        tcb = ((TcpConnection) c).tcb;
        TcpHarness.write(c, "x".repeat(2 * MSS));
        h.expect(data(0, false));
        h.expect(data(1, true));
        h.advance(199);
        h.expectNothing();
        h.advance(1);
        h.expect(data(0, false)); // the RTO (200 ms)
        assertEquals(0, h.counter(TcpStatistic.LOSS_PROBES));
    }

    /**
     * RFC 8985 6.2: the fast retransmission of segment 0 is lost too. RFC 6675 never resends
     * below HighRxt, so only the RTO would; RACK sees segments sent after the retransmission
     * delivered (12 - 16) more than RACK.rtt later and marks it lost (TCPLostRetransmit), and
     * it goes again 20 ms after the first retransmission.
     */
    @Test
    void lostRetransmissionIsDetectedAndResentWithoutRto() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(20 * MSS));
        for (int k = 0; k < 10; k++) {
            h.expect(data(k, false));
        }
        h.expectNothing();
        h.advance(10);
        sack(0, 1, 2);
        h.expect(data(10, false)); // limited transmit (RFC 3042)
        sack(0, 1, 3);
        h.expect(data(11, false));
        h.advance(1);
        sack(0, 1, 4); // three segments SACKed: reo_wnd 0, segment 0 lost, recovery
        h.expect(data(0, false));
        h.expectNothing();
        assertTrue(tcb.inRecovery);
        h.advance(10);
        sack(0, 1, 12); // 4 - 11 arrive, sent before the retransmission: nothing more is lost
        List<String> sent = drain();
        assertFalse(sent.contains(data(0, false)), sent.toString());
        assertEquals(5, sent.size(), sent.toString()); // new data: cwnd 6 segments, 1 in flight
        assertEquals(0, h.counter(TcpStatistic.LOST_RETRANSMIT));
        h.advance(10);
        sack(0, 1, 17); // 12 - 16, sent after the retransmission, arrive; segment 0 does not
        assertEquals(data(0, false), h.next().line()); // the lost retransmission, again
        assertEquals(1, h.counter(TcpStatistic.LOST_RETRANSMIT));
        drain();
        h.advance(10);
        sack(17);
        assertEquals(0, h.counter(TcpStatistic.RECOVERY_TIMEOUTS));
        assertEquals(0, tcb.retransmits); // no RTO in 41 ms
        assertEquals(2, h.counter(TcpStatistic.RETRANS_SEGS));
    }

    /**
     * RFC 8985 6.2: segment 0 arrives 1 ms after segment 1, within the reordering window
     * (min_RTT / 4 = 2.5 ms): the reorder timer is armed, then the late cumulative ACK settles
     * it; nothing is retransmitted and the reordering is remembered.
     */
    @Test
    void reorderingWithinTheWindowIsNotRetransmitted() throws Exception {
        StreamConnection c = established();
        TcpHarness.write(c, "x".repeat(12 * MSS));
        for (int k = 0; k < 10; k++) {
            h.expect(data(k, false));
        }
        h.advance(10);
        sack(0, 1, 2);
        h.expect(data(10, false)); // limited transmit
        h.expectNothing();
        assertEquals(RetransmitTimer.REORDER, tcb.retransmitTimerKind);
        assertEquals(h.clock.nanoTime() + 2_500_000L, tcb.retransmitDeadline);
        h.advance(1);
        sack(2); // segment 0, reordered
        assertTrue(tcb.rackReorderingSeen);
        drain();
        h.advance(10);
        drain();
        assertEquals(0, h.counter(TcpStatistic.RETRANS_SEGS));
        assertFalse(tcb.inRecovery);
        assertEquals(0, h.counter(TcpStatistic.SACK_RECOVERY));
    }
}
