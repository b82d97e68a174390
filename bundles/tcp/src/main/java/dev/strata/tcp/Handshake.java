package dev.strata.tcp;

import dev.strata.api.socket.SocketError;
import dev.strata.api.tcp.CongestionState;

/**
 * Connection establishment (RFC 9293 3.5, 3.10.7.3): the SYN we send, the options we offer and
 * take from the peer's SYN (MSS, window scale, timestamps, SACK-permitted), SYN-SENT
 * processing and the acknowledgment of our SYN. Runs under the connection's monitor, on its
 * {@link Tcb}; like gVisor's {@code connect.go}.
 */
final class Handshake {

    private final TcpConnection c;
    private final Tcb tcb;
    private final TcpStack stack;

    Handshake(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
    }

    void startTiming(int seq, long now) {
        tcb.rttTiming = true;
        tcb.rttSeq = seq;
        tcb.rttStartNanos = now;
    }

    void initialiseSend(long now) {
        initialiseSend(now, -1);
    }

    /** @param iss the ISS to use (0 to 2^32-1), or -1 for RFC 6528's */
    void initialiseSend(long now, long iss) {
        tcb.iss = iss >= 0 ? (int) iss : stack.isn.next(tcb.localAddress, tcb.localPort, tcb.remoteAddress, tcb.remotePort);
        tcb.sndUna = tcb.iss;
        tcb.sndNxt = tcb.iss + 1;
        tcb.sndMax = tcb.sndNxt;
        tcb.recover = tcb.iss; // RFC 6582 3.2 step 1: "recover" starts at the ISS
        tcb.tsOffset = stack.isn.next(tcb.remoteAddress, tcb.remotePort, tcb.localAddress, tcb.localPort);
        tcb.localMss = stack.localMss(tcb.remoteAddress);
        tcb.gsoMaxSize = stack.gsoMaxSizeFor(tcb.remoteAddress);
    }

    /**
     * The connection a valid SYN cookie stands for (RFC 4987 3.6): created directly
     * ESTABLISHED from the ACK that returned ISN + 1, with the peer's MSS from the cookie and
     * the options the TSecr carries (Linux cookie_v4_check / cookie_timestamp_decode).
     *
     * @param optionBits the TSecr's low bits ({@link SynCookies}), or -1 when the ACK has no timestamps
     */
    void fromCookie(Segment ack, int peerMss, int optionBits, int tsOffset, long now) {
        tcb.irs = ack.seq - 1;
        tcb.rcvNxt = ack.seq;
        tcb.iss = ack.ack - 1;
        tcb.sndUna = ack.ack;
        tcb.sndNxt = ack.ack;
        tcb.sndMax = ack.ack;
        tcb.recover = tcb.iss;
        tcb.localMss = stack.localMss(tcb.remoteAddress);
        tcb.gsoMaxSize = stack.gsoMaxSizeFor(tcb.remoteAddress);
        tcb.peerMss = peerMss;
        tcb.timestamps = optionBits >= 0;
        int wscale = optionBits >= 0 ? optionBits & SynCookies.TS_WSCALE_MASK : SynCookies.TS_WSCALE_MASK;
        tcb.windowScaling = wscale != SynCookies.TS_WSCALE_MASK;
        tcb.sndWindowShift = tcb.windowScaling ? Math.min(wscale, TcpOptions.MAX_WINDOW_SCALE) : 0;
        tcb.rcvWindowShift = tcb.windowScaling ? offeredWindowShift() : 0;
        tcb.sackPermitted = optionBits >= 0 && (optionBits & SynCookies.TS_SACK) != 0;
        if (tcb.timestamps) {
            tcb.tsOffset = tsOffset;
            tcb.tsRecent = ack.options.tsVal;
            tcb.tsRecentNanos = now;
        }
        tcb.sendMss = Math.max(64, Math.min(tcb.peerMss, tcb.localMss) - (tcb.timestamps ? 12 : 0));
        // the SYN-ACK offered min(buffer, 65535) unscaled: that right edge stands
        tcb.rcvWnd = Math.min(tcb.receiveBuffer.capacity(), 65535);
        tcb.rcvAdvertisedEdge = tcb.rcvNxt + (int) tcb.rcvWnd;
        tcb.lastAckSent = tcb.rcvNxt;
        tcb.sndWnd = (long) ack.window << tcb.sndWindowShift;
        tcb.maxSndWnd = tcb.sndWnd;
        tcb.sndWl1 = ack.seq;
        tcb.sndWl2 = ack.ack;
        startCongestionControl(now);
        c.setState(TcpState.ESTABLISHED);
        c.acceptPending = true;
    }

