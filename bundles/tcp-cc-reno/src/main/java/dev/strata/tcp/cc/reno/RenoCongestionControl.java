package dev.strata.tcp.cc.reno;

import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.CongestionState;

/**
 * Reno congestion control (RFC 5681 sections 3.1 and 3.2) for one connection: slow start with
 * Appropriate Byte Counting (RFC 3465, L = 2 * SMSS), byte-counted congestion avoidance, and
 * the halving of the window on a loss. TCP calls it on the connection's thread; it allocates
 * nothing per call.
 *
 * <p><b>Split with TCP.</b> Loss detection, fast retransmit and the NewReno recovery of RFC
 * 6582 are TCP's. On a congestion event this class sets {@code ssthresh} and sets
 * {@code cwnd = ssthresh}, <em>not</em> {@code ssthresh + 3 * SMSS}: the temporary inflation
 * of RFC 5681 3.2 steps 3 and 4 (three segments for the duplicate ACKs that triggered the
 * retransmit, one more per further duplicate ACK) and the partial-ACK deflation of RFC 6582
 * 3.2 step 3 belong to TCP's recovery code, exactly as they do for CUBIC, so that TCP treats
 * every algorithm alike. {@link #onRecoveryEnd} then deflates to {@code cwnd = ssthresh}
 * (RFC 6582 3.2 step 3, option 2).
 */
public final class RenoCongestionControl implements CongestionControl {

    /** The name {@code tcp cc} lists. */
    public static final String NAME = "reno";

    /** RFC 3465 section 2.3: L, the most slow start grows cwnd per ACK, in SMSS. */
    static final int ABC_LIMIT_SEGMENTS = 2;

    /**
     * RFC 3465 section 2.1 (bytes_acked): bytes acknowledged in congestion avoidance since
     * cwnd last grew. When it reaches cwnd, cwnd grows by one SMSS: one segment per window
     * of acknowledged data, which RFC 5681 equation 3 approximates per ACK.
     */
    private long bytesAcked;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(CongestionState state, long nowNanos) {
        // A take-over keeps the window it finds (CongestionControl.init); only a state
        // that never had one gets the initial window of RFC 5681 3.1.
        if (state.cwnd <= 0) {
            state.cwnd = CongestionState.initialWindow(state.mss);
        }
        bytesAcked = 0;
    }

    @Override
    public void onAck(CongestionState state, long ackedBytes, long rttNanos, long nowNanos) {
        if (ackedBytes <= 0) {
            return;
        }
        long mss = state.mss;
        if (state.inSlowStart()) {
            // RFC 5681 3.1 and RFC 3465 2.2: grow by the bytes acknowledged, at most L = 2 SMSS
            // per ACK (a stretch ACK must not open a burst). Stop at ssthresh: the rest of
            // the growth is congestion avoidance's.
            long grown = state.cwnd + Math.min(ackedBytes, ABC_LIMIT_SEGMENTS * mss);
            state.cwnd = Math.max(state.cwnd, Math.min(grown, state.ssthresh));
            return;
        }
        // RFC 5681 3.1 (congestion avoidance) with RFC 3465 2.1 byte counting: one SMSS per
        // cwnd of acknowledged bytes. A stretch ACK covering several windows counts each.
        bytesAcked += ackedBytes;
        long cwnd = state.cwnd;
        if (cwnd > 0 && bytesAcked >= cwnd) {
            long windows = bytesAcked / cwnd;
            bytesAcked -= windows * cwnd;
            state.cwnd = cwnd + windows * mss;
        }
    }

    @Override
    public void onCongestionEvent(CongestionState state, long nowNanos) {
        // RFC 5681 3.2 step 2, equation 4: ssthresh = max(FlightSize / 2, 2 * SMSS). The
        // cwnd of step 3 is ssthresh here: the + 3 * SMSS inflation is TCP's (class javadoc).
        state.ssthresh = Math.max(state.bytesInFlight / 2, 2L * state.mss);
        state.cwnd = state.ssthresh;
        bytesAcked = 0;
    }

    @Override
    public void onRecoveryEnd(CongestionState state, long nowNanos) {
        // RFC 6582 3.2 step 3 (full ACK), option 2: deflate the window to ssthresh.
        state.cwnd = state.ssthresh;
        bytesAcked = 0;
    }

    @Override
    public void onRetransmitTimeout(CongestionState state, long nowNanos) {
        // RFC 5681 3.1 equation 4 and the loss window of one SMSS.
        CongestionControl.super.onRetransmitTimeout(state, nowNanos);
        // RFC 3465 2.1: the count starts afresh with the new window.
        bytesAcked = 0;
    }

    /** The byte-counting accumulator (for tests). */
    long bytesAcked() {
        return bytesAcked;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
