package dev.strata.tcp.cc.cubic;

import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.CongestionState;

/**
 * CUBIC congestion control (RFC 9438) for one connection. After a loss the window follows
 * {@code W_cubic(t) = C * (t - K)^3 + W_max} (RFC 9438 4.2): concave up to the window of the
 * last loss, a plateau there, then convex probing beyond it; the Reno-friendly estimate
 * {@code W_est} (4.3) takes over where Reno would be faster (short RTTs, small windows).
 * TCP calls it on the connection's thread; it allocates nothing per call (doubles only) and
 * takes all time from the {@code nowNanos} arguments.
 *
 * <p><b>Split with TCP.</b> Loss detection, fast retransmit and NewReno/SACK recovery are
 * TCP's. On a congestion event this class sets {@code ssthresh = cwnd * beta_cubic} and
 * {@code cwnd = ssthresh} (RFC 9438 4.6); any inflation during recovery is TCP's, and
 * {@link #onRecoveryEnd} deflates to {@code ssthresh}, as Reno does. The CUBIC epoch (the
 * {@code t = 0} of the cubic function) starts at the first ACK after recovery, when
 * congestion avoidance resumes.
 *
 * <p><b>Slow start</b> is RFC 5681's with RFC 3465 byte counting (L = 2 SMSS), which RFC 9438
 * 4.10 allows. HyStart/HyStart++ (RFC 9406) is out of scope: the first slow start ends at
 * the first loss. Should a slow start end without one (ssthresh reached after a timeout, or
 * a take-over), the epoch starts with {@code K = 0} and {@code W_max = cwnd} (RFC 9438 4.8,
 * 4.10).
 *
 * <p>Units: the RFC's formulas are in segments and seconds ({@code C = 0.4} segments/s^3);
 * windows are kept in bytes and converted with SMSS at the cubic function only.
 */
public final class CubicCongestionControl implements CongestionControl {

    /** The name {@code tcp cc} lists. */
    public static final String NAME = "cubic";

    /** RFC 9438 4.1 / 5: the aggressiveness constant, segments per second cubed. */
    static final double C = 0.4;

    /** RFC 9438 4.6: the multiplicative decrease factor. */
    static final double BETA_CUBIC = 0.7;

    /** RFC 9438 4.3: the Reno-friendly additive increase, 3 (1 - beta) / (1 + beta) = 0.529... */
    static final double ALPHA_CUBIC = 3 * (1 - BETA_CUBIC) / (1 + BETA_CUBIC);

    /** RFC 9438 4.2: cwnd grows at most to 1.5 cwnd per RTT in the cubic regions. */
    static final double MAX_GROWTH_PER_RTT = 1.5;

    /** RFC 3465 section 2.3: L, the most slow start grows cwnd per ACK, in SMSS. */
    static final int ABC_LIMIT_SEGMENTS = 2;

    private static final double NANOS_PER_SECOND = 1e9;

    /**
     * RFC 9438 4.1: W_max, the window just before the last reduction (after fast
     * convergence), in bytes; 0 when unknown (a new connection, after a timeout).
     */
    private double wMax;

    /** RFC 9438 4.3: cwnd_prior, the window before the last reduction, in bytes; 0 when none. */
    private double cwndPrior;

    /** RFC 9438 4.2: K, the seconds W_cubic takes from cwnd_epoch back to W_max. */
    private double k;

    /** RFC 9438 4.3: W_est, the window Reno would have in the current epoch, in bytes. */
    private double wEst;

    /** RFC 9438 4.2: t_epoch, when the current congestion avoidance stage began. */
    private long epochStartNanos;

    /** False until the first ACK of a congestion avoidance stage starts the epoch. */
    private boolean epochStarted;

    /**
     * The fraction of a byte of cubic growth not yet added to the integral cwnd: a flow's
     * per-ACK increments near the plateau are well below one byte and must not be lost.
     */
    private double growthCarry;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(CongestionState state, long nowNanos) {
        // A take-over keeps the window it finds (CongestionControl.init): with no W_max yet,
        // the first epoch starts with K = 0 at that window (RFC 9438 4.10), so there is no
        // stall and no jump.
        if (state.cwnd <= 0) {
            state.cwnd = CongestionState.initialWindow(state.mss);
        }
        wMax = 0;
        cwndPrior = 0;
        k = 0;
        wEst = 0;
        epochStarted = false;
        growthCarry = 0;
    }

