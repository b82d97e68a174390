package dev.strata.api.tcp;

/**
 * The congestion state of one connection, as plain fields: the connection owns it and
 * passes it to its {@link CongestionControl} on every event. Plain data on purpose: when an
 * algorithm's bundle stops, the connection hands the same state to the default algorithm
 * (no reset of the window, no stall), and a live upgrade of the TCP bundle exports it whole.
 *
 * <p>Sizes are in bytes, times in nanoseconds of the stack's {@code Scheduler} clock.
 */
public final class CongestionState {

    /** The congestion window (cwnd, RFC 5681 section 2). Written by the algorithm. */
    public long cwnd;

    /** The slow start threshold (ssthresh, RFC 5681 section 3.1). Written by the algorithm. */
    public long ssthresh = Long.MAX_VALUE;

    /** The sender's maximum segment size (SMSS). Written by TCP. */
    public int mss = 536;

    /** Bytes sent and not yet acknowledged (FlightSize). Written by TCP before each call. */
    public long bytesInFlight;

    /** Smoothed round-trip time (RFC 6298 SRTT), 0 before the first sample. Written by TCP. */
    public long smoothedRttNanos;

    /** The smallest round-trip time seen on the connection, 0 before the first sample. Written by TCP. */
    public long minRttNanos;

    /** The initial window, RFC 5681 section 3.1 (and RFC 6928's 10 segments for 1460-byte MSS). */
    public static long initialWindow(int mss) {
        return Math.min(10L * mss, Math.max(2L * mss, 14_600));
    }

    /** True while cwnd is below ssthresh: slow start (RFC 5681 3.1). */
    public boolean inSlowStart() {
        return cwnd < ssthresh;
    }

    /** A copy (for handing state across, and for tests). */
    public CongestionState copy() {
        CongestionState copy = new CongestionState();
        copy.cwnd = cwnd;
        copy.ssthresh = ssthresh;
        copy.mss = mss;
        copy.bytesInFlight = bytesInFlight;
        copy.smoothedRttNanos = smoothedRttNanos;
        copy.minRttNanos = minRttNanos;
        return copy;
    }

    @Override
    public String toString() {
        return "cwnd=" + cwnd + " ssthresh=" + (ssthresh == Long.MAX_VALUE ? "inf" : ssthresh) + " mss=" + mss
                + " inflight=" + bytesInFlight;
    }
}
