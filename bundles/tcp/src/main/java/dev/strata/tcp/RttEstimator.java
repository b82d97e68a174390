package dev.strata.tcp;

/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR from round-trip samples, RTO =
 * SRTT + max(G, 4 * RTTVAR), bounded below by a configurable minimum (RFC 6298 2.4 says 1 s;
 * Linux uses 200 ms) and above by a maximum (at least 60 s, 2.5), doubled on each expiry
 * (5.5). Plain fields: it is part of a connection's exportable state.
 *
 * <p>Karn's algorithm (RFC 6298 3) is the caller's: it never samples a segment that was
 * retransmitted (unless timestamps make the sample unambiguous, RFC 7323 4.1).
 */
final class RttEstimator {

    /** RFC 6298 2.1: "Until a round-trip time (RTT) measurement has been made ... RTO <- 1 second". */
    static final long INITIAL_RTO_NANOS = 1_000_000_000L;
    /** RFC 6298 2.4: "RTO SHOULD be rounded up to 1 second". */
    static final long RFC_MIN_RTO_NANOS = 1_000_000_000L;
    /** Linux's TCP_RTO_MIN. */
    static final long LINUX_MIN_RTO_NANOS = 200_000_000L;
    /** RFC 6298 2.5: "A maximum value MAY be placed on RTO provided it is at least 60 seconds". */
    static final long MAX_RTO_NANOS = 60_000_000_000L;
    /** RFC 6298 5.7: the RTO after a SYN was lost, when no sample was taken. */
    static final long HANDSHAKE_LOSS_RTO_NANOS = 3_000_000_000L;
    /** The clock granularity G: the Scheduler's clock is nanoseconds, its timers about 1 ms. */
    static final long GRANULARITY_NANOS = 1_000_000L;

    long minRtoNanos;
    long maxRtoNanos;
    /** SRTT, 0 before the first sample. */
    long smoothedRttNanos;
    long rttVarianceNanos;
    long minRttNanos;
    /** The RTO in force, backoff included. */
    long rtoNanos = INITIAL_RTO_NANOS;
    /** Consecutive expiries since the last new acknowledgment (the backoff exponent). */
    int backoffs;

    RttEstimator(long minRtoNanos, long maxRtoNanos) {
        this.minRtoNanos = minRtoNanos;
        this.maxRtoNanos = maxRtoNanos;
    }

    boolean hasSample() {
        return smoothedRttNanos != 0;
    }

    /** A new round-trip measurement R (RFC 6298 2.2 for the first, 2.3 for the rest). */
    void sample(long rttNanos) {
        sample(rttNanos, 1);
    }

    /**
     * A measurement that is one of {@code expectedSamples} per round trip (RFC 7323 Appendix
     * G: with a sample on every ACK, alpha' = alpha / ExpectedSamples and beta' = beta /
     * ExpectedSamples, so that a window's worth of samples weighs as much as one did).
     */
    void sample(long rttNanos, int expectedSamples) {
        int k = Math.max(1, expectedSamples);
        long r = Math.max(rttNanos, 1);
        if (!hasSample()) {
            smoothedRttNanos = r;
            rttVarianceNanos = r / 2;
            minRttNanos = r;
        } else {
            // RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|, beta = 1/4, then
            // SRTT <- (1 - alpha) * SRTT + alpha * R', alpha = 1/8: in this order (2.3)
            rttVarianceNanos = rttVarianceNanos - rttVarianceNanos / (4L * k) + Math.abs(smoothedRttNanos - r) / (4L * k);
            smoothedRttNanos = smoothedRttNanos - smoothedRttNanos / (8L * k) + r / (8L * k);
            minRttNanos = Math.min(minRttNanos, r);
        }
        backoffs = 0;
        rtoNanos = bounded(smoothedRttNanos + Math.max(GRANULARITY_NANOS, 4 * rttVarianceNanos));
    }

    /** RFC 6298 5.5: the timer expired, "RTO <- RTO * 2" (bounded by the maximum). */
    void backoff() {
        backoffs++;
        rtoNanos = Math.min(maxRtoNanos, rtoNanos * 2);
    }

    /**
     * RFC 6298 5.7: the SYN (or SYN-ACK) was retransmitted and no sample exists once the
     * connection is established: RTO goes back to 3 s.
     */
    void afterHandshakeLoss() {
        if (!hasSample()) {
            backoffs = 0;
            rtoNanos = bounded(HANDSHAKE_LOSS_RTO_NANOS);
        }
    }

    private long bounded(long rto) {
        return Math.min(maxRtoNanos, Math.max(minRtoNanos, rto));
    }
}
