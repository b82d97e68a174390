package dev.strata.tcp.cc.cubic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.api.tcp.CongestionState;
import org.junit.jupiter.api.Test;

class CubicCongestionControlTest {

    private static final int MSS = 1460;
    private static final long MS = 1_000_000L;

    private final CubicCongestionControl cubic = new CubicCongestionControl();
    private final CongestionState state = new CongestionState();
    private long now = 1_000_000_000L;
    private long rtt = 100 * MS;

    private void start(long cwndSegments, long ssthreshBytes) {
        state.mss = MSS;
        state.cwnd = cwndSegments * MSS;
        state.ssthresh = ssthreshBytes;
        state.smoothedRttNanos = rtt;
        state.minRttNanos = rtt;
        cubic.init(state, now);
    }

    private void setRtt(long nanos) {
        rtt = nanos;
        state.smoothedRttNanos = nanos;
        state.minRttNanos = nanos;
    }

    /** One round trip: the whole window is acknowledged, one ACK per full segment, spread over the RTT. */
    private void oneRoundTrip() {
        long segments = state.cwnd / MSS;
        state.bytesInFlight = state.cwnd;
        for (long i = 0; i < segments; i++) {
            cubic.onAck(state, MSS, rtt, now + i * rtt / segments);
        }
        now += rtt;
    }

    /** A loss at the current window, one RTT of recovery, and the deflation TCP asks for. */
    private void lossAndRecovery() {
        state.bytesInFlight = state.cwnd;
        cubic.onCongestionEvent(state, now);
        now += rtt;
        cubic.onRecoveryEnd(state, now);
    }

    private static double segments(double bytes) {
        return bytes / MSS;
    }

    @Test
    void isNamedCubic() {
        assertEquals("cubic", cubic.name());
        assertEquals("cubic", new CubicFactory().create().name());
    }

    @Test
    void alphaIsThreeTimesOneMinusBetaOverOnePlusBeta() {
        assertEquals(0.3 * 3 / 1.7, CubicCongestionControl.ALPHA_CUBIC, 1e-12);
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
        cubic.onAck(state, 8L * MSS, rtt, now);
        assertEquals(12L * MSS, state.cwnd);
    }

    @Test
    void congestionEventTakesSeventyPercentAndRemembersWmax() {
        start(100, Long.MAX_VALUE);
        state.bytesInFlight = 100L * MSS;
        cubic.onCongestionEvent(state, now);
        assertEquals(70L * MSS, state.ssthresh);
        assertEquals(70L * MSS, state.cwnd);
        assertEquals(100.0 * MSS, cubic.wMax(), 1e-9);
        assertFalse(state.inSlowStart());
        cubic.onRecoveryEnd(state, now);
        assertEquals(70L * MSS, state.cwnd);
    }

    @Test
    void congestionEventNeverGoesBelowTwoSegments() {
        start(2, Long.MAX_VALUE);
        state.bytesInFlight = 2L * MSS;
        cubic.onCongestionEvent(state, now);
        assertEquals(2L * MSS, state.ssthresh);
        assertEquals(2L * MSS, state.cwnd);
    }

    @Test
    void kIsTheTimeFromSeventyPercentBackToWmax() {
        start(100, Long.MAX_VALUE);
        lossAndRecovery();
        oneRoundTrip(); // the first ACK starts the epoch
        // K = cbrt(W_max (1 - beta) / C) = cbrt(100 * 0.3 / 0.4) = cbrt(75)
        assertEquals(4.2172, cubic.k(), 1e-4);
    }

    @Test
    void windowIsBackAtWmaxAfterKSeconds() {
        start(100, Long.MAX_VALUE);
        lossAndRecovery();
        long epochStart = now;
        while (now - epochStart < (long) (4.2172 * 1e9)) {
            oneRoundTrip();
        }
        // 43 round trips of 100 ms: W_cubic(K) = W_max
        assertEquals(100.0, segments(state.cwnd), 0.5, "cwnd at t = K: " + segments(state.cwnd));
    }

    @Test
    void followsTheCubicCurveAfterALoss() {
        start(100, Long.MAX_VALUE);
        lossAndRecovery();
        long epochStart = now;
        double k = Math.cbrt(75);
        for (int round = 0; round < 55; round++) { // 5.5 s, before W_est overtakes (RFC 9438 4.3)
            oneRoundTrip();
            double t = (now - epochStart) / 1e9;
            double expected = 0.4 * Math.pow(t - k, 3) + 100;
            // the window reaches W_cubic(t + RTT) over the RTT that ends at t: within 1 %
            assertEquals(expected, segments(state.cwnd), expected * 0.01,
                    "t=" + t + " cwnd=" + segments(state.cwnd));
        }
    }