    /** The shift that makes our receive buffer fit the 16-bit window field (RFC 7323 2.2). */
    int offeredWindowShift() {
        // RFC 7323 2.2: the shift is fixed at SYN time, so it must express the largest window an
        // auto-tuned buffer may reach (BufferTuning), not only today's
        return windowShiftFor(BufferTuning.receiveLimit(tcb));
    }

    static int windowShiftFor(int capacity) {
        int shift = 0;
        while (shift < TcpOptions.MAX_WINDOW_SCALE && (capacity >>> shift) > 65535) {
            shift++;
        }
        return shift;
    }

    /** Takes the peer's SYN options (RFC 9293 3.7.1, RFC 7323 2.2 and 3.2, RFC 2018 2). */
    void negotiate(Segment seg, long now) {
        TcpOptions o = seg.options;
        // RFC 9293 3.7.1: without the option, assume 536
        tcb.peerMss = o.mss > 0 ? o.mss : 536;
        if (o.windowScale >= 0 && (tcb.state == TcpState.SYN_SENT || tcb.state == TcpState.CLOSED)) {
            tcb.windowScaling = true;
            tcb.sndWindowShift = o.windowScale;
            if (tcb.state == TcpState.CLOSED) {
                tcb.rcvWindowShift = offeredWindowShift();
            }
        } else {
            tcb.windowScaling = false;
            tcb.sndWindowShift = 0;
            tcb.rcvWindowShift = 0;
        }
        tcb.timestamps = o.timestamps;
        if (o.timestamps) {
            tcb.tsRecent = o.tsVal;
            tcb.tsRecentNanos = now;
        }
        tcb.sackPermitted = o.sackPermitted && stack.sack;
        // the effective send MSS: the smaller MSS, less the options every segment carries
        tcb.sendMss = Math.max(64, Math.min(tcb.peerMss, tcb.localMss) - (tcb.timestamps ? 12 : 0));
        tcb.congestion.mss = tcb.sendMss;
    }

    void sendSyn(boolean ack) {
        c.sender.emit(tcb.iss, TcpHeader.SYN | (ack ? TcpHeader.ACK : 0), 0, 0);
    }

