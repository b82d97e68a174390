package dev.strata.tcp;

import dev.strata.api.tcp.CongestionState;

/**
 * RACK-TLP (RFC 8985) for connections with SACK, beside RFC 6675's recovery in
 * {@link LossRecovery}: the {@link SendLog} of per-segment transmit times, RACK's time-based
 * loss detection (section 6: a segment is lost when one sent more than a reordering window
 * after it was delivered, which also finds lost retransmissions) with its reorder timer, and
 * the Tail Loss Probe (section 7: a probe after about 2 * SRTT instead of an RTO when the tail
 * of a flight is lost and no ACK would come). As Linux (tcp_recovery.c, tcp_send_loss_probe),
 * NewReno connections (no SACK) do without both.
 *
 * <p>The reorder timer and the probe timer share the retransmission timer's deadline, as
 * Linux's icsk_pending ({@link Tcb#retransmitTimerKind} says which is armed; a new RTO
 * replaces either). Every variable lives in the {@link Tcb}. Runs under the connection's monitor.
 */
final class RackTlp {

    /** RFC 8985 7.2: WCDelAckT, the worst-case delayed-ACK time of a peer with one segment to acknowledge. */
    static final long WORST_CASE_DELAYED_ACK_NANOS = 200_000_000L;
    /**
     * The least PTO: 10 ms, as the TLP draft's "PTO = max(2 * SRTT, 10ms)"
     * (draft-dukkipati-tcpm-tcp-loss-probe 2.1; Linux's jiffy-granular timer and TCP_TIMEOUT_MIN
     * add as much). On a sub-millisecond path (a TAP: SRTT ~50 us) 2 * SRTT alone fired while a
     * busy receiver was merely slow to ACK, and every such probe was a spurious retransmission.
     */
    static final long MIN_PTO_NANOS = 10_000_000L;
    /** RFC 8985 7.2: the PTO without an RTT sample. */
    static final long INITIAL_PTO_NANOS = 1_000_000_000L;
    /** RFC 8985 6.2 step 4: DSACK-free recoveries after which the reordering window multiplier resets. */
    static final int REO_WND_PERSIST = 16;

    private final TcpConnection c;
    private final Tcb tcb;
    private final TcpStack stack;
    /** Set while the probe itself is being sent: it does not re-arm the probe timer (RFC 8985 7.2). */
    private boolean probing;

    RackTlp(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
    }

    /** RACK-TLP is on for this connection: SACK permitted, the stack's switch, a congestion control. */
    boolean enabled() {
        return tcb.sackPermitted && stack.rackTlp && c.congestionControl != null;
    }

    /** RFC 8985 6.2 RACK_sent_after: t1/seq1 was sent after t2/seq2 (ties broken by sequence). */
    static boolean sentAfter(long t1, int seq1, long t2, int seq2) {
        return t1 > t2 || t1 == t2 && Seq.gt(seq1, seq2);
    }

    // ---- transmissions (from Sender.emit, before SND.MAX moves) ----------------------------------------

    /** The sequence space [from, to) went out at {@code now}: new records, or retransmitted ones. */
    void transmitted(int from, int to, long now) {
        if (!tcb.sackPermitted || !stack.rackTlp) {
            return;
        }
        SendLog log = tcb.sendLog;
        if (Seq.lt(from, tcb.sndMax)) {
            log.retransmitted(from, Seq.min(to, tcb.sndMax), now);
        }
        if (Seq.gt(to, tcb.sndMax)) {
            log.sent(Seq.max(from, tcb.sndMax), to, now);
        }
    }

    // ---- ACK processing (RFC 8985 6.2, 7.4) -------------------------------------------------------------

    /**
     * An acceptable ACK was processed (SND.UNA moved, the scoreboard updated): RACK's steps 1-5
     * (newly delivered records update RACK.xmit_ts / end_seq / rtt, reordering, the reordering
     * window, loss marking and the reorder timer), the TLP episode's end, then the probe timer.
     */
    void ackArrived(Segment seg, boolean cumulative, boolean wasInRecovery, long now) {
        if (!enabled()) {
            return;
        }
        SendLog log = tcb.sendLog;
        int una = tcb.sndUna;
        // step 2: records delivered, cumulatively ...
        while (log.head < log.tail && Seq.le(log.end[log.head], una)) {
            if ((log.flags[log.head] & SendLog.SACKED) == 0) {
                delivered(log.head, seg, now);
            }
            log.head++;
        }
        if (log.size() == 0) {
            log.clear();
        }
        // ... and selectively (a record wholly inside one SACKed range)
        Scoreboard sb = tcb.scoreboard;
        if (sb.count > 0) {
            int j = 0;
            for (int i = log.head; i < log.tail; i++) {
                while (j < sb.count && Seq.le(sb.end[j], log.seq[i])) {
                    j++;
                }
                if (j == sb.count) {
                    break;
                }
                if ((log.flags[i] & SendLog.SACKED) == 0 && Seq.le(sb.start[j], log.seq[i])
                        && Seq.le(log.end[i], sb.end[j])) {
                    log.flags[i] |= SendLog.SACKED;
                    delivered(i, seg, now);
                }
            }
        }
        if (wasInRecovery && !tcb.inRecovery && --tcb.rackReoWndPersist <= 0) {
            tcb.rackReoWndMult = 1; // step 4: 16 recoveries without DSACK
        }
        tlpAck(seg, cumulative);
        detectLossAndArmTimer(now, true);
        scheduleProbe(now);
    }

