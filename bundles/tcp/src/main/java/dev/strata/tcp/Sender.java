package dev.strata.tcp;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.tcp.CongestionState;

/**
 * The sending side (RFC 9293 3.8.6.2.1, 3.10.7.4 fifth step; RFC 5681): segmentation of the
 * {@link SendBuffer} within min(SND.WND, cwnd), the FIN, processing of acknowledgments
 * (SND.UNA, the send window, RTT samples, congestion control), and building every segment
 * into the connection's outbox. Runs under the connection's monitor; like gVisor's
 * {@code snd.go}.
 */
final class Sender {

    private final TcpConnection c;
    private final Tcb tcb;
    private final TcpStack stack;
    /** The options of the segment being built (one per connection: no allocation per segment). */
    private final TcpOptions out = new TcpOptions();

    Sender(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
    }

    boolean maySendData() {
        return switch (tcb.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, LAST_ACK, CLOSING -> true;
            default -> false;
        };
    }

    /**
     * Sends what the send window (min of SND.WND and cwnd) allows, in segments of at most the
     * MSS, then the FIN; in SACK recovery, what RFC 6675's NextSeg() names within cwnd - pipe.
     */
    void output(long now) {
        if (!maySendData()) {
            return;
        }
        if (tcb.sackRecovery) {
            c.recovery.sackOutput(now); // RFC 6675 5 (C)
            return;
        }
        long cwnd = c.congestionControl == null ? Long.MAX_VALUE : congestionWindow();
        long window = Math.min(tcb.sndWnd, cwnd);
        while (sendNew(now, window) > 0) {
            // one segment at a time while the window allows
        }
        validateCongestionWindow(cwnd);
    }

    /**
     * Remembers whether the sender used its congestion window (RFC 7661 4, as Linux's
     * tcp_cwnd_validate): cwnd-limited when what is in flight leaves less than an MSS of cwnd;
     * the largest flight is kept per window of data (until SND.UNA passes the SND.NXT of the
     * last change), so that an application-limited sender does not grow cwnd without bound
     * on ACKs for data it never needed the window for (see {@link #cwndLimited}).
     */
    private void validateCongestionWindow(long cwnd) {
        long flight = Seq.distance(tcb.sndUna, tcb.sndNxt);
        boolean limited = flight + tcb.sendMss > cwnd;
        if (!tcb.cwndUsageValid || !Seq.lt(tcb.sndUna, tcb.cwndUsageSeq) || limited
                || !tcb.cwndLimited && flight > tcb.maxFlight) {
            tcb.cwndLimited = limited;
            tcb.maxFlight = flight;
            tcb.cwndUsageSeq = tcb.sndNxt;
            tcb.cwndUsageValid = true;
        }
    }

    /**
     * Whether an ACK may grow cwnd (Linux tcp_is_cwnd_limited): in slow start while cwnd is
     * under twice the largest recent flight (slow start may double a window that was used),
     * in congestion avoidance only when the sender was cwnd-limited (RFC 5681 3.1: "cwnd
     * SHOULD NOT be increased" while not fully used; RFC 7661).
     */
    private boolean cwndLimited() {
        CongestionState cs = tcb.congestion;
        if (cs.cwnd < cs.ssthresh) {
            return cs.cwnd < 2 * tcb.maxFlight;
        }
        return tcb.cwndLimited;
    }

    /**
     * RFC 6675 NextSeg() rule (2): one segment of previously unsent data (or the FIN), at most
     * one SMSS, as the receiver's window allows; returns the sequence space sent, 0 for none.
     */
    int sendNewSegment(long now) {
        long sent = Seq.distance(tcb.sndUna, tcb.sndNxt);
        return sendNew(now, Math.min(tcb.sndWnd, sent + tcb.sendMss));
    }

