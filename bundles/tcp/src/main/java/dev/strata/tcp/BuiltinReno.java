package dev.strata.tcp;

import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.CongestionState;

/**
 * The fallback congestion control when no algorithm bundle is installed: Reno as RFC 5681
 * 3.1 writes it (slow start, then one SMSS per RTT; ssthresh = max(FlightSize / 2, 2 * SMSS)
 * on a loss). The Reno and CUBIC bundles are the real ones.
 */
final class BuiltinReno implements CongestionControl {

    static final String NAME = "reno";

    /** Bytes acknowledged towards the next increase in congestion avoidance. */
    private long acknowledgedInAvoidance;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(CongestionState state, long nowNanos) {
        if (state.cwnd == 0) {
            state.cwnd = CongestionState.initialWindow(state.mss);
        }
    }

    @Override
    public void onAck(CongestionState state, long ackedBytes, long rttNanos, long nowNanos) {
        if (state.inSlowStart()) {
            // RFC 5681 3.1 equation 2: cwnd += min(N, SMSS)
            state.cwnd += Math.min(ackedBytes, state.mss);
            return;
        }
        // RFC 5681 3.1: about one SMSS per cwnd of acknowledged bytes (byte counting, RFC 3465)
        acknowledgedInAvoidance += ackedBytes;
        if (acknowledgedInAvoidance >= state.cwnd) {
            acknowledgedInAvoidance -= state.cwnd;
            state.cwnd += state.mss;
        }
    }

    @Override
    public void onCongestionEvent(CongestionState state, long nowNanos) {
        // RFC 5681 3.2 step 2; the + 3 * SMSS inflation of step 3 is TCP's (LossRecovery)
        state.ssthresh = Math.max(state.bytesInFlight / 2, 2L * state.mss);
        state.cwnd = state.ssthresh;
        acknowledgedInAvoidance = 0;
    }

    @Override
    public void onRecoveryEnd(CongestionState state, long nowNanos) {
        state.cwnd = state.ssthresh;
    }
}
