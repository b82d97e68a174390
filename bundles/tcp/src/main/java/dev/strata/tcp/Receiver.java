package dev.strata.tcp;


/**
 * The receiving side (RFC 9293 3.8.6.2.2, 3.10.7.4 first, seventh and eighth steps): the
 * acceptability test, in-order and out-of-order data into the {@link ReceiveBuffer}, the
 * peer's FIN, the window we advertise, SACK blocks, and the ACKs we generate. Runs under the
 * connection's monitor; like gVisor's {@code rcv.go}.
 */
final class Receiver {

    /** The most one merged segment of Linux's GRO carries (GRO_LEGACY_MAX_SIZE, 64 KB): an ACK waits for no more. */
    static final int GRO_MAX_BYTES = 65536;

    private final TcpConnection c;
    private final Tcb tcb;
    private final TcpStack stack;

    Receiver(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
    }

    /** RFC 9293 3.10.7.4, the acceptability test: its four cases, then RCV.WND = 0 allowance. */
    boolean acceptable(Segment seg) {
        int length = seg.sequenceLength();
        long window = receiveWindow();
        int next = tcb.rcvNxt;
        if (length == 0) {
            if (window == 0) {
                return seg.seq == next;
            }
            return Seq.inWindow(seg.seq, next, next + (int) window);
        }
        if (window == 0) {
            // "special allowance should be made to accept valid ACKs, URGs, and RSTs": the data is
            // cut off later, the ACK processed
            return seg.seq == next;
        }
        int end = seg.seq + length - 1;
        return Seq.inWindow(seg.seq, next, next + (int) window) || Seq.inWindow(end, next, next + (int) window);
    }

    /** RCV.WND: the window we advertised last, from RCV.NXT to the right edge we offered. */
    long receiveWindow() {
        return Math.max(0, Seq.distance(tcb.rcvNxt, tcb.rcvAdvertisedEdge));
    }

    /** The seventh and eighth steps: segment text, then FIN. */
    void processText(Segment seg, long now) {
        int offset = Seq.distance(tcb.rcvNxt, seg.seq);
        boolean ack = false;
        boolean delayable = false;
        boolean stored = seg.payloadLength == 0;
        if (seg.payloadLength > 0 && tcb.state.receivesData()) {
            boolean holes = tcb.receiveBuffer.rangeCount > 0;
            if (tcb.receiveAutoTune) {
                // a ring trimmed while idle regrows to the window promised (BufferTuning)
                c.tuning.ensureReceiveRoom(tcb.receiveBuffer.readable() + (long) Math.max(0, offset) + seg.payloadLength);
            }
            measureReceiveMss(seg);
            int advanced = tcb.receiveBuffer.store(offset, seg.buffer, seg.payloadIndex, seg.payloadLength);
            stored = advanced >= 0;
            if (advanced > 0) {
                tcb.rcvNxt += advanced;
                tcb.bytesReceived += advanced;
                c.events |= TcpConnection.EVENT_READABLE;
            } else if (advanced < 0) {
                stack.counters.increment(TcpStatistic.OFO_DROPPED);
            } else if (offset > 0) {
                stack.counters.increment(TcpStatistic.OFO_QUEUED);
                tcb.receiveBuffer.noteOutOfOrder(tcb.receiveBuffer.inOrderEnd + offset);
            }
            // RFC 9293 3.10.7.4: "send an acknowledgment of the form <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>",
            // which RFC 1122 4.2.3.2 lets us delay for in-order data; out-of-order data, data
            // that fills a hole (RFC 5681 4.2) and duplicates are acknowledged at once
            if (advanced > 0 && offset == 0 && !holes) {
                delayable = true;
            } else {
                ack = true;
                // loss or reordering on the path: acknowledge every segment again for a while,
                // so that the sender's recovery is fed (Linux tcp_enter_quickack_mode)
                tcb.quickAcks = TcpConfig.QUICK_ACKS;
            }
        }
        if (seg.has(TcpHeader.FIN)) {
            int finSeq = seg.seq + seg.payloadLength;
            if (finSeq == tcb.rcvNxt && !tcb.finReceived) {
                finArrived(now);
                ack = true;
            } else if (tcb.state == TcpState.TIME_WAIT || tcb.finReceived) {
                ack = true; // a retransmitted FIN: acknowledge it again
                if (tcb.state == TcpState.TIME_WAIT) {
                    tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
                }
            } else if (stored && tcb.state.receivesData() && Seq.gt(finSeq, tcb.rcvNxt)
                    && Seq.distance(tcb.rcvNxt, finSeq) <= tcb.receiveBuffer.window()) {
                // a FIN after a hole: kept with the out-of-order data, so the peer need not resend it
                tcb.outOfOrderFin = true;
                tcb.outOfOrderFinSeq = finSeq;
                ack = true;
            }
        }
        if (tcb.outOfOrderFin && !tcb.finReceived && !Seq.lt(tcb.rcvNxt, tcb.outOfOrderFinSeq)) {
            tcb.outOfOrderFin = false;
            if (tcb.rcvNxt == tcb.outOfOrderFinSeq) {
                finArrived(now); // the hole filled up to the FIN
                ack = true;
            } // (else the peer sent data past its own FIN: the FIN is forgotten)
        }
        if (ack) {
            sendAck();
        } else if (delayable) {
            acknowledgeLater(now);
        }
    }