    /**
     * Sends the next segment from SND.NXT if {@code window} (bytes from SND.UNA) leaves room,
     * and the silly-window rule and Nagle let it go; returns the sequence space sent, 0 when
     * nothing went.
     */
    private int sendNew(long now, long window) {
        // going back after a timeout (SND.NXT < SND.MAX): what the peer SACKed is not sent again
        // (RFC 6675 5.1: "utilize all SACK information ... during the slow start phase of loss
        // recovery following an RTO"); a segment stops short of the next SACKed range
        int limit = Integer.MAX_VALUE;
        if (Seq.lt(tcb.sndNxt, tcb.sndMax) && tcb.scoreboard.count > 0) {
            tcb.sndNxt = Seq.min(tcb.scoreboard.skipSacked(tcb.sndNxt), tcb.sndMax);
            limit = Seq.distance(tcb.sndNxt, tcb.scoreboard.nextSacked(tcb.sndNxt, tcb.sndMax));
            if (limit <= 0) {
                limit = Integer.MAX_VALUE;
            }
        }
        int sent = Seq.distance(tcb.sndUna, tcb.sndNxt);
        int unsent = tcb.sendBuffer.length - sent;
        if (unsent > 0) {
            long room = window - sent;
            int n = (int) Math.min(Math.min(unsent, segmentGoal()), Math.max(room, 0));
            if (n > tcb.sendMss && n < unsent) {
                n -= n % tcb.sendMss; // TSO mid-stream: whole segments only (Linux tcp_mss_split_point)
            }
            boolean clipped = n > limit;
            if (clipped) {
                n = limit;
            }
            if (n <= 0) {
                if (sent == 0 && tcb.sndWnd == 0) {
                    c.persistTimer.start(now); // the peer's window is shut and nothing is in flight
                }
                return 0;
            }
            // RFC 9293 3.8.6.2.1 / RFC 1122 4.2.3.4, sender silly-window avoidance: a
            // segment the window cuts short goes only if it is at least half the largest
            // window the peer offered; else it waits for the window to open, or for the
            // override timer when nothing is in flight to bring an ACK (all the queued data
            // fitting is Nagle's case below)
            if (!clipped && n < unsent && n < tcb.sendMss && n < tcb.maxSndWnd / 2 && !tcb.swsOverride) {
                if (sent == 0 && tcb.swsDeadline == 0) {
                    tcb.swsDeadline = now + swsOverrideNanos();
                }
                return 0;
            }
            tcb.swsOverride = false;
            tcb.swsDeadline = 0;
            boolean fin = tcb.finQueued && n == unsent;
            // RFC 896 / RFC 9293 3.7.4 Nagle: while data is unacknowledged, hold back a
            // segment shorter than the MSS until the ACK comes or it fills (not with
            // TCP_NODELAY, and never the last segment before our FIN, as Linux)
            if (n == unsent && n < tcb.sendMss && sent > 0 && !tcb.noDelay && !fin) {
                return 0;
            }
            int seq = tcb.sndNxt;
            int flags = TcpHeader.ACK | (n == unsent ? TcpHeader.PSH : 0) | (fin ? TcpHeader.FIN : 0);
            emit(seq, flags, sent, n);
            if (!tcb.rttTiming && seq == tcb.sndMax) {
                tcb.rttTiming = true;
                tcb.rttSeq = seq;
                tcb.rttStartNanos = now;
            }
            tcb.sndNxt = seq + n;
            if (fin) {
                tcb.finSeq = tcb.sndNxt;
                tcb.finSent = true;
                tcb.sndNxt += 1;
            }
            tcb.sndMax = Seq.max(tcb.sndMax, tcb.sndNxt);
            c.retransmitTimer.arm(now);
            c.recovery.rack.scheduleProbe(now); // RFC 8985 7.2: new data (re)arms the probe timer
            return n + (fin ? 1 : 0);
        } else if (unsent == 0 && tcb.finQueued && (!tcb.finSent || tcb.sndNxt == tcb.finSeq)) {
            tcb.finSeq = tcb.sndNxt;
            tcb.finSent = true;
            emit(tcb.sndNxt, TcpHeader.FIN | TcpHeader.ACK, 0, 0);
            tcb.sndNxt += 1;
            tcb.sndMax = Seq.max(tcb.sndMax, tcb.sndNxt);
            c.retransmitTimer.arm(now);
            c.recovery.rack.scheduleProbe(now);
            return 1;
        }
        return 0;
    }

    /**
     * How much one segment we build may carry: the MSS, or with a link that segments for us
     * (TSO) as many whole MSS as its largest datagram holds (Linux tcp_xmit_size_goal; its
     * headers and options inside 100 bytes), so a write goes out in a few 64 KB datagrams.
     */
    private int segmentGoal() {
        if (tcb.gsoMaxSize <= 0) {
            return tcb.sendMss;
        }
        int segments = Math.max(1, (tcb.gsoMaxSize - 100) / tcb.sendMss);
        return segments * tcb.sendMss;
    }