    @Override
    public void onAck(CongestionState state, long ackedBytes, long rttNanos, long nowNanos) {
        if (ackedBytes <= 0) {
            return;
        }
        long mss = state.mss;
        if (state.inSlowStart()) {
            // RFC 9438 4.10 -> RFC 5681 3.1 with RFC 3465 (L = 2 SMSS), stopping at ssthresh.
            long grown = state.cwnd + Math.min(ackedBytes, ABC_LIMIT_SEGMENTS * mss);
            state.cwnd = Math.max(state.cwnd, Math.min(grown, state.ssthresh));
            return;
        }
        if (!epochStarted) {
            startEpoch(state, nowNanos);
        }
        double cwnd = state.cwnd;
        double t = Math.max(0, nowNanos - epochStartNanos) / NANOS_PER_SECOND;
        double rtt = roundTripSeconds(state, rttNanos);

        // RFC 9438 4.2: target = W_cubic(t + RTT) clamped to [cwnd, 1.5 cwnd]; per acked
        // SMSS cwnd grows by (target - cwnd) / cwnd SMSS, here counted in bytes, so that a
        // whole window of ACKs brings cwnd to about target within one RTT (4.4, 4.5).
        double target = wCubic(t + rtt, mss);
        if (target < cwnd) {
            target = cwnd;
        } else if (target > MAX_GROWTH_PER_RTT * cwnd) {
            target = MAX_GROWTH_PER_RTT * cwnd;
        }
        double growth = (target - cwnd) * ackedBytes / cwnd + growthCarry;
        long whole = (long) growth;
        growthCarry = growth - whole;
        long next = state.cwnd + whole;

        // RFC 9438 4.3: W_est grows like AIMD(alpha_cubic, beta_cubic), alpha_cubic segments
        // per window of ACKs, and like Reno (alpha = 1) once it has passed cwnd_prior. Where
        // W_cubic(t) is below it, CUBIC is in the Reno-friendly region and cwnd is W_est.
        double alpha = wEst >= cwndPrior ? 1.0 : ALPHA_CUBIC;
        wEst += alpha * ackedBytes * mss / cwnd;
        if (wCubic(t, mss) < wEst && wEst > next) {
            next = (long) wEst;
            growthCarry = 0;
        }
        state.cwnd = next;
    }

    @Override
    public void onCongestionEvent(CongestionState state, long nowNanos) {
        double cwnd = state.cwnd;
        // RFC 9438 4.7 fast convergence: a loss below the last W_max means the flow's share
        // is shrinking (a new flow arrived): release bandwidth by lowering W_max further.
        if (cwnd < wMax) {
            wMax = cwnd * (1 + BETA_CUBIC) / 2;
        } else {
            wMax = cwnd;
        }
        // RFC 9438 4.6: cwnd_prior = cwnd; ssthresh = cwnd * beta_cubic, at least 2 SMSS;
        // cwnd = ssthresh. The RFC's formula multiplies FlightSize and allows cwnd; cwnd is
        // used (as Linux does) so that cwnd_epoch = beta_cubic * W_max and K is exact.
        cwndPrior = cwnd;
        state.ssthresh = Math.max((long) (cwnd * BETA_CUBIC), 2L * state.mss);
        state.cwnd = state.ssthresh;
        epochStarted = false;
    }

    @Override
    public void onRecoveryEnd(CongestionState state, long nowNanos) {
        // RFC 6582 3.2 step 3 (option 2): deflate to ssthresh. The epoch starts at the next
        // ACK, when congestion avoidance resumes (RFC 9438 4.2: t from the stage's start).
        state.cwnd = state.ssthresh;
        epochStarted = false;
    }

    @Override
    public void onRetransmitTimeout(CongestionState state, long nowNanos) {
        // RFC 9438 4.8: reduce cwnd as Reno does (the loss window, RFC 5681 3.1), but set
        // ssthresh with beta_cubic as in 4.6 (on FlightSize, RFC 5681 eq. 4's base: the
        // window collapses anyway, ssthresh is only where slow start stops).
        cwndPrior = state.cwnd;
        state.ssthresh = Math.max((long) (state.bytesInFlight * BETA_CUBIC), 2L * state.mss);
        state.cwnd = state.mss;
        // RFC 9438 4.8: the first congestion avoidance stage after a timeout uses K = 0 and
        // W_max = cwnd at its start (startEpoch does both when W_max is unknown).
        wMax = 0;
        epochStarted = false;
    }

    /** RFC 9438 4.2: a congestion avoidance stage begins: t = 0, K, W_est = cwnd_epoch. */
    private void startEpoch(CongestionState state, long nowNanos) {
        double cwndEpoch = state.cwnd;
        epochStartNanos = nowNanos;
        epochStarted = true;
        growthCarry = 0;
        if (wMax <= cwndEpoch) {
            // RFC 9438 4.8 / 4.10: no loss to return to (after a timeout, a slow start that
            // ended without loss, a take-over): the cubic's plateau is the current window.
            wMax = cwndEpoch;
            k = 0;
        } else {
            // RFC 9438 4.2 figure 2: K = cubic_root((W_max - cwnd_epoch) / C), in segments.
            k = Math.cbrt((wMax - cwndEpoch) / state.mss / C);
        }
        // RFC 9438 4.3: W_est starts at cwnd_epoch.
        wEst = cwndEpoch;
    }

    /** RFC 9438 4.2 figure 1: W_cubic(t) = C (t - K)^3 + W_max, in bytes for t in seconds. */
    private double wCubic(double t, long mss) {
        double d = t - k;
        return C * d * d * d * mss + wMax;
    }

    /** RFC 9438 4.2: RTT is the smoothed RTT; before one exists, the sample or the minimum. */
    private static double roundTripSeconds(CongestionState state, long rttNanos) {
        long rtt = state.smoothedRttNanos;
        if (rtt <= 0) {
            rtt = rttNanos > 0 ? rttNanos : state.minRttNanos;
        }
        return Math.max(0, rtt) / NANOS_PER_SECOND;
    }

    /** W_max in bytes, 0 when unknown (for tests). */
    double wMax() {
        return wMax;
    }

    /** K in seconds of the current epoch (for tests). */
    double k() {
        return k;
    }

    /** W_est in bytes (for tests). */
    double wEst() {
        return wEst;
    }

    /** True once the current congestion avoidance stage has started its epoch (for tests). */
    boolean epochStarted() {
        return epochStarted;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