    /** RFC 9293 3.10.7.3, SYN-SENT. */
    void synSent(Segment seg, long now) {
        boolean ackAcceptable = false;
        if (seg.has(TcpHeader.ACK)) {
            // first: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set)"
            if (Seq.le(seg.ack, tcb.iss) || Seq.gt(seg.ack, tcb.sndNxt)) {
                if (!seg.has(TcpHeader.RST)) {
                    stack.counters.increment(TcpStatistic.ACK_TOO_NEW);
                    c.sender.reset(seg.ack, 0, false);
                }
                return;
            }
            ackAcceptable = Seq.lt(tcb.sndUna, seg.ack) && Seq.le(seg.ack, tcb.sndNxt);
        }
        if (seg.has(TcpHeader.RST)) {
            // second: RFC 5961 3.2 keeps this: a RST is valid in SYN-SENT only if its ACK acknowledges the SYN
            if (ackAcceptable) {
                stack.counters.increment(TcpStatistic.ATTEMPT_FAILS);
                c.terminate(SocketError.ECONNREFUSED);
            }
            return;
        }
        if (!seg.has(TcpHeader.SYN)) {
            return; // fifth: "If neither of the SYN or RST bits is set, then drop the segment"
        }
        // fourth: the SYN
        tcb.irs = seg.seq;
        tcb.rcvNxt = seg.seq + 1;
        negotiate(seg, now);
        if (ackAcceptable) {
            acknowledgeSyn(seg, now);
            c.setState(TcpState.ESTABLISHED);
            // RFC 7323 2.2: the window of a segment with SYN is never scaled
            tcb.sndWnd = seg.window;
            tcb.maxSndWnd = tcb.sndWnd;
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            c.events |= TcpConnection.EVENT_CONNECTED | TcpConnection.EVENT_WRITABLE;
            c.receiver.sendAck();
            c.sender.output(now);
            // RFC 9293 3.10.7.3: data or controls beyond the SYN are processed in the sixth step on
            if (seg.payloadLength > 0 || seg.has(TcpHeader.FIN)) {
                seg.seq += 1;
                seg.flags &= ~TcpHeader.SYN;
                c.receiver.processText(seg, now);
            }
        } else {
            // simultaneous open (RFC 9293 3.5 Figure 8): "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"
            tcb.sndWnd = seg.window;
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            c.setState(TcpState.SYN_RECEIVED);
            sendSyn(true);
        }
    }

    /** The ACK of our SYN: SND.UNA moves past ISS, the RTT of the handshake is sampled. */
    void acknowledgeSyn(Segment seg, long now) {
        tcb.sndUna = seg.ack;
        if (tcb.retransmits == 0 && tcb.rttTiming) {
            tcb.rtt.sample(now - tcb.rttStartNanos);
            tcb.congestion.smoothedRttNanos = tcb.rtt.smoothedRttNanos;
            tcb.congestion.minRttNanos = tcb.rtt.minRttNanos;
        } else {
            tcb.rtt.afterHandshakeLoss(); // RFC 6298 5.7
        }
        tcb.rttTiming = false;
        tcb.retransmits = 0;
        tcb.retransmitDeadline = 0;
        startCongestionControl(now);
    }

    void startCongestionControl(long now) {
        CongestionState cs = tcb.congestion;
        cs.mss = tcb.sendMss;
        cs.cwnd = CongestionState.initialWindow(tcb.sendMss);
        c.congestionControl = stack.congestionControl(tcb.congestionAlgorithm);
        tcb.congestionAlgorithm = c.congestionControl.name();
        c.congestionControl.init(cs, now);
    }

    /** SYN-RECEIVED, fifth step (RFC 9293 3.10.7.4): the ACK of our SYN-ACK; false to drop the segment. */
    boolean synReceivedAck(Segment seg, long now) {
        // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state ... else send a reset"
        if (!(Seq.lt(tcb.sndUna, seg.ack) && Seq.le(seg.ack, tcb.sndNxt))) {
            c.sender.reset(seg.ack, 0, false);
            return false;
        }
        if (c.acceptQueueFull()) {
            // Linux tcp_check_req with tcp_abort_on_overflow off: the ACK is dropped and the
            // connection stays in SYN-RECEIVED; the SYN-ACK's retransmission (or the peer's data)
            // brings another ACK, taken once the application has accepted
            return false;
        }
        acknowledgeSyn(seg, now);
        tcb.sndWnd = (long) seg.window << tcb.sndWindowShift;
        tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
        tcb.sndWl1 = seg.seq;
        tcb.sndWl2 = seg.ack;
        c.setState(tcb.finQueued ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
        if (tcb.passiveOpen) {
            c.acceptPending = true;
        } else {
            c.events |= TcpConnection.EVENT_CONNECTED | TcpConnection.EVENT_WRITABLE;
        }
        return true;
    }
}
