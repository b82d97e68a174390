package dev.strata.api.tcp;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One connection's congestion control algorithm (Reno, CUBIC...): how cwnd grows as data is
 * acknowledged and how far it falls on a loss. TCP calls it on the connection's thread, never
 * concurrently; it keeps whatever private state it needs (CUBIC's W_max and epoch) and must
 * allocate nothing per call.
 *
 * <p>What is not here belongs to TCP: detecting loss (three duplicate ACKs, SACK, RFC 6675),
 * fast retransmit, the NewReno recovery of RFC 6582 (partial ACKs, the recovery point), and
 * the retransmission timer (RFC 6298). Linux splits {@code tcp_congestion_ops} the same way.
 */
@ConsumerType
public interface CongestionControl {

    /** The algorithm's name, as {@code tcp cc} lists it ({@code reno}, {@code cubic}). */
    String name();

    /**
     * Starts on a connection, or takes over one whose algorithm went away: {@code state}
     * already holds a window (the initial window for a new connection, the old algorithm's
     * for a take-over), which the algorithm keeps.
     */
    void init(CongestionState state, long nowNanos);

    /**
     * New data was acknowledged outside loss recovery: grow cwnd (slow start while below
     * ssthresh, congestion avoidance above; RFC 5681 3.1, RFC 9438 4).
     *
     * @param ackedBytes bytes newly acknowledged by this ACK
     * @param rttNanos the RTT sample this ACK gave, or 0 if none (Karn's rule)
     */
    void onAck(CongestionState state, long ackedBytes, long rttNanos, long nowNanos);

    /**
     * Loss was detected and fast recovery begins: set ssthresh (and cwnd, for algorithms that
     * set it directly). RFC 5681 3.2 step 2 (Reno: ssthresh = max(FlightSize / 2, 2 * SMSS));
     * RFC 9438 4.6 (CUBIC: beta_cubic = 0.7 and W_max).
     */
    void onCongestionEvent(CongestionState state, long nowNanos);

    /** Fast recovery ended (RFC 6582: the full ACK): set cwnd for what follows, usually to ssthresh. */
    void onRecoveryEnd(CongestionState state, long nowNanos);

    /**
     * The retransmission timer expired (RFC 5681 3.1 equation 4 and the loss window): by
     * default ssthresh = max(FlightSize / 2, 2 * SMSS) and cwnd = 1 SMSS.
     */
    default void onRetransmitTimeout(CongestionState state, long nowNanos) {
        state.ssthresh = Math.max(state.bytesInFlight / 2, 2L * state.mss);
        state.cwnd = state.mss;
    }
}