    /** RFC 8985 6.2 steps 2 and 3 for record {@code i}, delivered by this ACK. */
    private void delivered(int i, Segment seg, long now) {
        SendLog log = tcb.sendLog;
        long xmit = log.xmit[i];
        int end = log.end[i];
        long rtt = now - xmit;
        boolean retransmitted = (log.flags[i] & SendLog.RETRANSMITTED) != 0;
        if (retransmitted) {
            // step 2: an ACK that may answer the original transmission says nothing of this one
            if (seg != null && tcb.timestamps && seg.options.timestamps && seg.options.tsEcr != 0
                    && Seq.lt(seg.options.tsEcr, (int) (xmit / 1_000_000L) + tcb.tsOffset)) {
                return;
            }
            if (rtt < tcb.rtt.minRttNanos) {
                return;
            }
        } else if (tcb.rackFackValid && Seq.lt(end, tcb.rackFack)) {
            tcb.rackReorderingSeen = true; // step 3: delivered below a higher delivered sequence
        }
        if (!tcb.rackFackValid || Seq.gt(end, tcb.rackFack)) {
            tcb.rackFack = end;
            tcb.rackFackValid = true;
        }
        tcb.rackRtt = rtt;
        if (!tcb.rackValid || sentAfter(xmit, end, tcb.rackXmitTs, tcb.rackEndSeq)) {
            tcb.rackXmitTs = xmit;
            tcb.rackEndSeq = end;
            tcb.rackValid = true;
        }
    }

    /** RFC 8985 6.2 step 4, RACK_update_reo_wnd(). */
    private long reorderingWindow(boolean fromAck) {
        if (tcb.rackDsackRoundValid && Seq.ge(tcb.sndUna, tcb.rackDsackRound)) {
            tcb.rackDsackRoundValid = false;
        }
        if (fromAck && !tcb.rackDsackRoundValid && tcb.dsackThisAck) {
            // grow the window by min_RTT / 4 per round trip that saw a DSACK (a spurious retransmission)
            tcb.rackDsackRound = tcb.sndNxt;
            tcb.rackDsackRoundValid = true;
            tcb.rackReoWndMult++;
            tcb.rackReoWndPersist = REO_WND_PERSIST;
        }
        if (!tcb.rackReorderingSeen) {
            if (tcb.inRecovery) {
                return 0;
            }
            if (tcb.scoreboard.sackedBytes >= (long) Scoreboard.DUP_THRESH * tcb.sendMss) {
                return 0;
            }
        }
        return Math.min((long) tcb.rackReoWndMult * tcb.rtt.minRttNanos / 4, tcb.rtt.smoothedRttNanos);
    }

    /**
     * RFC 8985 6.2 step 5 and 6.3 RACK_detect_loss_and_arm_timer(): marks lost every record
     * sent before the most recently delivered one by more than RACK.rtt + reo_wnd ago; arms the
     * reorder timer for the earliest one not yet old enough. A loss found outside recovery
     * starts RFC 6675's recovery (as Linux's tcp_time_to_recover with lost_out).
     */
    private void detectLossAndArmTimer(long now, boolean fromAck) {
        if (!tcb.rackValid) {
            return;
        }
        SendLog log = tcb.sendLog;
        long reoWnd = reorderingWindow(fromAck);
        long timeout = 0;
        boolean marked = false;
        for (int i = log.head; i < log.tail; i++) {
            byte f = log.flags[i];
            if ((f & (SendLog.SACKED | SendLog.LOST)) != 0) {
                continue;
            }
            if (!sentAfter(tcb.rackXmitTs, tcb.rackEndSeq, log.xmit[i], log.end[i])) {
                if ((f & SendLog.RETRANSMITTED) == 0) {
                    break; // records above were sent later still (a retransmission only ever later)
                }
                continue;
            }
            long remaining = log.xmit[i] + tcb.rackRtt + reoWnd - now;
            if (remaining <= 0) {
                log.flags[i] = (byte) (f | SendLog.LOST);
                marked = true;
                if ((f & SendLog.RETRANSMITTED) != 0) {
                    stack.counters.increment(TcpStatistic.LOST_RETRANSMIT);
                }
            } else {
                timeout = Math.max(timeout, remaining);
            }
        }
        if (marked && !tcb.inRecovery && tcb.sndNxt == tcb.sndMax && tcb.sndUna != tcb.sndMax) {
            c.recovery.enterSack(now);
        }
        if (timeout > 0) {
            tcb.retransmitDeadline = now + timeout;
            tcb.retransmitTimerKind = RetransmitTimer.REORDER;
        }
    }