    @Test
    void growthIsConcaveBelowWmaxAndConvexAbove() {
        start(100, Long.MAX_VALUE);
        lossAndRecovery();
        long epochStart = now;
        double k = Math.cbrt(75);
        double[] at = new double[5]; // cwnd at 0, K/2, K, 3K/2, 2K
        int next = 0;
        while (next < at.length) {
            if (now - epochStart >= (long) (next * k / 2 * 1e9)) {
                at[next++] = segments(state.cwnd);
            }
            oneRoundTrip();
        }
        double firstHalf = at[1] - at[0];
        double secondHalf = at[2] - at[1];
        double thirdHalf = at[3] - at[2];
        double fourthHalf = at[4] - at[3];
        assertTrue(at[2] < 101 && at[1] < 100, "below W_max up to K");
        assertTrue(firstHalf > 3 * secondHalf, "concave: " + firstHalf + " then " + secondHalf);
        assertTrue(fourthHalf > 3 * thirdHalf, "convex: " + thirdHalf + " then " + fourthHalf);
        assertTrue(at[4] > 120, "probing beyond W_max: " + at[4]);
    }

    @Test
    void epochStartsAtTheFirstAckAfterRecovery() {
        start(100, Long.MAX_VALUE);
        state.bytesInFlight = state.cwnd;
        cubic.onCongestionEvent(state, now);
        now += 5_000 * MS; // a recovery longer than K
        cubic.onRecoveryEnd(state, now);
        assertFalse(cubic.epochStarted());
        oneRoundTrip();
        // t counts from the end of recovery: still near cwnd_epoch, not at W_max
        assertTrue(segments(state.cwnd) < 73, "cwnd " + segments(state.cwnd));
    }

    @Test
    void fastConvergenceLowersWmaxWhenLossComesBelowIt() {
        start(100, Long.MAX_VALUE);
        lossAndRecovery();
        for (int round = 0; round < 20; round++) { // 2 s: concave, below W_max
            oneRoundTrip();
        }
        long cwnd = state.cwnd;
        assertTrue(cwnd < 100L * MSS);
        lossAndRecovery();
        assertEquals(cwnd * 0.85, cubic.wMax(), 1.0); // RFC 9438 4.7: cwnd (1 + beta) / 2
        assertEquals((long) (cwnd * 0.7), state.ssthresh);
    }

    @Test
    void lossAboveWmaxSetsWmaxToTheWindow() {
        start(100, Long.MAX_VALUE);
        lossAndRecovery();
        for (int round = 0; round < 60; round++) { // 6 s: past K, above W_max
            oneRoundTrip();
        }
        long cwnd = state.cwnd;
        assertTrue(cwnd > 100L * MSS);
        lossAndRecovery();
        assertEquals(cwnd, cubic.wMax(), 1e-9);
    }

    @Test
    void renoFriendlyRegionDominatesAtSmallRttAndSmallWmax() {
        setRtt(1 * MS);
        start(10, Long.MAX_VALUE);
        lossAndRecovery(); // W_max = 10 segments, cwnd = 7, K = cbrt(7.5) = 1.96 s
        long epochStart = now;
        for (int round = 0; round < 100; round++) {
            oneRoundTrip();
        }
        double t = (now - epochStart) / 1e9;
        double wCubic = 0.4 * Math.pow(t - Math.cbrt(7.5), 3) + 10; // about 7.4 segments
        double cwnd = segments(state.cwnd);
        assertTrue(cwnd > 5 * wCubic, "cwnd " + cwnd + " W_cubic " + wCubic);
        // W_est: 7 -> 10 at alpha_cubic = 0.53 per RTT (about 6 RTTs), then 1 per RTT (RFC 9438 4.3)
        assertEquals(104, cwnd, 3);
        assertEquals(cubic.wEst(), state.cwnd, 1.0);
    }

    @Test
    void growthPerRoundTripNeverExceedsOneAndAHalf() {
        setRtt(2_000 * MS); // a long RTT: W_cubic(t + RTT) runs far ahead of cwnd
        start(10, 10L * MSS);
        double largest = 0;
        for (int round = 0; round < 15; round++) {
            long before = state.cwnd;
            oneRoundTrip();
            double ratio = (double) state.cwnd / before;
            assertTrue(ratio <= 1.5 + 1e-9, "round " + round + " grew " + ratio);
            largest = Math.max(largest, ratio);
        }
        assertTrue(largest > 1.45, "the cap was exercised: " + largest);
    }

