package dev.strata.tcp.cc.reno;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.api.tcp.CongestionState;
import org.junit.jupiter.api.Test;

class RenoCongestionControlTest {

    private static final int MSS = 1460;
    private static final long RTT = 50_000_000L; // 50 ms of simulated time

    private final RenoCongestionControl reno = new RenoCongestionControl();
    private final CongestionState state = new CongestionState();
    private long now = 1_000_000_000L;

    private void start(long cwndSegments, long ssthreshBytes) {
        state.mss = MSS;
        state.cwnd = cwndSegments * MSS;
        state.ssthresh = ssthreshBytes;
        state.smoothedRttNanos = RTT;
        reno.init(state, now);
    }

    /** One round trip: the whole window is acknowledged, one ACK per full segment. */
    private void oneRoundTrip() {
        long segments = state.cwnd / MSS;
        state.bytesInFlight = state.cwnd;
        for (long i = 0; i < segments; i++) {
            reno.onAck(state, MSS, RTT, now + i * RTT / segments);
        }
        now += RTT;
    }

    @Test
    void isNamedReno() {
        assertEquals("reno", reno.name());
        assertEquals("reno", new RenoFactory().create().name());
    }

    @Test
    void slowStartDoublesTheWindowEachRoundTrip() {
        start(10, Long.MAX_VALUE);
        for (int round = 0; round < 6; round++) {
            long before = state.cwnd;
            oneRoundTrip();
            assertEquals(2 * before, state.cwnd, "round " + round);
        }
    }

    @Test
    void slowStartCountsAtMostTwoSegmentsPerAck() {
        start(10, Long.MAX_VALUE);
        reno.onAck(state, 8L * MSS, RTT, now); // a stretch ACK of eight segments
        assertEquals(12L * MSS, state.cwnd);   // RFC 3465: L = 2 * SMSS
        reno.onAck(state, 100, RTT, now);      // a small ACK counts its bytes
        assertEquals(12L * MSS + 100, state.cwnd);
    }

    @Test
    void slowStartStopsAtSsthresh() {
        start(10, 11L * MSS + 500);
        reno.onAck(state, 2L * MSS, RTT, now);
        assertEquals(11L * MSS + 500, state.cwnd);
        assertTrue(!state.inSlowStart());
    }

    @Test
    void congestionAvoidanceAddsOneSegmentPerRoundTrip() {
        start(20, 10L * MSS);
        for (int round = 0; round < 10; round++) {
            long before = state.cwnd;
            oneRoundTrip();
            assertEquals(before + MSS, state.cwnd, "round " + round);
        }
    }

    @Test
    void congestionAvoidanceCountsBytesNotAcks() {
        start(20, 10L * MSS);
        // 100-byte ACKs: per-ACK growth (RFC 5681 eq. 3) would grow 14.6x faster than the
        // data warrants; byte counting grows one segment per window of bytes.
        long window = state.cwnd;
        for (long acked = 0; acked < window - 100; acked += 100) {
            reno.onAck(state, 100, RTT, now);
        }
        assertEquals(window, state.cwnd);
        reno.onAck(state, 100, RTT, now);
        assertEquals(window + MSS, state.cwnd);
        assertEquals(0, reno.bytesAcked());
    }

    @Test
    void congestionEventHalvesTheFlightSize() {
        start(40, 10L * MSS);
        state.bytesInFlight = 40L * MSS;
        reno.onCongestionEvent(state, now);
        assertEquals(20L * MSS, state.ssthresh);
        // cwnd = ssthresh: the + 3 * SMSS inflation of RFC 5681 3.2 step 3 is TCP's.
        assertEquals(20L * MSS, state.cwnd);
        reno.onRecoveryEnd(state, now);
        assertEquals(20L * MSS, state.cwnd);
        assertTrue(!state.inSlowStart());
    }