    /** The reorder timer fired (RFC 8985 6.3): detect again, retransmit what is lost, re-arm. */
    void reorderExpired(long now) {
        tcb.retransmitTimerKind = RetransmitTimer.RTO;
        if (!enabled() || tcb.sndUna == tcb.sndMax) {
            return;
        }
        detectLossAndArmTimer(now, false);
        c.sender.output(now);
        if (tcb.retransmitDeadline == 0) {
            tcb.retransmitDeadline = now + tcb.rtt.rtoNanos;
            tcb.retransmitTimerKind = RetransmitTimer.RTO;
        }
    }

    // ---- RFC 6675 with RACK's marks (LossRecovery.sackOutput) ----------------------------------------

    /** The unSACKed octets of [s, e), the scoreboard's ranges from index {@code j} on. */
    private static int unsacked(Scoreboard sb, int j, int s, int e) {
        int n = Seq.distance(s, e);
        for (; j < sb.count && Seq.lt(sb.start[j], e); j++) {
            int a = Seq.max(s, sb.start[j]);
            int b = Seq.min(e, sb.end[j]);
            if (Seq.lt(a, b)) {
                n -= Seq.distance(a, b);
            }
        }
        return n;
    }

    /** Whether the unSACKed octets of record {@code i}, from {@code s}, count as lost. */
    private boolean lost(int i, int s, int smss) {
        byte f = tcb.sendLog.flags[i];
        return (f & SendLog.LOST) != 0 || (f & SendLog.RETRANSMITTED) == 0 && tcb.scoreboard.isLost(s, smss);
    }

    /**
     * The octets in flight, as Linux counts them (packets_out - sacked_out - lost_out +
     * retrans_out): every unSACKed octet not lost, a retransmission counting once. Lost means
     * RACK marked it or RFC 6675's IsLost() holds and it was not retransmitted since.
     */
    long pipe(int smss) {
        SendLog log = tcb.sendLog;
        Scoreboard sb = tcb.scoreboard;
        long pipe = 0;
        int j = 0;
        for (int i = log.head; i < log.tail; i++) {
            int s = Seq.max(log.seq[i], tcb.sndUna);
            int e = log.end[i];
            if (!Seq.lt(s, e) || (log.flags[i] & SendLog.SACKED) != 0) {
                continue;
            }
            while (j < sb.count && Seq.le(sb.end[j], s)) {
                j++;
            }
            int n = unsacked(sb, j, s, e);
            if (n > 0 && !lost(i, firstUnsacked(sb, j, s), smss)) {
                pipe += n;
            }
        }
        return pipe;
    }

    private static int firstUnsacked(Scoreboard sb, int j, int s) {
        if (j < sb.count && Seq.le(sb.start[j], s)) {
            return sb.end[j];
        }
        return s;
    }

    /**
     * NextSeg() rule (1) with RACK (RFC 8985 6.1: "the sender MAY retransmit segments RACK
     * marks lost" through RFC 6675): retransmits up to one SMSS of the first record that is
     * lost and not retransmitted since; returns the sequence space sent, 0 when none is.
     */
    int retransmitLost(int smss) {
        SendLog log = tcb.sendLog;
        Scoreboard sb = tcb.scoreboard;
        int j = 0;
        for (int i = log.head; i < log.tail; i++) {
            int s = Seq.max(log.seq[i], tcb.sndUna);
            int e = log.end[i];
            if (!Seq.lt(s, e) || (log.flags[i] & SendLog.SACKED) != 0) {
                continue;
            }
            while (j < sb.count && Seq.le(sb.end[j], s)) {
                j++;
            }
            s = firstUnsacked(sb, j, s);
            if (!Seq.lt(s, e) || !lost(i, s, smss)) {
                continue;
            }
            int holeEnd = sb.nextSacked(s, e);
            int sent = c.sender.retransmit(s, Math.min(Seq.distance(s, holeEnd), smss));
            if (sent > 0) {
                tcb.highRxt = Seq.max(tcb.highRxt, s + sent);
                return sent;
            }
        }
        return 0;
    }

    // ---- Tail Loss Probe (RFC 8985 7) ------------------------------------------------------------------