    @Test
    void retransmitTimeoutLeavesOneSegmentAndRestartsTheCurve() {
        start(100, Long.MAX_VALUE);
        lossAndRecovery();
        for (int round = 0; round < 10; round++) {
            oneRoundTrip();
        }
        state.bytesInFlight = 80L * MSS;
        cubic.onRetransmitTimeout(state, now);
        assertEquals(MSS, state.cwnd); // RFC 5681 3.1: the loss window
        // RFC 9438 4.8: ssthresh with beta_cubic (as in 4.6) on FlightSize, not FlightSize / 2
        assertEquals(56L * MSS, state.ssthresh);
        assertEquals(0, cubic.wMax(), 0);
        assertFalse(cubic.epochStarted());
        assertTrue(state.inSlowStart());

        while (state.inSlowStart()) {
            cubic.onAck(state, MSS, rtt, now);
            now += rtt / 10;
        }
        assertEquals(56L * MSS, state.cwnd); // slow start stops at ssthresh
        oneRoundTrip();
        // RFC 9438 4.8: the first congestion avoidance after a timeout has K = 0 and W_max = cwnd_epoch
        assertEquals(0, cubic.k(), 0);
        assertEquals(56.0 * MSS, cubic.wMax(), 1e-9);
        assertTrue(state.cwnd >= 56L * MSS);
    }

    @Test
    void retransmitTimeoutNeverSetsSsthreshBelowTwoSegments() {
        start(4, Long.MAX_VALUE);
        state.bytesInFlight = MSS;
        cubic.onRetransmitTimeout(state, now);
        assertEquals(2L * MSS, state.ssthresh);
        assertEquals(MSS, state.cwnd);
    }

    @Test
    void takeOverFromRenoKeepsTheWindow() {
        // the state as Reno leaves it in congestion avoidance
        state.mss = MSS;
        state.cwnd = 50L * MSS + 321;
        state.ssthresh = 30L * MSS;
        state.smoothedRttNanos = rtt;
        state.bytesInFlight = state.cwnd;
        cubic.init(state, now);
        assertEquals(50L * MSS + 321, state.cwnd);
        assertEquals(30L * MSS, state.ssthresh);
        long previous = state.cwnd;
        for (int round = 0; round < 20; round++) {
            oneRoundTrip();
            assertTrue(state.cwnd >= previous, "no step down in round " + round);
            assertTrue(state.cwnd <= previous * 1.5, "no jump in round " + round);
            previous = state.cwnd;
        }
        assertTrue(state.cwnd > 50L * MSS + 321, "no stall");
        assertEquals(0, cubic.k(), 0); // no W_max known: the curve starts at the window it found
    }

    @Test
    void takeOverInSlowStartStaysInSlowStart() {
        start(16, 64L * MSS);
        assertEquals(16L * MSS, state.cwnd);
        oneRoundTrip();
        assertEquals(32L * MSS, state.cwnd);
    }

    @Test
    void newStateGetsTheInitialWindow() {
        CongestionState fresh = new CongestionState();
        fresh.mss = MSS;
        cubic.init(fresh, now);
        assertEquals(10L * MSS, fresh.cwnd);
    }

    @Test
    void ignoresAcksOfNothing() {
        start(20, 10L * MSS);
        cubic.onAck(state, 0, 0, now);
        cubic.onAck(state, -1, 0, now);
        assertEquals(20L * MSS, state.cwnd);
        assertFalse(cubic.epochStarted());
    }

    @Test
    void sameInputsGiveTheSameWindow() {
        long[] windows = new long[2];
        for (int run = 0; run < 2; run++) {
            CubicCongestionControl cc = new CubicCongestionControl();
            CongestionState s = new CongestionState();
            s.mss = MSS;
            s.cwnd = 10L * MSS;
            s.smoothedRttNanos = 30 * MS;
            cc.init(s, 0);
            long t = 0;
            for (int i = 0; i < 20_000; i++) {
                if (i % 3_000 == 2_999) {
                    s.bytesInFlight = s.cwnd;
                    cc.onCongestionEvent(s, t);
                    cc.onRecoveryEnd(s, t + 30 * MS);
                }
                cc.onAck(s, MSS, 30 * MS, t);
                t += MS / 2;
            }
            windows[run] = s.cwnd;
        }
        assertEquals(windows[0], windows[1]);
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

    /** ACKs in every region, with losses and a timeout now and then so that the window stays bounded. */
    private void churn(int i) {
        if (i % 5_000 == 4_999) {
            state.bytesInFlight = state.cwnd;
            cubic.onCongestionEvent(state, now);
            cubic.onRecoveryEnd(state, now);
        } else if (i % 50_000 == 49_998) {
            state.bytesInFlight = state.cwnd;
            cubic.onRetransmitTimeout(state, now);
        }
        cubic.onAck(state, MSS, rtt, now);
        now += 100_000;
    }
}
