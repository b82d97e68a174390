package dev.strata.tcp;

import dev.strata.api.tcp.CongestionState;

/**
 * Loss recovery: with SACK permitted, RFC 6675's conservative SACK-based recovery over the
 * {@link Scoreboard} (below, "SACK-based recovery"); without it, fast retransmit and NewReno
 * fast recovery (RFC 5681 3.2, RFC 6582 3.2).
 *
 * <p>NewReno: duplicate ACKs
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
    /** RACK-TLP (RFC 8985) beside RFC 6675, for connections with SACK. */
    final RackTlp rack;

    LossRecovery(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
        this.rack = new RackTlp(c);
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
        tcb.sackRecovery = false;
        tcb.recoveryTimerRestarted = false;
        cs.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax); // FlightSize
        c.congestionControl.onCongestionEvent(cs, now);
        // RFC 5681 3.2 step 3: cwnd = ssthresh + 3 * SMSS, the three segments that left the network
        cs.cwnd = cs.ssthresh + (long) DUPLICATE_ACK_THRESHOLD * tcb.sendMss;
        stack.counters.increment(TcpStatistic.FAST_RETRANSMITS);
        stack.counters.increment(TcpStatistic.RENO_RECOVERY);
        c.sender.retransmitFirst(now);
        c.sender.output(now);
    }

    /** New data acknowledged while in recovery ({@code acked} bytes of sequence space, SND.UNA already moved). */
    void newAckInRecovery(int acked, long now) {
        CongestionState cs = tcb.congestion;
        tcb.duplicateAcks = 0;
        if (!Seq.lt(tcb.sndUna, tcb.recover)) {
            // RFC 6582 3.2 step 3, full acknowledgment: recovery ends; the algorithm deflates
            // (to ssthresh, or min(ssthresh, FlightSize + SMSS)); RFC 6675 5 (A): "An incoming
            // cumulative ACK for a sequence number greater than RecoveryPoint signals the end of
            // loss recovery" (the scoreboard above SND.UNA is kept: "SHOULD NOT be cleared")
            tcb.inRecovery = false;
            tcb.sackRecovery = false;
            cs.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax);
            c.congestionControl.onRecoveryEnd(cs, now);
            return;
        }
        if (tcb.sackRecovery) {
            return; // RFC 6675 5 (B), (C): the scoreboard decides, after this ACK's blocks (sackArrived, output)
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
            if (tcb.sackRecovery) {
                stack.counters.increment(TcpStatistic.SACK_FAILURES);
            }
        }
        // RFC 6675 5.1: the scoreboard is KEPT across the timeout ("as long as robust tests for
        // reneging are present, an implementation can retain and use SACK information across a
        // timeout event", Errata 1610), and the go-back after it skips SACKed octets (Sender):
        // "a SACK TCP sender SHOULD utilize all SACK information made available during the slow
        // start phase of loss recovery following an RTO". The reneging test is sackArrived's (as
        // Linux's tcp_check_sack_reneging), which clears the scoreboard when SND.UNA lands on
        // SACKed data, so a reneging receiver cannot stall the connection.
        tcb.inRecovery = false;
        tcb.sackRecovery = false;
        tcb.duplicateAcks = 0;
        tcb.recover = tcb.sndMax;
    }

    // ---- SACK-based recovery (RFC 6675) ------------------------------------------------------------------

    /**
     * The SACK part of an acceptable ACK (RFC 6675 5), after SND.UNA moved for its cumulative
     * part: the scoreboard forgets what SND.UNA passed (and is cleared when the peer reneged),
     * Update() takes every valid block, and an ACK that SACKed new octets is a duplicate ACK
     * (RFC 6675 2) which, outside recovery, counts towards DupThresh or enters recovery (steps
     * 1-4). Transmission, (C), follows in {@link Sender#output}, once the ACK's window is taken.
     */
    void sackArrived(Segment seg, long now) {
        Scoreboard sb = tcb.scoreboard;
        if (sb.acknowledge(tcb.sndUna)) {
            // RFC 2018 8: the receiver discarded data it had SACKed; as Linux, forget every mark
            // (the peer repeats in its next ACKs what it still holds) so nothing it lacks is skipped
            stack.counters.increment(TcpStatistic.SACK_RENEGING);
            sb.clear();
        }
        TcpOptions o = seg.options;
        long newlySacked = 0;
        tcb.dsackThisAck = false;
        for (int i = 0; i < o.sackBlockCount; i++) {
            int left = o.sackBlocks[2 * i];
            int right = o.sackBlocks[2 * i + 1];
            // RFC 2883 4: a first block below the cumulative ACK, or inside the second block, is a D-SACK
            if (i == 0 && Seq.lt(left, right) && (Seq.le(right, seg.ack) || o.sackBlockCount > 1
                    && Seq.ge(left, o.sackBlocks[2]) && Seq.le(right, o.sackBlocks[3]))) {
                stack.counters.increment(TcpStatistic.DSACK_RECV);
                tcb.dsackThisAck = true; // for RACK's reordering window and TLP (RFC 8985 6.2, 7.4)
                tcb.dsackEnd = right;
                continue;
            }
            // RFC 2018 3 / RFC 6675 3: a block describes octets sent and not yet acknowledged;
            // anything else (empty, inverted, outside SND.UNA..SND.MAX) is a bad peer's, ignored
            if (!Seq.lt(left, right) || Seq.lt(left, tcb.sndUna) || Seq.gt(right, tcb.sndMax)) {
                stack.counters.increment(TcpStatistic.SACK_DISCARD);
                continue;
            }
            newlySacked += sb.add(left, right);
            if (sb.mergedByLastAdd > 0) {
                stack.counters.add(TcpStatistic.SACK_MERGED, sb.mergedByLastAdd);
            }
            if (sb.overflowedByLastAdd) {
                stack.counters.increment(TcpStatistic.SACK_SCOREBOARD_FULL);
            }
        }
        if (tcb.inRecovery || c.congestionControl == null || newlySacked == 0 || tcb.sndUna == tcb.sndMax) {
            return; // in recovery: (B) done, (C) in output; else not a duplicate ACK (RFC 6675 2)
        }
        tcb.duplicateAcks++;
        // steps (1) and (2): DupThresh duplicates, or IsLost(HighACK + 1); and as NewReno (RFC
        // 6582 3.2 step 2), not again for duplicates of a window whose loss was already handled
        boolean lost = tcb.duplicateAcks >= DUPLICATE_ACK_THRESHOLD || sb.isLost(tcb.sndUna, tcb.sendMss);
        if (!lost || !Seq.gt(tcb.sndUna, tcb.recover)) {
            // step (3): limited transmit (RFC 3042, Sender.congestionWindow), HighRxt = HighACK
            tcb.highRxt = tcb.sndUna;
            return;
        }
        enterSack(now);
    }

    /** RFC 6675 5 step (4): fast retransmit and entry into SACK-based loss recovery. */
    void enterSack(long now) {
        CongestionState cs = tcb.congestion;
        // (4.1) RecoveryPoint = HighData
        tcb.recover = tcb.sndMax;
        tcb.inRecovery = true;
        tcb.sackRecovery = true;
        tcb.rescueRxtValid = false;
        // (4.2) ssthresh = cwnd = FlightSize / 2: the algorithm's decision (the API's contract);
        // no inflation, since pipe, not cwnd, counts the segments that left the network
        cs.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax);
        c.congestionControl.onCongestionEvent(cs, now);
        stack.counters.increment(TcpStatistic.FAST_RETRANSMITS);
        stack.counters.increment(TcpStatistic.SACK_RECOVERY);
        rack.episodeOver();
        if (rack.enabled()) {
            // (4.3) with RACK (RFC 8985 6.1): the first segment lost (RACK's mark or IsLost), cwnd or not
            tcb.highRxt = tcb.sndUna;
            if (rack.retransmitLost(tcb.sendMss) > 0) {
                return;
            } // (DupThresh duplicates without IsLost: the segment at HighACK + 1, as below)
        }
        // (4.3) retransmit the segment at HighACK + 1, up to the first SACKed octet; HighRxt its end
        int end = tcb.scoreboard.nextSacked(tcb.sndUna, tcb.sndUna + tcb.sendMss);
        tcb.highRxt = tcb.sndUna + c.sender.retransmit(tcb.sndUna, Seq.distance(tcb.sndUna, end));
        // (4.4), (4.5): SetPipe and step (C), in Sender.output after the ACK's window update
    }

    /**
     * RFC 6675 5 step (C), for every ACK in SACK recovery (from {@link Sender#output}): while
     * cwnd - pipe >= 1 SMSS, send what NextSeg() names, each octet counted into pipe (C.4).
     */
    void sackOutput(long now) {
        Scoreboard sb = tcb.scoreboard;
        int smss = tcb.sendMss;
        long pipe = rack.enabled() ? rack.pipe(smss) : sb.pipe(tcb.sndUna, tcb.sndMax, tcb.highRxt, smss);
        while (tcb.congestion.cwnd - pipe >= smss) {
            long sent = nextSegment(now, sb, smss);
            if (sent <= 0) {
                return; // (C.1): NextSeg() failed
            }
            pipe += sent;
        }
    }

    /** RFC 6675 NextSeg() and the transmission of its segment; returns the octets sent, 0 when none. */
    private long nextSegment(long now, Scoreboard sb, int smss) {
        int una = tcb.sndUna;
        boolean rackOn = rack.enabled();
        if (rackOn) {
            // rule (1) with RACK: what RACK marked lost, or IsLost() and not yet retransmitted,
            // retransmitted ones included (a lost retransmission, which HighRxt would skip)
            int sent = rack.retransmitLost(smss);
            if (sent > 0) {
                return sent;
            }
        } else if (sb.count > 0) {
            // rule (1): the smallest unSACKed S2 > HighRxt, below the highest SACKed octet, IsLost(S2)
            long below = 0;
            int holeStart = una;
            for (int i = 0; i < sb.count; i++) {
                int s2 = Seq.max(holeStart, tcb.highRxt);
                if (Seq.lt(s2, sb.start[i]) && sb.holeLost(i, below, smss)) {
                    return retransmitHole(s2, sb.start[i], smss, false);
                }
                below += Seq.distance(sb.start[i], sb.end[i]);
                holeStart = sb.end[i];
            }
        }
        // rule (2): previously unsent data, as the receiver's window allows (one SMSS at most)
        int sent = c.sender.sendNewSegment(now);
        if (sent > 0) {
            return sent;
        }
        if (sb.count == 0) {
            return 0;
        }
        // rule (3): as (1) without IsLost: the first unSACKed octet above HighRxt below the highest SACK
        // (not with RACK, whose reorder timer marks those segments lost in time, as Linux)
        int holeStart = una;
        for (int i = 0; i < sb.count && !rackOn; i++) {
            int s3 = Seq.max(holeStart, tcb.highRxt);
            if (Seq.lt(s3, sb.start[i])) {
                return retransmitHole(s3, sb.start[i], smss, false);
            }
            holeStart = sb.end[i];
        }
        // rule (4): one rescue retransmission per recovery, of the highest outstanding unSACKed
        // octet, "If HighACK is greater than RescueRxt (or RescueRxt is undefined)"
        // (not with RACK: the probe and RACK's marks repair the tail, as Linux, which has no rescue)
        if (!rackOn && (!tcb.rescueRxtValid || Seq.gt(una, tcb.rescueRxt))) {
            int top = sb.highestSacked();
            int holeEnd = tcb.sndMax;
            if (!Seq.lt(top, holeEnd)) { // nothing above the highest SACK: the hole below it
                holeEnd = sb.start[sb.count - 1];
                top = sb.count > 1 ? sb.end[sb.count - 2] : una;
            }
            if (Seq.lt(top, holeEnd)) {
                tcb.rescueRxt = tcb.recover;
                tcb.rescueRxtValid = true;
                int from = Seq.max(top, holeEnd - smss);
                return retransmitHole(from, holeEnd, smss, true);
            }
        }
        return 0; // rule (5)
    }

    /** Retransmits [from, min(holeEnd, from + SMSS)); (C.2): HighRxt moves unless it is the rescue. */
    private long retransmitHole(int from, int holeEnd, int smss, boolean rescue) {
        int length = Math.min(Seq.distance(from, holeEnd), smss);
        int sent = c.sender.retransmit(from, length);
        if (!rescue && sent > 0) {
            tcb.highRxt = Seq.max(tcb.highRxt, from + sent);
        }
        return sent;
    }
}