    /**
     * RFC 8985 7.2: (re)arms the probe timer after new data went or an ACK arrived, unless in
     * recovery (fast or after an RTO), with SACKed data outstanding (RACK's timer covers that),
     * with nothing outstanding, or while the reorder timer or the persist timer runs. PTO =
     * 2 * SRTT (at least {@link #MIN_PTO_NANOS}), plus the worst-case delayed ACK when one
     * segment is in flight, at most when the RTO would fire.
     */
    void scheduleProbe(long now) {
        if (probing || !enabled() || tcb.inRecovery || tcb.sndUna == tcb.sndMax || tcb.sndNxt != tcb.sndMax
                || tcb.scoreboard.count > 0 || tcb.retransmitTimerKind == RetransmitTimer.REORDER
                || tcb.persistDeadline != 0 || !c.sender.maySendData()) {
            return;
        }
        long pto;
        if (tcb.rtt.hasSample()) {
            pto = Math.max(2 * tcb.rtt.smoothedRttNanos, MIN_PTO_NANOS);
            if (Seq.distance(tcb.sndUna, tcb.sndMax) <= tcb.sendMss) {
                pto += WORST_CASE_DELAYED_ACK_NANOS;
            }
        } else {
            pto = INITIAL_PTO_NANOS;
        }
        long rtoAt = tcb.retransmitTimerKind == RetransmitTimer.RTO && tcb.retransmitDeadline != 0
                ? tcb.retransmitDeadline : now + tcb.rtt.rtoNanos;
        tcb.retransmitDeadline = Math.min(now + pto, rtoAt);
        tcb.retransmitTimerKind = RetransmitTimer.PROBE;
    }

    /**
     * RFC 8985 7.3: the probe timer fired: one new segment if the receive window allows (cwnd
     * does not count), else the highest sent segment again (one probe retransmission per
     * episode, Linux tlp_high_seq); then the RTO timer.
     */
    void probeExpired(long now) {
        tcb.retransmitTimerKind = RetransmitTimer.RTO;
        if (!enabled() || tcb.sndUna == tcb.sndMax || !c.sender.maySendData()) {
            return;
        }
        int sent = 0;
        boolean retransmission = false;
        probing = true;
        try {
            if (tcb.sndNxt == tcb.sndMax) {
                sent = c.sender.sendNewSegment(now);
            }
            SendLog log = tcb.sendLog;
            if (sent == 0 && !tcb.tlpRxtOut && log.size() > 0) {
                int from = Seq.max(Seq.max(log.seq[log.tail - 1], tcb.sndMax - tcb.sendMss), tcb.sndUna);
                sent = c.sender.retransmit(from, Seq.distance(from, tcb.sndMax));
                retransmission = sent > 0;
            }
        } finally {
            probing = false;
        }
        if (sent > 0) {
            stack.counters.increment(TcpStatistic.LOSS_PROBES);
            if (!tcb.tlpRxtOut) {
                tcb.tlpRxtOut = true;
                tcb.tlpIsRetrans = retransmission;
                tcb.tlpHighRxt = tcb.sndNxt;
            }
        }
        tcb.retransmitDeadline = now + tcb.rtt.rtoNanos; // 7.3: the RTO timer, after the probe
        tcb.retransmitTimerKind = RetransmitTimer.RTO;
    }

    /**
     * RFC 8985 7.4 (Linux tcp_process_tlp_ack): the episode ends when the probe is
     * acknowledged; a probe retransmission that repaired a loss (an ACK beyond it without a
     * DSACK for it) reduces cwnd once, as a recovery would have.
     */
    private void tlpAck(Segment seg, boolean cumulative) {
        if (!tcb.tlpRxtOut || seg == null || Seq.lt(seg.ack, tcb.tlpHighRxt)) {
            return;
        }
        if (!tcb.tlpIsRetrans) {
            tcb.tlpRxtOut = false; // a probe of new data was delivered
        } else if (tcb.dsackThisAck && tcb.dsackEnd == tcb.tlpHighRxt) {
            tcb.tlpRxtOut = false; // the original and the probe both arrived: no loss
        } else if (Seq.gt(seg.ack, tcb.tlpHighRxt)) {
            tcb.tlpRxtOut = false;
            long now = stack.scheduler.nanoTime();
            CongestionState cs = tcb.congestion;
            cs.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax);
            c.congestionControl.onCongestionEvent(cs, now);
            c.congestionControl.onRecoveryEnd(cs, now);
            stack.counters.increment(TcpStatistic.LOSS_PROBE_RECOVERY);
        } else if (seg.ack == tcb.sndUna && seg.options.sackBlockCount == 0 && seg.payloadLength == 0
                && !cumulative) {
            tcb.tlpRxtOut = false; // a pure duplicate ACK: both arrived
        }
    }

    /** Recovery or an RTO began: the probe episode is over (Linux clears tlp_high_seq there). */
    void episodeOver() {
        tcb.tlpRxtOut = false;
    }
}