    /**
     * RFC 1122 4.2.3.2 / RFC 9293 3.8.6.3, delayed ACK: acknowledge at once while in quick-ack
     * mode (the connection's first segments, as Linux) or when more than one full-sized segment
     * is unacknowledged ("an ACK should be generated for at least every second full-sized
     * segment"); otherwise within {@link TcpConfig#DELAYED_ACK_NANOS}. Full-sized is the
     * peer's segment size as measured ({@link #measureReceiveMss}), as Linux's
     * __tcp_ack_snd_check ({@code rcv_nxt - rcv_wup > icsk_ack.rcv_mss}): counted in our own
     * MSS, a sender that never fills it (over a 64 KB loopback MTU) would be acknowledged
     * only by the timer. Any segment we send carries the ACK and cancels the timer
     * ({@link Sender#emit}).
     */
    void acknowledgeLater(long now) {
        if (tcb.quickAcks > 0) {
            tcb.quickAcks--;
            sendAck();
        } else if (Seq.distance(tcb.lastAckSent, tcb.rcvNxt) > receiveMss()) {
            // inside a link's receive batch the ACK goes once, at its end, for all the batch's
            // in-order segments, up to what one GRO segment holds (Linux tcp_gro_receive: 64 KB)
            if (Seq.distance(tcb.lastAckSent, tcb.rcvNxt) >= GRO_MAX_BYTES || !c.deferAck(now)) {
                sendAck();
            }
        } else if (tcb.delayedAckDeadline == 0) {
            tcb.delayedAckDeadline = now + TcpConfig.DELAYED_ACK_NANOS;
        }
    }

    /** The peer's full-sized segment (Linux icsk_ack.rcv_mss), before any data: tcp_initialize_rcv_mss. */
    int receiveMss() {
        if (tcb.rcvMss == 0) {
            // Linux tcp_initialize_rcv_mss: min(advmss, mss_cache, rcv_wnd / 2, TCP_MSS_DEFAULT 536), at least TCP_MIN_MSS 88
            int hint = Math.min(Math.min(advertisedMss(), tcb.sendMss), 536);
            hint = (int) Math.min(hint, Math.max(1, tcb.receiveBuffer.capacity() / 2));
            return Math.max(hint, 88);
        }
        return tcb.rcvMss;
    }

    /** Our MSS less the options every segment carries: the largest payload the peer may send. */
    private int advertisedMss() {
        return Math.max(1, tcb.localMss - (tcb.timestamps ? 12 : 0));
    }