    /**
     * RFC 1122 4.2.3.4: "the override timeout should be in the range 0.1 - 1.0 seconds"; one
     * RTO within those bounds (Linux sends what the window allows when its probe timer fires).
     */
    private long swsOverrideNanos() {
        return Math.max(100_000_000L, Math.min(1_000_000_000L, tcb.rtt.rtoNanos));
    }

    /** The SWS override timer fired: send what the window allows, short as it is. */
    void swsOverrideExpired(long now) {
        tcb.swsDeadline = 0;
        tcb.swsOverride = true;
        output(now);
        tcb.swsOverride = false;
    }

    /**
     * Builds one segment into the c.outbox: header, options, and {@code length} bytes of the send
     * buffer from {@code dataOffset} bytes after SND.UNA. ACK carries RCV.NXT; the window is
     * what the receive buffer can take, never less than advertised before (RFC 9293
     * 3.8.6.2.2), scaled unless this is a SYN (RFC 7323 2.2).
     */
    void emit(int seq, int flags, int dataOffset, int length) {
        boolean syn = (flags & TcpHeader.SYN) != 0;
        long now = stack.scheduler.nanoTime();
        out.clear();
        if (syn) {
            out.mss = tcb.localMss;
            boolean active = tcb.state == TcpState.SYN_SENT || !tcb.passiveOpen && (flags & TcpHeader.ACK) == 0;
            // on a SYN-ACK only what the peer offered (RFC 7323 2.2, 3.2; RFC 2018 2)
            if (active || tcb.windowScaling) {
                out.windowScale = tcb.rcvWindowShift;
            }
            out.sackPermitted = active ? stack.sack : tcb.sackPermitted;
            out.timestamps = active || tcb.timestamps;
        } else {
            out.timestamps = tcb.timestamps;
            if (tcb.sackPermitted && tcb.receiveBuffer.rangeCount > 0) {
                c.receiver.sackBlocks(out);
            }
        }
        if (out.timestamps) {
            out.tsVal = (int) (now / 1_000_000L) + tcb.tsOffset;
            out.tsEcr = (flags & TcpHeader.ACK) != 0 ? tcb.tsRecent : 0;
        }
        int optionLength = out.length(syn);
        int headerLength = TcpHeader.MIN_LENGTH + optionLength;
        PacketBuffer b = stack.pool.allocate(headerLength + length);
        int at = b.append(headerLength + length);
        int window = c.receiver.advertiseWindow(syn);
        boolean ack = (flags & TcpHeader.ACK) != 0;
        TcpHeader.write(b, at, tcb.localPort, tcb.remotePort, seq, ack ? tcb.rcvNxt : 0, headerLength, flags, window);
        out.write(b, at + TcpHeader.MIN_LENGTH, syn);
        if (length > 0) {
            tcb.sendBuffer.copyOut(dataOffset, length, b, at + headerLength);
        }
        if (tcb.gsoMaxSize > 0) {
            // the link completes the checksum (CHECKSUM_PARTIAL: the field holds the
            // pseudo-header's folded sum, as Linux's __tcp_v4_send_check) and cuts a datagram
            // longer than one segment into MSS-sized ones (TSO)
            TcpHeader.writePartialChecksum(b, at, headerLength + length, tcb.localAddress, tcb.remoteAddress);
            b.checksumPartial(true);
            if (length > tcb.sendMss) {
                b.gsoSize(tcb.sendMss);
            }
        } else {
            TcpHeader.writeChecksum(b, at, headerLength + length, tcb.localAddress, tcb.remoteAddress);
        }
        b.transportOffset(at);
        if (ack) {
            tcb.lastAckSent = tcb.rcvNxt;
            tcb.delayedAckDeadline = 0; // this segment carries the ACK a delayed one would have
        }
        int seqLength = length + (syn ? 1 : 0) + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
        if (seqLength > 0 && !syn) {
            c.recovery.rack.transmitted(seq, seq + seqLength, now); // RFC 8985 5.2: the send record
        }
        if (seqLength > 0 && Seq.lt(seq, tcb.sndMax) && !(syn && tcb.retransmits == 0)) {
            stack.counters.increment(TcpStatistic.RETRANS_SEGS);
            tcb.retransmittedSegments++;
        } else {
            // a TSO datagram counts as the segments it becomes (Linux tcp_skb_pcount)
            stack.counters.add(TcpStatistic.OUT_SEGS, length > tcb.sendMss ? (length + tcb.sendMss - 1) / tcb.sendMss : 1);
        }
        c.outbox.add(b, tcb.localAddress, tcb.remoteAddress);
    }

