package dev.strata.tcp;

/**
 * The retransmission timer (RFC 6298 5, Karn's algorithm, exponential backoff; RFC 9293
 * 3.8.1): arming it when data or a SYN is outstanding and what happens when it expires,
 * including giving up after tcp_syn_retries / tcp_retries2. The deadline lives in the
 * {@link Tcb}; the connection's single scheduler task fires it.
 */
final class RetransmitTimer {

    /** {@link Tcb#retransmitTimerKind}: the retransmission timeout proper. */
    static final int RTO = 0;
    /** The tail loss probe's timer (RFC 8985 7.2), sharing the deadline. */
    static final int PROBE = 1;
    /** RACK's reorder timer (RFC 8985 6.3), sharing the deadline. */
    static final int REORDER = 2;

    private final TcpConnection c;
    private final Tcb tcb;
    private final TcpStack stack;

    RetransmitTimer(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
    }

    void arm(long now) {
        if (tcb.retransmitDeadline == 0) {
            tcb.retransmitDeadline = now + tcb.rtt.rtoNanos;
            tcb.retransmitTimerKind = RTO;
        }
    }

    /** RFC 6298 5.4-5.6: retransmit the earliest unacknowledged segment, back off, restart the timer. */
    void expired(long now) {
        tcb.retransmitDeadline = 0;
        int kind = tcb.retransmitTimerKind;
        tcb.retransmitTimerKind = RTO;
        if (kind == PROBE) {
            c.recovery.rack.probeExpired(now);
            return;
        }
        if (kind == REORDER) {
            c.recovery.rack.reorderExpired(now);
            return;
        }
        tcb.retransmits++;
        tcb.rttTiming = false; // Karn: no sample from a retransmitted segment
        tcb.tsAtLastTimeout = (int) (now / 1_000_000L) + tcb.tsOffset;
        tcb.tsAtLastTimeoutValid = true;
        switch (tcb.state) {
            case SYN_SENT, SYN_RECEIVED -> {
                int limit = tcb.state == TcpState.SYN_SENT ? stack.config.synRetries() : stack.config.synAckRetries();
                if (tcb.retransmits > limit) {
                    stack.counters.increment(TcpStatistic.ATTEMPT_FAILS);
                    c.terminate(c.timeoutError());
                    return;
                }
                tcb.rtt.backoff();
                c.handshake.sendSyn(tcb.state == TcpState.SYN_RECEIVED);
                arm(now);
            }
            default -> {
                if (tcb.sndUna == tcb.sndMax) {
                    tcb.retransmits = 0;
                    return;
                }
                if (tcb.retransmits > stack.config.retries()) {
                    c.terminate(c.timeoutError());
                    return;
                }
                tcb.rtt.backoff();
                c.recovery.rack.episodeOver();
                c.recovery.retransmitTimeout();
                if (c.congestionControl != null) {
                    tcb.congestion.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax);
                    c.congestionControl.onRetransmitTimeout(tcb.congestion, now);
                }
                // go back to SND.UNA (RFC 5681 3.1 after a timeout: resend from the first unacknowledged byte)
                tcb.sndNxt = tcb.sndUna;
                c.sender.output(now);
                if (tcb.persistDeadline == 0) {
                    arm(now); // (a shut window hands over to the persist timer instead)
                }
            }
        }
    }
}
