package dev.strata.tcp;

import dev.strata.api.tcp.CongestionState;

/**
 * Fast retransmit and NewReno fast recovery (RFC 5681 3.2, RFC 6582 3.2): duplicate ACKs
 * counted, the third one retransmits the segment at SND.UNA and starts recovery up to
 * "recover" = SND.MAX; cwnd is inflated by one SMSS per further duplicate ACK; a partial ACK
 * retransmits the next hole and deflates; the full ACK ends recovery. The congestion control
 * algorithm only sets ssthresh and cwnd on the event and at the end (the API's contract); the
 * inflation ssthresh + 3 * SMSS and its growth are done here. Like gVisor's
 * {@code reno_recovery.go}. Runs under the connection's monitor.
 */
final class LossRecovery {

    /** RFC 5681 3.2: the duplicate ACK that triggers fast retransmit. */
    static final int DUPLICATE_ACK_THRESHOLD = 3;

    private final TcpConnection c;
    private final Tcb tcb;
    private final TcpStack stack;

    LossRecovery(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
    }

    /** A duplicate ACK (RFC 5681 2) arrived. */
    void duplicateAck(long now) {
        if (c.congestionControl == null) {
            return;
        }
        CongestionState cs = tcb.congestion;
        tcb.duplicateAcks++;
        if (tcb.inRecovery) {
            // RFC 5681 3.2 step 5 / RFC 6582 3.2 step 3: each further duplicate ACK means a
            // segment left the network: inflate cwnd by SMSS and send what it allows
            cs.cwnd += tcb.sendMss;
            c.sender.output(now);
            return;
        }
        if (tcb.duplicateAcks < DUPLICATE_ACK_THRESHOLD) {
            c.sender.output(now); // RFC 3042 limited transmit (Sender.congestionWindow)
            return;
        }
        if (tcb.duplicateAcks > DUPLICATE_ACK_THRESHOLD) {
            return;
        }
        // RFC 6582 3.2 step 2: enter only if the cumulative ACK covers more than "recover",
        // so that duplicate ACKs from retransmissions of a window already recovered do not
        // halve cwnd twice
        if (!Seq.gt(tcb.sndUna, tcb.recover)) {
            return;
        }
        enter(now);
    }

    /** RFC 5681 3.2 steps 2-4 with RFC 6582's recover. */
    private void enter(long now) {
        CongestionState cs = tcb.congestion;
        tcb.recover = tcb.sndMax;
        tcb.inRecovery = true;
        tcb.recoveryTimerRestarted = false;
        cs.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax); // FlightSize
        c.congestionControl.onCongestionEvent(cs, now);
        // RFC 5681 3.2 step 3: cwnd = ssthresh + 3 * SMSS, the three segments that left the network
        cs.cwnd = cs.ssthresh + (long) DUPLICATE_ACK_THRESHOLD * tcb.sendMss;
        stack.counters.increment(TcpStatistic.FAST_RETRANSMITS);
        c.sender.retransmitFirst(now);
        c.sender.output(now);
    }

    /** New data acknowledged while in recovery ({@code acked} bytes of sequence space, SND.UNA already moved). */
    void newAckInRecovery(int acked, long now) {
        CongestionState cs = tcb.congestion;
        tcb.duplicateAcks = 0;
        if (!Seq.lt(tcb.sndUna, tcb.recover)) {
            // RFC 6582 3.2 step 3, full acknowledgment: recovery ends; the algorithm deflates
            // (to ssthresh, or min(ssthresh, FlightSize + SMSS))
            tcb.inRecovery = false;
            cs.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax);
            c.congestionControl.onRecoveryEnd(cs, now);
            return;
        }
        // RFC 6582 3.2 step 4, partial acknowledgment: retransmit the first unacknowledged
        // segment, deflate cwnd by the data acknowledged, add back one SMSS if at least one
        // SMSS was acknowledged, and send what the new cwnd allows
        stack.counters.increment(TcpStatistic.PARTIAL_ACKS);
        c.sender.retransmitFirst(now);
        cs.cwnd = Math.max(cs.cwnd - acked, tcb.sendMss);
        if (acked >= tcb.sendMss) {
            cs.cwnd += tcb.sendMss;
        }
        c.sender.output(now);
    }

    /** The retransmission timer fired: recovery ends (RFC 6582 3.2 step 1: recover = the highest sequence sent). */
    void retransmitTimeout() {
        if (tcb.inRecovery) {
            stack.counters.increment(TcpStatistic.RECOVERY_TIMEOUTS);
        }
        tcb.inRecovery = false;
        tcb.duplicateAcks = 0;
        tcb.recover = tcb.sndMax;
    }
}