    @Test
    void congestionEventUsesFlightSizeNotCwnd() {
        start(40, 10L * MSS);
        state.bytesInFlight = 10L * MSS; // application-limited
        reno.onCongestionEvent(state, now);
        assertEquals(5L * MSS, state.ssthresh);
    }

    @Test
    void congestionEventNeverGoesBelowTwoSegments() {
        start(3, 2L * MSS);
        state.bytesInFlight = 2L * MSS;
        reno.onCongestionEvent(state, now);
        assertEquals(2L * MSS, state.ssthresh);
        assertEquals(2L * MSS, state.cwnd);
    }

    @Test
    void recoveryEndDeflatesAnInflatedWindowToSsthresh() {
        start(40, 10L * MSS);
        state.bytesInFlight = 40L * MSS;
        reno.onCongestionEvent(state, now);
        state.cwnd += 3L * MSS + 7L * MSS; // TCP's inflation during recovery
        reno.onRecoveryEnd(state, now);
        assertEquals(20L * MSS, state.cwnd);
    }

    @Test
    void congestionEventForgetsPartialByteCount() {
        start(20, 10L * MSS);
        reno.onAck(state, 10L * MSS, RTT, now);
        state.bytesInFlight = 20L * MSS;
        reno.onCongestionEvent(state, now);
        assertEquals(0, reno.bytesAcked());
        reno.onRecoveryEnd(state, now);
        oneRoundTrip();
        assertEquals(11L * MSS, state.cwnd);
    }

    @Test
    void retransmitTimeoutLeavesOneSegmentAndHalfTheFlight() {
        start(40, 10L * MSS);
        state.bytesInFlight = 30L * MSS;
        reno.onRetransmitTimeout(state, now);
        assertEquals(MSS, state.cwnd);                  // the loss window, RFC 5681 3.1
        assertEquals(15L * MSS, state.ssthresh);         // RFC 5681 eq. 4
        assertTrue(state.inSlowStart());
        state.bytesInFlight = MSS;
        reno.onRetransmitTimeout(state, now);            // backed-off second timeout
        assertEquals(2L * MSS, state.ssthresh);
    }

    @Test
    void takeOverKeepsTheWindowItFinds() {
        CongestionState cubicState = new CongestionState();
        cubicState.mss = MSS;
        cubicState.cwnd = 57L * MSS + 123;
        cubicState.ssthresh = 40L * MSS;
        reno.init(cubicState, now);
        assertEquals(57L * MSS + 123, cubicState.cwnd);
        assertEquals(40L * MSS, cubicState.ssthresh);
        reno.onAck(cubicState, MSS, RTT, now);
        assertTrue(cubicState.cwnd >= 57L * MSS + 123);
    }

    @Test
    void newStateGetsTheInitialWindow() {
        CongestionState fresh = new CongestionState();
        fresh.mss = MSS;
        reno.init(fresh, now);
        assertEquals(10L * MSS, fresh.cwnd);
    }

    @Test
    void ignoresAcksOfNothing() {
        start(20, 10L * MSS);
        reno.onAck(state, 0, 0, now);
        reno.onAck(state, -5, 0, now);
        assertEquals(20L * MSS, state.cwnd);
        assertEquals(0, reno.bytesAcked());
    }

    @Test
    void allocatesNothingPerAck() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        start(20, 10L * MSS);
        for (int i = 0; i < 100_000; i++) { // warm up the JIT
            churn(i);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            churn(i);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes for 100000 ACKs");
    }

    /** ACKs in both phases, with a loss now and then so that the window stays bounded. */
    private void churn(int i) {
        if (i % 5_000 == 4_999) {
            state.bytesInFlight = state.cwnd;
            reno.onCongestionEvent(state, now);
            reno.onRecoveryEnd(state, now);
        } else if (i % 50_000 == 49_998) {
            state.bytesInFlight = state.cwnd;
            reno.onRetransmitTimeout(state, now);
        }
        reno.onAck(state, MSS, RTT, now);
        now += 10_000;
    }
}
