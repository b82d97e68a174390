package dev.strata.tcp;

/**
 * TCP's tunables, as Linux names its sysctls where there is one.
 *
 * @param minRtoNanos the lower bound of the RTO (RFC 6298 2.4: 1 s; Linux: 200 ms)
 * @param maxRtoNanos the upper bound (RFC 6298 2.5: at least 60 s; Linux: 120 s)
 * @param timeWaitNanos how long TIME-WAIT lasts: 2 * MSL (RFC 9293 3.4.2; Linux: 60 s)
 * @param synRetries SYN retransmissions before ETIMEDOUT (net.ipv4.tcp_syn_retries)
 * @param synAckRetries SYN-ACK retransmissions before a half-open connection is dropped (tcp_synack_retries)
 * @param retries retransmissions of data before ETIMEDOUT (net.ipv4.tcp_retries2)
 * @param challengeAcksPerSecond RFC 5961 7: challenge ACKs one connection sends per second at most
 * @param ephemeralLow the ephemeral port range (net.ipv4.ip_local_port_range)
 * @param ephemeralHigh its upper end, inclusive
 */
record TcpConfig(long minRtoNanos, long maxRtoNanos, long timeWaitNanos, int synRetries, int synAckRetries, int retries,
        int challengeAcksPerSecond, int ephemeralLow, int ephemeralHigh) {

    /** Linux's values (min RTO 200 ms, TIME-WAIT 60 s, 6 SYN retries, 5 SYN-ACK retries, 15 retries). */
    /** RFC 1122 4.2.3.2: the delayed-ACK timer, "MUST be less than 0.5 seconds" (200 ms, as RFC 9293 3.8.6.3 suggests). */
    static final long DELAYED_ACK_NANOS = 200_000_000L;

    /** Linux TCP_MAX_QUICKACKS: the first data segments of a connection are acknowledged at once (slow start of the peer). */
    static final int QUICK_ACKS = 16;

    static final TcpConfig DEFAULTS = new TcpConfig(RttEstimator.LINUX_MIN_RTO_NANOS, 120_000_000_000L, 60_000_000_000L, 6,
            5, 15, 10, 32768, 60999);
}