    /** Sends <SEQ=seq><CTL=RST> (with ACK=ack when {@code withAck}). */
    void reset(int seq, int ack, boolean withAck) {
        stack.counters.increment(TcpStatistic.OUT_RSTS);
        PacketBuffer b = stack.pool.allocate();
        int at = b.append(TcpHeader.MIN_LENGTH);
        TcpHeader.write(b, at, tcb.localPort, tcb.remotePort, seq, withAck ? ack : 0, TcpHeader.MIN_LENGTH,
                TcpHeader.RST | (withAck ? TcpHeader.ACK : 0), 0);
        TcpHeader.writeChecksum(b, at, TcpHeader.MIN_LENGTH, tcb.localAddress, tcb.remoteAddress);
        b.transportOffset(at);
        stack.counters.increment(TcpStatistic.OUT_SEGS);
        c.outbox.add(b, tcb.localAddress, tcb.remoteAddress);
    }

    /**
     * SND.UNA < SEG.ACK =< SND.NXT: data (and maybe our FIN) acknowledged; {@code tsEcr} is the
     * segment's TSecr (0 when it carries none).
     */
    void newAck(int ack, long now, int tsEcr) {
        int acked = Seq.distance(tcb.sndUna, ack);
        int data = Math.min(acked, tcb.sendBuffer.length);
        tcb.sendBuffer.acknowledge(data);
        tcb.bytesAcked += data;
        tcb.sndUna = ack;
        if (Seq.lt(tcb.sndNxt, ack)) {
            tcb.sndNxt = ack; // after a go-back, an ACK for data sent before the timeout
        }
        long tsRtt = timestampRtt(tsEcr, now);
        if (tsRtt >= 0) {
            // RFC 7323 4.1 RTTM: every ACK that advances SND.UNA gives a sample from TSecr, even
            // after a retransmission (the echo says which transmission it answers, so Karn's
            // ambiguity is gone): the backed-off RTO recovers at once (RFC 6298 5.7 spirit)
            tcb.rttTiming = false;
            // RFC 7323 Appendix G: ExpectedSamples = ceiling(FlightSize / (SMSS * 2))
            long flight = (long) acked + Seq.distance(ack, tcb.sndMax);
            int expected = (int) Math.min(1024, Math.max(1, (flight + 2L * tcb.sendMss - 1) / (2L * tcb.sendMss)));
            tcb.rtt.sample(tsRtt, expected);
            tcb.congestion.smoothedRttNanos = tcb.rtt.smoothedRttNanos;
            tcb.congestion.minRttNanos = tcb.rtt.minRttNanos;
            onAck(acked, data, tsRtt, now);
        } else if (tcb.rttTiming && Seq.gt(ack, tcb.rttSeq)) {
            // Karn (RFC 6298 3): the timed segment is sampled only if it was not retransmitted
            long rtt = now - tcb.rttStartNanos;
            tcb.rtt.sample(rtt);
            tcb.rttTiming = false;
            tcb.congestion.smoothedRttNanos = tcb.rtt.smoothedRttNanos;
            tcb.congestion.minRttNanos = tcb.rtt.minRttNanos;
            onAck(acked, data, rtt, now);
        } else {
            onAck(acked, data, 0, now);
        }
        tcb.retransmits = 0;
        // RFC 6298 5.2 / 5.3: all acknowledged, stop the timer; else restart it (in recovery
        // only on the first partial ACK, RFC 6582 3.2 step 4, set by LossRecovery)
        if (tcb.sndUna == tcb.sndMax) {
            tcb.retransmitDeadline = 0;
        } else if (!tcb.inRecovery || tcb.sackRecovery || !tcb.recoveryTimerRestarted) {
            // (RFC 6675 keeps RFC 6298 5.3 in SACK recovery: every new cumulative ACK restarts it)
            tcb.retransmitDeadline = now + tcb.rtt.rtoNanos;
            tcb.retransmitTimerKind = RetransmitTimer.RTO;
            tcb.recoveryTimerRestarted = tcb.inRecovery;
        }
        if (data > 0) {
            // Linux sk_stream_write_space (net/core/stream.c): a writer is woken only once the
            // free space is at least half what is still queued (sk_stream_wspace >=
            // sk_stream_min_wspace, a third of the buffer when it was full), not per ACK, so a
            // blocked writer wakes for one large write instead of many small ones
            SendBuffer sb = tcb.sendBuffer;
            if (sb.capacity() - sb.length >= sb.length / 2) {
                c.events |= TcpConnection.EVENT_WRITABLE;
            }
            c.tuning.afterAck(now); // twice cwnd (Linux tcp_sndbuf_expand)
            c.tuning.armTrim(now);
        }
    }