    /**
     * Linux tcp_measure_rcv_mss: a payload at least the estimate raises it (up to our MSS); a
     * smaller one lowers it only when two in a row have the same size and look full-sized (at
     * least 536 bytes, or 88 without PSH: "if PSH is not set, packet should be full sized"),
     * so the short tail of a write does not shrink it.
     */
    private void measureReceiveMss(Segment seg) {
        // a merged (GSO) segment counts by the segments it was made of: "len = gso_size ?: skb->len"
        int length = seg.gsoSize > 0 ? Math.min(seg.gsoSize, seg.payloadLength) : seg.payloadLength;
        int estimate = receiveMss();
        if (length >= estimate) {
            tcb.rcvMss = Math.min(length, advertisedMss());
            return;
        }
        tcb.rcvMss = estimate;
        if (length >= 536 || length >= 88 && !seg.has(TcpHeader.PSH)) {
            if (length == tcb.lastSegSize) {
                tcb.rcvMss = length;
            }
            tcb.lastSegSize = length;
        }
    }

    /** The delayed-ACK timer fired. */
    void delayedAckExpired() {
        tcb.delayedAckDeadline = 0;
        if (tcb.state != TcpState.CLOSED) {
            sendAck();
        }
    }

    /** RFC 9293 3.10.7.4 eighth step: the peer's FIN, in order. */
    void finArrived(long now) {
        tcb.finReceived = true;
        tcb.rcvNxt += 1;
        c.events |= TcpConnection.EVENT_READABLE;
        switch (tcb.state) {
            case SYN_RECEIVED, ESTABLISHED -> c.setState(TcpState.CLOSE_WAIT);
            case FIN_WAIT_1 -> {
                if (tcb.finSent && Seq.gt(tcb.sndUna, tcb.finSeq)) {
                    c.enterTimeWait(now);
                } else {
                    c.setState(TcpState.CLOSING); // simultaneous close (RFC 9293 3.6 Figure 13)
                }
            }
            case FIN_WAIT_2 -> c.enterTimeWait(now);
            case TIME_WAIT -> tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
            default -> {
            }
        }
    }

    /**
     * Writes the out-of-order ranges into {@code out} as SACK blocks (RFC 2018 4): first the
     * range of the latest out-of-order segment, then the ranges reported most recently, then
     * the others nearest RCV.NXT first (the option may carry only the first three).
     */
    void sackBlocks(TcpOptions out) {
        ReceiveBuffer r = tcb.receiveBuffer;
        int n = 0;
        int used = 0; // bit i: range i is in the option (at most 16 ranges)
        for (int k = 0; k < r.recentCount && n < TcpOptions.MAX_SACK_BLOCKS; k++) {
            int i = r.rangeOf(r.recent[k]);
            if (i >= 0 && (used & (1 << i)) == 0) {
                used |= 1 << i;
                n = sackBlock(out, n, i);
            }
        }
        for (int i = 0; i < r.rangeCount && n < TcpOptions.MAX_SACK_BLOCKS; i++) {
            if ((used & (1 << i)) == 0) {
                n = sackBlock(out, n, i);
            }
        }
        out.sackBlockCount = n;
    }

    private int sackBlock(TcpOptions out, int n, int range) {
        ReceiveBuffer r = tcb.receiveBuffer;
        out.sackBlocks[2 * n] = tcb.rcvNxt + (int) (r.rangeStart[range] - r.inOrderEnd);
        out.sackBlocks[2 * n + 1] = tcb.rcvNxt + (int) (r.rangeEnd[range] - r.inOrderEnd);
        return n + 1;
    }

