package dev.strata.tcp;

/**
 * TCP's tunables, as Linux names its sysctls where there is one. The component reads them from
 * ConfigAdmin (PID {@value TcpLayer#PID}, {@link TcpLayer.Config}) and hands a new instance to
 * the stack on every change: connections opened afterwards take it (the RTO bounds are
 * copied into each connection's estimator when it opens).
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
 * @param finTimeoutNanos how long a connection the application closed waits in FIN-WAIT-2 for the peer's FIN (tcp_fin_timeout)
 * @param syncookies 0 never, 1 when a listener's SYN queue overflows, 2 always (net.ipv4.tcp_syncookies)
 * @param maxSynBacklog the most connections in SYN-RECEIVED one listener holds (tcp_max_syn_backlog)
 * @param defaultCongestionControl the algorithm of connections that ask for none (tcp_congestion_control)
 */
record TcpConfig(long minRtoNanos, long maxRtoNanos, long timeWaitNanos, int synRetries, int synAckRetries, int retries,
        int challengeAcksPerSecond, int ephemeralLow, int ephemeralHigh, long finTimeoutNanos, int syncookies,
        int maxSynBacklog, String defaultCongestionControl) {

    /** RFC 1122 4.2.3.2: the delayed-ACK timer, "MUST be less than 0.5 seconds" (200 ms, as RFC 9293 3.8.6.3 suggests). */
    static final long DELAYED_ACK_NANOS = 200_000_000L;

    /** Linux TCP_MAX_QUICKACKS: the first data segments of a connection are acknowledged at once (slow start of the peer). */
    static final int QUICK_ACKS = 16;

    static final int SYNCOOKIES_OFF = 0;
    static final int SYNCOOKIES_ON_OVERFLOW = 1;
    static final int SYNCOOKIES_ALWAYS = 2;

    /**
     * Linux's values: min RTO 200 ms, max 120 s, TIME-WAIT 60 s, 6 SYN retries, 5 SYN-ACK
     * retries, 15 retries, ports 32768-60999, FIN-WAIT-2 60 s, SYN cookies on overflow, 1024
     * half-open connections per listener, CUBIC.
     */
    static final TcpConfig DEFAULTS = new TcpConfig(RttEstimator.LINUX_MIN_RTO_NANOS, 120_000_000_000L, 60_000_000_000L, 6,
            5, 15, 10, 32768, 60999, 60_000_000_000L, SYNCOOKIES_ON_OVERFLOW, 1024, CongestionControls.DEFAULT);

    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    /** The configuration's values, each out-of-range one replaced by its default (never a broken stack). */
    static TcpConfig of(TcpLayer.Config c) {
        TcpConfig d = DEFAULTS;
        long minRto = c.minRtoMillis() >= 1 ? c.minRtoMillis() * MILLI : d.minRtoNanos();
        // RFC 6298 2.5: a maximum, if any, "at least 60 seconds"
        long maxRto = c.maxRtoMillis() >= 60_000 ? c.maxRtoMillis() * MILLI : d.maxRtoNanos();
        if (minRto > maxRto) {
            minRto = d.minRtoNanos();
        }
        long timeWait = c.timeWaitSeconds() >= 1 ? c.timeWaitSeconds() * SECOND : d.timeWaitNanos();
        long finTimeout = c.finTimeoutSeconds() >= 1 ? c.finTimeoutSeconds() * SECOND : d.finTimeoutNanos();
        int synRetries = c.synRetries() >= 1 && c.synRetries() <= 127 ? c.synRetries() : d.synRetries();
        int synAckRetries = c.synAckRetries() >= 1 && c.synAckRetries() <= 127 ? c.synAckRetries() : d.synAckRetries();
        int retries = c.retries2() >= 1 && c.retries2() <= 127 ? c.retries2() : d.retries();
        int low = c.ephemeralLow();
        int high = c.ephemeralHigh();
        if (low < 1 || high > 65535 || low > high) {
            low = d.ephemeralLow();
            high = d.ephemeralHigh();
        }
        int syncookies = c.syncookies() >= SYNCOOKIES_OFF && c.syncookies() <= SYNCOOKIES_ALWAYS ? c.syncookies() : d.syncookies();
        int maxSynBacklog = c.maxSynBacklog() >= 1 ? c.maxSynBacklog() : d.maxSynBacklog();
        String cc = c.defaultCongestionControl() == null || c.defaultCongestionControl().isBlank() ? d.defaultCongestionControl()
                : c.defaultCongestionControl().trim();
        return new TcpConfig(minRto, maxRto, timeWait, synRetries, synAckRetries, retries, d.challengeAcksPerSecond(), low, high,
                finTimeout, syncookies, maxSynBacklog, cc);
    }

    TcpConfig withSyncookies(int mode, int backlog) {
        return new TcpConfig(minRtoNanos, maxRtoNanos, timeWaitNanos, synRetries, synAckRetries, retries, challengeAcksPerSecond,
                ephemeralLow, ephemeralHigh, finTimeoutNanos, mode, backlog, defaultCongestionControl);
    }

    TcpConfig withFinTimeout(long nanos) {
        return new TcpConfig(minRtoNanos, maxRtoNanos, timeWaitNanos, synRetries, synAckRetries, retries, challengeAcksPerSecond,
                ephemeralLow, ephemeralHigh, nanos, syncookies, maxSynBacklog, defaultCongestionControl);
    }
}