    /**
     * The round trip from a TSecr (RFC 7323 4.1, 4.2: our clock minus the echoed TSval), or -1
     * when there is none: timestamps off, a TSecr of 0 (Linux treats it as none: a peer
     * echoing nothing yet), or a TSecr from the future or older than the largest RTO (a
     * broken or stale echo, which must not poison the estimator).
     */
    private long timestampRtt(int tsEcr, long now) {
        if (!tcb.timestamps || tsEcr == 0) {
            return -1;
        }
        // an echo of a TSval sent before the last timeout answers a segment sent before it
        // (a spurious retransmission's duplicate is answered with the original's TS.Recent,
        // RFC 7323 4.3): the sample would include the timeout itself, so it is not taken
        if (tcb.tsAtLastTimeoutValid && Seq.lt(tsEcr, tcb.tsAtLastTimeout)) {
            return -1;
        }
        int clock = (int) (now / 1_000_000L) + tcb.tsOffset;
        long millis = clock - tsEcr; // modular: TSvals wrap (RFC 7323 5.2)
        if (millis < 0 || millis * 1_000_000L > tcb.rtt.maxRtoNanos) {
            return -1;
        }
        return millis * 1_000_000L;
    }

    /**
     * cwnd, plus RFC 3042 limited transmit: on the first and second duplicate ACK (outside
     * recovery) one new segment each may go, "FlightSize <= cwnd + 2*SMSS", so that a small
     * window still produces the three duplicate ACKs of a fast retransmit. New data only:
     * not while going back after a timeout.
     */
    private long congestionWindow() {
        long cwnd = tcb.congestion.cwnd;
        if (!tcb.inRecovery && tcb.duplicateAcks > 0 && tcb.sndNxt == tcb.sndMax) {
            cwnd += (long) Math.min(tcb.duplicateAcks, 2) * tcb.sendMss;
        }
        return cwnd;
    }

    /**
     * RFC 5681 2, "DUPLICATE ACKNOWLEDGMENT": (a) data outstanding, (b) no data in the
     * segment, (c) neither SYN nor FIN, (d) SEG.ACK = SND.UNA (the caller checked it is not
     * above), (e) the same advertised window as the last ACK.
     */
    private boolean isDuplicateAck(Segment seg) {
        // an ACK that keeps the window shut answers a zero-window probe: not a loss signal
        return tcb.sndUna != tcb.sndMax && seg.window != 0 && seg.payloadLength == 0 && !seg.has(TcpHeader.SYN)
                && !seg.has(TcpHeader.FIN) && seg.ack == tcb.sndUna
                && ((long) seg.window << tcb.sndWindowShift) == tcb.sndWnd;
    }

    /**
     * Retransmits the segment at SND.UNA (at most one MSS, with the FIN if it is the last):
     * fast retransmit (RFC 5681 3.2 step 4) and the partial-ACK retransmission (RFC 6582 3.2 step 4).
     */
    void retransmitFirst(long now) {
        int length = Math.min(tcb.sendBuffer.length, tcb.sendMss);
        boolean fin = tcb.finSent && length == tcb.sendBuffer.length;
        if (length == 0 && !fin) {
            return;
        }
        int flags = TcpHeader.ACK | (length > 0 && length == tcb.sendBuffer.length ? TcpHeader.PSH : 0)
                | (fin ? TcpHeader.FIN : 0);
        emit(tcb.sndUna, flags, 0, length);
        int end = tcb.sndUna + length + (fin ? 1 : 0);
        if (Seq.lt(tcb.sndNxt, end)) {
            tcb.sndNxt = end; // after a go-back (RTO), the retransmission moves SND.NXT on
        }
        if (tcb.rttTiming && Seq.lt(tcb.rttSeq, end)) {
            tcb.rttTiming = false; // Karn (RFC 6298 3): the timed segment was retransmitted
        }
    }