    int advertiseWindow(boolean syn) {
        long window = tcb.receiveBuffer.window();
        int advertised = Math.max(0, Seq.distance(tcb.rcvNxt, tcb.rcvAdvertisedEdge));
        if (window < advertised) {
            window = advertised; // RFC 9293 3.8.6.2.2: do not shrink the window
        } else if (!syn && window - advertised < swsThreshold()) {
            // RFC 9293 3.8.6.2.2 receiver silly-window avoidance: the right edge moves only when
            // "RCV.BUFF - RCV.USER - RCV.WND >= min(Fr * RCV.BUFF, Eff.snd.MSS)" (Fr = 1/2)
            window = advertised;
        }
        int shift = syn ? 0 : tcb.rcvWindowShift;
        int field = (int) Math.min(window >>> shift, 65535);
        tcb.rcvWnd = (long) field << shift;
        tcb.rcvAdvertisedEdge = tcb.rcvNxt + (int) tcb.rcvWnd;
        return field;
    }

    /** min(Fr * RCV.BUFF, MSS) with Fr = 1/2 (RFC 9293 3.8.6.2.2, RFC 1122 4.2.3.3). */
    long swsThreshold() {
        return Math.min(tcb.receiveBuffer.capacity() / 2, advertisedMss());
    }

    /**
     * After the application read: whether the window opened enough to be worth a segment of
     * its own (Linux tcp_cleanup_rbuf): only once what is left of the window advertised is at
     * most half the largest window we could offer, and the window we would now offer is at
     * least twice that ({@code 2 * rcv_window_now <= window_clamp}, {@code new_window >= 2 *
     * rcv_window_now}); the update also obeys the silly-window rule of {@link #advertiseWindow}.
     * A reader that keeps up is then never the cause of a segment: the data's ACKs carry
     * the window (every second segment, {@link #acknowledgeLater}), where a test of "more
     * than an MSS more" sends an update per segment read. A window that was shut (0) opens
     * as soon as the silly-window rule lets it.
     */
    boolean windowUpdateDue() {
        long now = receiveWindow();
        if (2 * now > maxWindow()) {
            return false;
        }
        long next = prospectiveWindow();
        return next > now && next >= 2 * now;
    }

    /** The largest window we could advertise (Linux window_clamp): the buffer, within the scaled field. */
    private long maxWindow() {
        return Math.min(tcb.receiveBuffer.capacity(), 65535L << tcb.rcvWindowShift);
    }

    /** The window {@link #advertiseWindow} would offer now, from RCV.NXT, without offering it. */
    private long prospectiveWindow() {
        long window = tcb.receiveBuffer.window();
        long advertised = receiveWindow();
        if (window < advertised || window - advertised < swsThreshold()) {
            return advertised;
        }
        return Math.min(window >>> tcb.rcvWindowShift, 65535) << tcb.rcvWindowShift;
    }

    /**
     * A pure ACK, "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>" with SND.NXT the highest sequence sent:
     * after a timeout rewound SND.NXT to SND.UNA the peer's RCV.NXT may be beyond it, and an ACK
     * below RCV.NXT fails the peer's acceptability test (RFC 9293 3.10.7.4) and is never
     * processed; BSD's tcp_output sends SND.MAX for the same reason (found by the simulation
     * harness: data both ways under loss stalled).
     */
    void sendAck() {
        c.sender.emit(tcb.sndMax, TcpHeader.ACK, 0, 0);
    }

    /** RFC 5961 3.2 / 4.2 / 5.2 challenge ACK, limited per RFC 5961 7. */
    void challengeAck(long now) {
        if (now - tcb.challengeAckWindowStartNanos >= TcpConnection.SECOND || tcb.challengeAckWindowStartNanos == 0) {
            tcb.challengeAckWindowStartNanos = now;
            tcb.challengeAcksInWindow = 0;
        }
        if (tcb.challengeAcksInWindow >= stack.config.challengeAcksPerSecond()) {
            stack.counters.increment(TcpStatistic.CHALLENGE_ACKS_LIMITED);
            return;
        }
        tcb.challengeAcksInWindow++;
        stack.counters.increment(TcpStatistic.CHALLENGE_ACKS);
        sendAck();
    }
}