    /**
     * Retransmits [seq, seq + length) of the sequence space already sent (RFC 6675 NextSeg()
     * rules 1, 3 and 4, and step 4.3): the data in it, and the FIN if it lies inside. Returns
     * the sequence space sent, 0 when the range holds nothing.
     */
    int retransmit(int seq, int length) {
        int offset = Seq.distance(tcb.sndUna, seq);
        if (offset < 0 || length <= 0) {
            return 0;
        }
        int data = Math.max(0, Math.min(length, tcb.sendBuffer.length - offset));
        boolean fin = tcb.finSent && Seq.le(seq, tcb.finSeq) && Seq.lt(tcb.finSeq, seq + length);
        if (data == 0 && !fin) {
            return 0;
        }
        int flags = TcpHeader.ACK | (data > 0 && offset + data == tcb.sendBuffer.length ? TcpHeader.PSH : 0)
                | (fin ? TcpHeader.FIN : 0);
        emit(seq, flags, offset, data);
        int end = seq + data + (fin ? 1 : 0);
        if (Seq.lt(tcb.sndNxt, end)) {
            tcb.sndNxt = end;
        }
        if (tcb.rttTiming && Seq.lt(tcb.rttSeq, end)) {
            tcb.rttTiming = false; // Karn (RFC 6298 3): the timed segment may be this one
        }
        return data + (fin ? 1 : 0);
    }

    /** A zero-window probe (RFC 9293 3.8.6.1): the octet at SND.UNA, new the first time, retransmitted after. */
    void probe() {
        emit(tcb.sndUna, TcpHeader.ACK, 0, 1);
        int end = tcb.sndUna + 1;
        if (Seq.lt(tcb.sndNxt, end)) {
            tcb.sndNxt = end;
        }
        tcb.sndMax = Seq.max(tcb.sndMax, tcb.sndNxt);
    }

    void updateWindow(Segment seg) {
        tcb.sndWnd = (long) seg.window << tcb.sndWindowShift;
        if (tcb.sndWnd > 0) {
            c.persistTimer.windowOpened(seg.ack);
        }
        tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
        tcb.sndWl1 = seg.seq;
        tcb.sndWl2 = seg.ack;
    }

    /** An ACK of new data: recovery's partial or full ACK (RFC 6582 3.2), else the algorithm's growth. */
    private void onAck(int acked, int data, long rtt, long now) {
        if (tcb.inRecovery) {
            c.recovery.newAckInRecovery(acked, now);
            return;
        }
        tcb.duplicateAcks = 0;
        onAckCongestion(data, rtt, now);
    }

    void onAckCongestion(int acked, long rtt, long now) {
        if (c.congestionControl != null && acked > 0) {
            tcb.congestion.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax);
            if (cwndLimited()) {
                c.congestionControl.onAck(tcb.congestion, acked, rtt, now);
            }
        }
    }

    /**
     * The fifth step's ACK processing in a synchronized state (RFC 9293 3.10.7.4, RFC 5961
     * 5.2): SND.UNA, the send window; false when the segment is to be dropped.
     */
    boolean ackArrived(Segment seg, long now) {
        // RFC 5961 5.2: acceptable if SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT; else ACK and drop
        if (Seq.gt(seg.ack, tcb.sndMax)) {
            stack.counters.increment(TcpStatistic.ACK_TOO_NEW);
            c.receiver.sendAck();
            return false;
        }
        if (Seq.lt(seg.ack, tcb.sndUna - (int) Math.min(tcb.maxSndWnd, Integer.MAX_VALUE))) {
            c.receiver.sendAck();
            return false;
        }
        boolean cumulative = Seq.gt(seg.ack, tcb.sndUna);
        boolean wasInRecovery = tcb.inRecovery;
        if (cumulative) {
            newAck(seg.ack, now, seg.options.timestamps ? seg.options.tsEcr : 0);
        }
        if (tcb.sackPermitted) {
            c.recovery.sackArrived(seg, now); // RFC 6675: the scoreboard, duplicate ACKs by SACK
        } else if (!cumulative && isDuplicateAck(seg)) {
            c.recovery.duplicateAck(now);
        }
        // window update: "If SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)"
        if (Seq.lt(tcb.sndWl1, seg.seq) || (tcb.sndWl1 == seg.seq && Seq.le(tcb.sndWl2, seg.ack))) {
            updateWindow(seg);
        }
        c.recovery.rack.ackArrived(seg, cumulative, wasInRecovery, now); // RFC 8985 (SACK connections)
        return true;
    }
}
