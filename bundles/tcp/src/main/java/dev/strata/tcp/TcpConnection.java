package dev.strata.tcp;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.CongestionState;
import dev.strata.api.time.Cancellable;
import dev.strata.api.transport.StreamConnection;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamOptions;

/**
 * One connection: the event processing of RFC 9293 3.10 over its {@link Tcb}. Every event
 * (a user call, a segment, a timer) runs under this object's monitor; segments built meanwhile
 * wait in an {@link Outbox} and the endpoint's callbacks in {@link #events}, both handed on
 * after the monitor is released, so no lock is held while calling IPv4 or the socket layer.
 *
 * <p>Not yet here (later increments): delayed ACKs and Nagle (every segment is ACKed at once,
 * data is sent as soon as the windows allow), fast retransmit and SACK-based recovery,
 * zero-window probes, keep-alive, out-of-order FINs (dropped; the peer retransmits), urgent
 * data, ICMP errors.
 */
final class TcpConnection implements StreamConnection {

    private static final int EVENT_CONNECTED = 1;
    private static final int EVENT_READABLE = 2;
    private static final int EVENT_WRITABLE = 4;
    private static final int EVENT_CLOSED = 8;

    private static final long SECOND = 1_000_000_000L;

    final Tcb tcb;
    private final TcpStack stack;
    private final Outbox outbox = new Outbox();
    private final TcpOptions out = new TcpOptions();
    private final Runnable timerTask = this::onTimer;
    private Listener listener;
    private StreamEndpoint endpoint;
    private CongestionControl congestionControl;
    private int events;
    private SocketError closedError;
    /** The endpoint must be asked from the listener's acceptor (after the monitor is released). */
    private boolean acceptPending;
    private boolean removed;
    private Cancellable timer;
    private long timerAt;

    /** An active OPEN (the caller then calls {@link #open}). */
    TcpConnection(TcpStack stack, StreamEndpoint endpoint, StreamOptions options, int localAddress, int localPort,
            int remoteAddress, int remotePort) {
        this.stack = stack;
        this.endpoint = endpoint;
        this.tcb = newTcb(stack, options);
        tcb.localAddress = localAddress;
        tcb.localPort = localPort;
        tcb.remoteAddress = remoteAddress;
        tcb.remotePort = remotePort;
        tcb.congestionAlgorithm = options.congestionControl();
    }

    /** A passive OPEN's connection for a SYN (the caller then calls {@link #acceptSyn}). */
    TcpConnection(TcpStack stack, Listener listener, StreamOptions options, Segment syn) {
        this.stack = stack;
        this.listener = listener;
        this.tcb = newTcb(stack, options);
        tcb.localAddress = syn.destination;
        tcb.localPort = syn.destinationPort;
        tcb.remoteAddress = syn.source;
        tcb.remotePort = syn.sourcePort;
        tcb.passiveOpen = true;
        tcb.congestionAlgorithm = options.congestionControl();
    }

    private static Tcb newTcb(TcpStack stack, StreamOptions options) {
        return new Tcb(options.sendBuffer(), options.receiveBuffer(), stack.config.minRtoNanos(), stack.config.maxRtoNanos());
    }

    boolean matches(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return tcb.remoteAddress == remoteAddress && tcb.remotePort == remotePort && tcb.localPort == localPort
                && tcb.localAddress == localAddress;
    }

    // ---- opening (RFC 9293 3.10.1, 3.10.7.2, 3.10.7.3) --------------------------------------------

    /** Active OPEN: CLOSED -> SYN-SENT, "<SEQ=ISS><CTL=SYN>". */
    void open() {
        synchronized (this) {
            long now = stack.scheduler.nanoTime();
            initialiseSend(now);
            tcb.rcvWindowShift = offeredWindowShift();
            setState(TcpState.SYN_SENT);
            stack.counters.increment(TcpStatistic.ACTIVE_OPENS);
            sendSyn(false);
            startTiming(tcb.iss, now);
            armRetransmit(now);
            armTimer();
        }
        afterEvent();
    }

    /** LISTEN + SYN (RFC 9293 3.10.7.2): -> SYN-RECEIVED, "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>". */
    void acceptSyn(Segment seg) {
        synchronized (this) {
            long now = stack.scheduler.nanoTime();
            tcb.irs = seg.seq;
            tcb.rcvNxt = seg.seq + 1;
            initialiseSend(now);
            negotiate(seg, now);
            // RFC 7323 2.2: the SYN's window is never scaled
            tcb.sndWnd = seg.window;
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            setState(TcpState.SYN_RECEIVED);
            sendSyn(true);
            startTiming(tcb.iss, now);
            armRetransmit(now);
            armTimer();
        }
        afterEvent();
    }

    private void startTiming(int seq, long now) {
        tcb.rttTiming = true;
        tcb.rttSeq = seq;
        tcb.rttStartNanos = now;
    }

    private void initialiseSend(long now) {
        tcb.iss = stack.isn.next(tcb.localAddress, tcb.localPort, tcb.remoteAddress, tcb.remotePort);
        tcb.sndUna = tcb.iss;
        tcb.sndNxt = tcb.iss + 1;
        tcb.sndMax = tcb.sndNxt;
        tcb.tsOffset = stack.isn.next(tcb.remoteAddress, tcb.remotePort, tcb.localAddress, tcb.localPort);
        int mtu = stack.mtuFor(tcb.remoteAddress);
        // RFC 9293 3.7.1: MSS = MTU - fixed IP and TCP headers
        tcb.localMss = mtu > 40 ? Math.min(mtu - 40, 65495) : 536;
    }

    /** The shift that makes our receive buffer fit the 16-bit window field (RFC 7323 2.2). */
    private int offeredWindowShift() {
        int shift = 0;
        while (shift < TcpOptions.MAX_WINDOW_SCALE && (tcb.receiveBuffer.capacity() >>> shift) > 65535) {
            shift++;
        }
        return shift;
    }

    /** Takes the peer's SYN options (RFC 9293 3.7.1, RFC 7323 2.2 and 3.2, RFC 2018 2). */
    private void negotiate(Segment seg, long now) {
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
        tcb.sackPermitted = o.sackPermitted;
        // the effective send MSS: the smaller MSS, less the options every segment carries
        tcb.sendMss = Math.max(64, Math.min(tcb.peerMss, tcb.localMss) - (tcb.timestamps ? 12 : 0));
        tcb.congestion.mss = tcb.sendMss;
    }

    private void sendSyn(boolean ack) {
        emit(tcb.iss, TcpHeader.SYN | (ack ? TcpHeader.ACK : 0), 0, 0);
    }

    // ---- segment arrival (RFC 9293 3.10.7) ------------------------------------------------------

    void segmentArrives(Segment seg) {
        synchronized (this) {
            if (!removed) {
                long now = stack.scheduler.nanoTime();
                if (tcb.state == TcpState.SYN_SENT) {
                    synSent(seg, now);
                } else {
                    synchronizedStates(seg, now);
                }
                armTimer();
            }
        }
        afterEvent();
    }

    /** RFC 9293 3.10.7.3, SYN-SENT. */
    private void synSent(Segment seg, long now) {
        boolean ackAcceptable = false;
        if (seg.has(TcpHeader.ACK)) {
            // first: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set)"
            if (Seq.le(seg.ack, tcb.iss) || Seq.gt(seg.ack, tcb.sndNxt)) {
                if (!seg.has(TcpHeader.RST)) {
                    stack.counters.increment(TcpStatistic.ACK_TOO_NEW);
                    reset(seg.ack, 0, false);
                }
                return;
            }
            ackAcceptable = Seq.lt(tcb.sndUna, seg.ack) && Seq.le(seg.ack, tcb.sndNxt);
        }
        if (seg.has(TcpHeader.RST)) {
            // second: RFC 5961 3.2 keeps this: a RST is valid in SYN-SENT only if its ACK acknowledges the SYN
            if (ackAcceptable) {
                stack.counters.increment(TcpStatistic.ATTEMPT_FAILS);
                terminate(SocketError.ECONNREFUSED);
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
            setState(TcpState.ESTABLISHED);
            // RFC 7323 2.2: the window of a segment with SYN is never scaled
            tcb.sndWnd = seg.window;
            tcb.maxSndWnd = tcb.sndWnd;
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            events |= EVENT_CONNECTED | EVENT_WRITABLE;
            sendAck();
            output(now);
            // RFC 9293 3.10.7.3: data or controls beyond the SYN are processed in the sixth step on
            if (seg.payloadLength > 0 || seg.has(TcpHeader.FIN)) {
                seg.seq += 1;
                seg.flags &= ~TcpHeader.SYN;
                processText(seg, now);
            }
        } else {
            // simultaneous open (RFC 9293 3.5 Figure 8): "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"
            tcb.sndWnd = seg.window;
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            setState(TcpState.SYN_RECEIVED);
            sendSyn(true);
        }
    }

    /** The ACK of our SYN: SND.UNA moves past ISS, the RTT of the handshake is sampled. */
    private void acknowledgeSyn(Segment seg, long now) {
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

    private void startCongestionControl(long now) {
        CongestionState cs = tcb.congestion;
        cs.mss = tcb.sendMss;
        cs.cwnd = CongestionState.initialWindow(tcb.sendMss);
        congestionControl = stack.congestionControl(tcb.congestionAlgorithm);
        tcb.congestionAlgorithm = congestionControl.name();
        congestionControl.init(cs, now);
    }

    /** RFC 9293 3.10.7.4: SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT. */
    private void synchronizedStates(Segment seg, long now) {
        // a retransmitted SYN in SYN-RECEIVED: the SYN-ACK was lost, send it again (as Linux)
        if (tcb.state == TcpState.SYN_RECEIVED && seg.has(TcpHeader.SYN) && !seg.has(TcpHeader.ACK)
                && !seg.has(TcpHeader.RST) && seg.seq == tcb.irs) {
            sendSyn(true);
            return;
        }
        // simultaneous open (RFC 9293 Figure 8): the peer's SYN-ACK repeats its SYN, which we
        // already hold; take it as the ACK of ours (as Linux does in tcp_validate_incoming)
        if (tcb.state == TcpState.SYN_RECEIVED && !tcb.passiveOpen && seg.has(TcpHeader.SYN) && seg.has(TcpHeader.ACK)
                && !seg.has(TcpHeader.RST) && seg.seq + 1 == tcb.rcvNxt && seg.ack == tcb.sndNxt && seg.payloadLength == 0) {
            seg.flags &= ~TcpHeader.SYN;
            seg.seq += 1;
        }
        // RFC 7323 5.3 PAWS: a segment whose TSval is older than TS.Recent is a duplicate
        if (tcb.timestamps && seg.options.timestamps && !seg.has(TcpHeader.RST)
                && Seq.lt(seg.options.tsVal, tcb.tsRecent)) {
            stack.counters.increment(TcpStatistic.OUT_OF_WINDOW);
            sendAck();
            return;
        }
        // first: the acceptability test (RFC 9293 3.10.7.4, the four cases)
        if (!acceptable(seg)) {
            stack.counters.increment(TcpStatistic.OUT_OF_WINDOW);
            if (!seg.has(TcpHeader.RST)) {
                sendAck(); // "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
                // TIME-WAIT: "The only thing that can arrive in this state is a retransmission of
                // the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
                if (tcb.state == TcpState.TIME_WAIT && seg.has(TcpHeader.FIN)
                        && seg.seq + seg.sequenceLength() == tcb.rcvNxt) {
                    tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
                }
            }
            return;
        }
        // RFC 7323 4.3: TS.Recent takes the TSval of a segment covering Last.ACK.sent
        if (tcb.timestamps && seg.options.timestamps && Seq.le(seg.seq, tcb.lastAckSent)) {
            tcb.tsRecent = seg.options.tsVal;
            tcb.tsRecentNanos = now;
        }
        // second: RST (RFC 5961 3.2: only the exact RCV.NXT resets; any other in-window RST is challenged)
        if (seg.has(TcpHeader.RST)) {
            if (seg.seq != tcb.rcvNxt) {
                challengeAck(now);
                return;
            }
            resetArrived();
            return;
        }
        // fourth: SYN (RFC 5961 4.2, RFC 9293 3.10.7.4: "irrespective of the sequence number ... a challenge ACK")
        if (seg.has(TcpHeader.SYN)) {
            if (tcb.state == TcpState.SYN_RECEIVED && tcb.passiveOpen) {
                // RFC 9293 3.10.7.4: "If the connection was initiated with a passive OPEN, then
                // return this connection to the LISTEN state and return"
                stack.counters.increment(TcpStatistic.ATTEMPT_FAILS);
                terminate(null);
                return;
            }
            challengeAck(now);
            return;
        }
        // fifth: ACK
        if (!seg.has(TcpHeader.ACK)) {
            return;
        }
        if (!processAck(seg, now)) {
            return;
        }
        // sixth (URG) is not implemented; seventh and eighth: text and FIN
        processText(seg, now);
        output(now);
    }

    /** RFC 9293 3.10.7.4, the acceptability test: its four cases, then RCV.WND = 0 allowance. */
    private boolean acceptable(Segment seg) {
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
    private long receiveWindow() {
        return Math.max(0, Seq.distance(tcb.rcvNxt, tcb.rcvAdvertisedEdge));
    }

    /** RST processing per state (RFC 9293 3.10.7.4 second step). */
    private void resetArrived() {
        switch (tcb.state) {
            case SYN_RECEIVED -> {
                stack.counters.increment(TcpStatistic.ATTEMPT_FAILS);
                // passive: back to LISTEN (the listener keeps listening; this connection goes);
                // active (simultaneous open): "connection refused"
                terminate(tcb.passiveOpen ? null : SocketError.ECONNREFUSED);
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
                if (tcb.state.countsAsEstablished()) {
                    stack.counters.increment(TcpStatistic.ESTAB_RESETS);
                }
                terminate(SocketError.ECONNRESET);
            }
            default -> terminate(null); // CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state"
        }
    }

    /** RFC 5961 3.2 / 4.2 / 5.2 challenge ACK, limited per RFC 5961 7. */
    private void challengeAck(long now) {
        if (now - tcb.challengeAckWindowStartNanos >= SECOND || tcb.challengeAckWindowStartNanos == 0) {
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

    /** The fifth step; false when the segment is to be dropped. */
    private boolean processAck(Segment seg, long now) {
        if (tcb.state == TcpState.SYN_RECEIVED) {
            // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state ... else send a reset"
            if (!(Seq.lt(tcb.sndUna, seg.ack) && Seq.le(seg.ack, tcb.sndNxt))) {
                reset(seg.ack, 0, false);
                return false;
            }
            acknowledgeSyn(seg, now);
            tcb.sndWnd = (long) seg.window << tcb.sndWindowShift;
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            setState(tcb.finQueued ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
            if (tcb.passiveOpen) {
                acceptPending = true;
            } else {
                events |= EVENT_CONNECTED | EVENT_WRITABLE;
            }
        }
        // RFC 5961 5.2: acceptable if SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT; else ACK and drop
        if (Seq.gt(seg.ack, tcb.sndMax)) {
            stack.counters.increment(TcpStatistic.ACK_TOO_NEW);
            sendAck();
            return false;
        }
        if (Seq.lt(seg.ack, tcb.sndUna - (int) Math.min(tcb.maxSndWnd, Integer.MAX_VALUE))) {
            sendAck();
            return false;
        }
        if (Seq.gt(seg.ack, tcb.sndUna)) {
            newAck(seg.ack, now);
        }
        // window update: "If SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)"
        if (Seq.lt(tcb.sndWl1, seg.seq) || (tcb.sndWl1 == seg.seq && Seq.le(tcb.sndWl2, seg.ack))) {
            updateWindow(seg);
        }
        boolean finAcked = tcb.finSent && Seq.gt(tcb.sndUna, tcb.finSeq);
        switch (tcb.state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    setState(TcpState.FIN_WAIT_2);
                }
            }
            case CLOSING -> {
                if (finAcked) {
                    enterTimeWait(now);
                }
                return false; // "otherwise, ignore the segment"
            }
            case LAST_ACK -> {
                if (finAcked) {
                    terminate(null);
                }
                return false;
            }
            case TIME_WAIT -> {
                // only a retransmission of the remote FIN can arrive: acknowledge it, restart 2 MSL
                if (seg.has(TcpHeader.FIN)) {
                    sendAck();
                    tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
                }
                return false;
            }
            default -> {
            }
        }
        return true;
    }

    private void updateWindow(Segment seg) {
        tcb.sndWnd = (long) seg.window << tcb.sndWindowShift;
        tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
        tcb.sndWl1 = seg.seq;
        tcb.sndWl2 = seg.ack;
    }

    /** SND.UNA < SEG.ACK =< SND.NXT: data (and maybe our FIN) acknowledged. */
    private void newAck(int ack, long now) {
        int acked = Seq.distance(tcb.sndUna, ack);
        int data = Math.min(acked, tcb.sendBuffer.length);
        tcb.sendBuffer.acknowledge(data);
        tcb.sndUna = ack;
        if (Seq.lt(tcb.sndNxt, ack)) {
            tcb.sndNxt = ack; // after a go-back, an ACK for data sent before the timeout
        }
        // Karn (RFC 6298 3): the timed segment is sampled only if it was not retransmitted
        if (tcb.rttTiming && Seq.gt(ack, tcb.rttSeq)) {
            long rtt = now - tcb.rttStartNanos;
            tcb.rtt.sample(rtt);
            tcb.rttTiming = false;
            tcb.congestion.smoothedRttNanos = tcb.rtt.smoothedRttNanos;
            tcb.congestion.minRttNanos = tcb.rtt.minRttNanos;
            onAckCongestion(data, rtt, now);
        } else {
            onAckCongestion(data, 0, now);
        }
        tcb.retransmits = 0;
        // RFC 6298 5.2 / 5.3: all acknowledged, stop the timer; else restart it
        tcb.retransmitDeadline = tcb.sndUna == tcb.sndMax ? 0 : now + tcb.rtt.rtoNanos;
        if (data > 0) {
            events |= EVENT_WRITABLE;
        }
    }

    private void onAckCongestion(int acked, long rtt, long now) {
        if (congestionControl != null && acked > 0) {
            tcb.congestion.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax);
            congestionControl.onAck(tcb.congestion, acked, rtt, now);
        }
    }

    /** The seventh and eighth steps: segment text, then FIN. */
    private void processText(Segment seg, long now) {
        int offset = Seq.distance(tcb.rcvNxt, seg.seq);
        boolean ack = false;
        if (seg.payloadLength > 0 && tcb.state.receivesData()) {
            int advanced = tcb.receiveBuffer.store(offset, seg.buffer, seg.payloadIndex, seg.payloadLength);
            if (advanced > 0) {
                tcb.rcvNxt += advanced;
                events |= EVENT_READABLE;
            } else if (advanced < 0) {
                stack.counters.increment(TcpStatistic.OFO_DROPPED);
            } else if (offset > 0) {
                stack.counters.increment(TcpStatistic.OFO_QUEUED);
            }
            // RFC 9293 3.10.7.4: "send an acknowledgment of the form <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
            // (delayed ACKs are a later increment: every data segment is acknowledged at once)
            ack = true;
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
            }
        }
        if (ack) {
            sendAck();
        }
    }

    /** RFC 9293 3.10.7.4 eighth step: the peer's FIN, in order. */
    private void finArrived(long now) {
        tcb.finReceived = true;
        tcb.rcvNxt += 1;
        events |= EVENT_READABLE;
        switch (tcb.state) {
            case SYN_RECEIVED, ESTABLISHED -> setState(TcpState.CLOSE_WAIT);
            case FIN_WAIT_1 -> {
                if (tcb.finSent && Seq.gt(tcb.sndUna, tcb.finSeq)) {
                    enterTimeWait(now);
                } else {
                    setState(TcpState.CLOSING); // simultaneous close (RFC 9293 3.6 Figure 13)
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            case TIME_WAIT -> tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
            default -> {
            }
        }
    }

    private void enterTimeWait(long now) {
        setState(TcpState.TIME_WAIT);
        tcb.retransmitDeadline = 0;
        tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
        events |= EVENT_CLOSED; // the application's connection is over: both FINs exchanged
        closedError = null;
    }

    // ---- output (the sender; RFC 9293 3.8.6.2.1, RFC 5681 window) ------------------------------------

    private boolean maySendData() {
        return switch (tcb.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, LAST_ACK, CLOSING -> true;
            default -> false;
        };
    }

    /** Sends what the send window (min of SND.WND and cwnd) allows, in segments of at most the MSS, then the FIN. */
    private void output(long now) {
        if (!maySendData()) {
            return;
        }
        while (true) {
            int sent = Seq.distance(tcb.sndUna, tcb.sndNxt);
            int unsent = tcb.sendBuffer.length - sent;
            if (unsent > 0) {
                long window = Math.min(tcb.sndWnd, congestionControl == null ? Long.MAX_VALUE : tcb.congestion.cwnd);
                long room = window - sent;
                int n = (int) Math.min(Math.min(unsent, tcb.sendMss), Math.max(room, 0));
                if (n <= 0) {
                    return; // zero-window probing and the persist timer: a later increment
                }
                boolean fin = tcb.finQueued && n == unsent;
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
                armRetransmit(now);
                if (fin) {
                    return;
                }
            } else if (unsent == 0 && tcb.finQueued && (!tcb.finSent || tcb.sndNxt == tcb.finSeq)) {
                tcb.finSeq = tcb.sndNxt;
                tcb.finSent = true;
                emit(tcb.sndNxt, TcpHeader.FIN | TcpHeader.ACK, 0, 0);
                tcb.sndNxt += 1;
                tcb.sndMax = Seq.max(tcb.sndMax, tcb.sndNxt);
                armRetransmit(now);
                return;
            } else {
                return;
            }
        }
    }

    private void armRetransmit(long now) {
        if (tcb.retransmitDeadline == 0) {
            tcb.retransmitDeadline = now + tcb.rtt.rtoNanos;
        }
    }

    private void sendAck() {
        emit(tcb.sndNxt, TcpHeader.ACK, 0, 0);
    }

    /** Sends <SEQ=seq><CTL=RST> (with ACK=ack when {@code withAck}). */
    private void reset(int seq, int ack, boolean withAck) {
        stack.counters.increment(TcpStatistic.OUT_RSTS);
        PacketBuffer b = stack.pool.allocate();
        int at = b.append(TcpHeader.MIN_LENGTH);
        TcpHeader.write(b, at, tcb.localPort, tcb.remotePort, seq, withAck ? ack : 0, TcpHeader.MIN_LENGTH,
                TcpHeader.RST | (withAck ? TcpHeader.ACK : 0), 0);
        TcpHeader.writeChecksum(b, at, TcpHeader.MIN_LENGTH, tcb.localAddress, tcb.remoteAddress);
        b.transportOffset(at);
        stack.counters.increment(TcpStatistic.OUT_SEGS);
        outbox.add(b, tcb.localAddress, tcb.remoteAddress);
    }

    /**
     * Builds one segment into the outbox: header, options, and {@code length} bytes of the send
     * buffer from {@code dataOffset} bytes after SND.UNA. ACK carries RCV.NXT; the window is
     * what the receive buffer can take, never less than advertised before (RFC 9293
     * 3.8.6.2.2), scaled unless this is a SYN (RFC 7323 2.2).
     */
    private void emit(int seq, int flags, int dataOffset, int length) {
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
            out.sackPermitted = active || tcb.sackPermitted;
            out.timestamps = active || tcb.timestamps;
        } else {
            out.timestamps = tcb.timestamps;
            if (tcb.sackPermitted && tcb.receiveBuffer.rangeCount > 0) {
                sackBlocks();
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
        int window = advertiseWindow(syn);
        boolean ack = (flags & TcpHeader.ACK) != 0;
        TcpHeader.write(b, at, tcb.localPort, tcb.remotePort, seq, ack ? tcb.rcvNxt : 0, headerLength, flags, window);
        out.write(b, at + TcpHeader.MIN_LENGTH, syn);
        if (length > 0) {
            tcb.sendBuffer.copyOut(dataOffset, length, b, at + headerLength);
        }
        TcpHeader.writeChecksum(b, at, headerLength + length, tcb.localAddress, tcb.remoteAddress);
        b.transportOffset(at);
        if (ack) {
            tcb.lastAckSent = tcb.rcvNxt;
        }
        int seqLength = length + (syn ? 1 : 0) + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
        if (seqLength > 0 && Seq.lt(seq, tcb.sndMax) && !(syn && tcb.retransmits == 0)) {
            stack.counters.increment(TcpStatistic.RETRANS_SEGS);
        } else {
            stack.counters.increment(TcpStatistic.OUT_SEGS);
        }
        outbox.add(b, tcb.localAddress, tcb.remoteAddress);
    }

    /** The out-of-order ranges as SACK blocks (RFC 2018 4), the range nearest RCV.NXT first. */
    private void sackBlocks() {
        ReceiveBuffer r = tcb.receiveBuffer;
        int n = Math.min(r.rangeCount, TcpOptions.MAX_SACK_BLOCKS);
        for (int i = 0; i < n; i++) {
            out.sackBlocks[2 * i] = tcb.rcvNxt + (int) (r.rangeStart[i] - r.inOrderEnd);
            out.sackBlocks[2 * i + 1] = tcb.rcvNxt + (int) (r.rangeEnd[i] - r.inOrderEnd);
        }
        out.sackBlockCount = n;
    }

    private int advertiseWindow(boolean syn) {
        long window = tcb.receiveBuffer.window();
        int advertised = Seq.distance(tcb.rcvNxt, tcb.rcvAdvertisedEdge);
        if (window < advertised) {
            window = advertised; // RFC 9293 3.8.6.2.2: do not shrink the window
        }
        int shift = syn ? 0 : tcb.rcvWindowShift;
        int field = (int) Math.min(window >>> shift, 65535);
        tcb.rcvWnd = (long) field << shift;
        tcb.rcvAdvertisedEdge = tcb.rcvNxt + (int) tcb.rcvWnd;
        return field;
    }

    // ---- timers (RFC 6298 5, RFC 9293 3.8.1 and 3.10.8) ------------------------------------------

    private void onTimer() {
        synchronized (this) {
            timer = null;
            timerAt = 0;
            if (removed) {
                return;
            }
            long now = stack.scheduler.nanoTime();
            if (tcb.timeWaitDeadline != 0 && now >= tcb.timeWaitDeadline) {
                tcb.timeWaitDeadline = 0;
                terminate(null);
            } else if (tcb.retransmitDeadline != 0 && now >= tcb.retransmitDeadline) {
                retransmitTimeout(now);
            }
            armTimer();
        }
        afterEvent();
    }

    /** RFC 6298 5.4-5.6: retransmit the earliest unacknowledged segment, back off, restart the timer. */
    private void retransmitTimeout(long now) {
        tcb.retransmitDeadline = 0;
        tcb.retransmits++;
        tcb.rttTiming = false; // Karn: no sample from a retransmitted segment
        switch (tcb.state) {
            case SYN_SENT, SYN_RECEIVED -> {
                int limit = tcb.state == TcpState.SYN_SENT ? stack.config.synRetries() : stack.config.synAckRetries();
                if (tcb.retransmits > limit) {
                    stack.counters.increment(TcpStatistic.ATTEMPT_FAILS);
                    terminate(SocketError.ETIMEDOUT);
                    return;
                }
                tcb.rtt.backoff();
                sendSyn(tcb.state == TcpState.SYN_RECEIVED);
                armRetransmit(now);
            }
            default -> {
                if (tcb.sndUna == tcb.sndMax) {
                    tcb.retransmits = 0;
                    return;
                }
                if (tcb.retransmits > stack.config.retries()) {
                    terminate(SocketError.ETIMEDOUT);
                    return;
                }
                tcb.rtt.backoff();
                if (congestionControl != null) {
                    tcb.congestion.bytesInFlight = Seq.distance(tcb.sndUna, tcb.sndMax);
                    congestionControl.onRetransmitTimeout(tcb.congestion, now);
                }
                // go back to SND.UNA (RFC 5681 3.1 after a timeout: resend from the first unacknowledged byte)
                tcb.sndNxt = tcb.sndUna;
                output(now);
                armRetransmit(now);
            }
        }
    }

    /** Schedules the one timer task at the earliest deadline (the caller holds the monitor). */
    private void armTimer() {
        long next = earliest(tcb.retransmitDeadline, tcb.timeWaitDeadline);
        if (removed || next == 0) {
            if (timer != null) {
                timer.cancel();
                timer = null;
                timerAt = 0;
            }
            return;
        }
        if (timer != null && timerAt <= next) {
            return; // fires earlier and re-evaluates
        }
        if (timer != null) {
            timer.cancel();
        }
        long delay = Math.max(0, next - stack.scheduler.nanoTime());
        timerAt = next;
        timer = stack.scheduler.schedule(timerTask, delay, TimeUnit.NANOSECONDS);
    }

    private static long earliest(long a, long b) {
        if (a == 0) {
            return b;
        }
        if (b == 0) {
            return a;
        }
        return Math.min(a, b);
    }

    // ---- state changes and the end -------------------------------------------------------------------

    private void setState(TcpState state) {
        boolean was = tcb.state.countsAsEstablished();
        boolean is = state.countsAsEstablished();
        if (was != is) {
            stack.counters.add(TcpStatistic.CURR_ESTAB, is ? 1 : -1);
        }
        tcb.state = state;
    }

    /** Deletes the TCB: CLOSED, out of the table, timers off; the endpoint learns {@code error}. */
    private void terminate(SocketError error) {
        boolean wasSynReceived = tcb.state == TcpState.SYN_RECEIVED;
        boolean alreadyClosed = tcb.state == TcpState.TIME_WAIT;
        setState(TcpState.CLOSED);
        tcb.retransmitDeadline = 0;
        tcb.timeWaitDeadline = 0;
        removed = true;
        stack.remove(this);
        if (wasSynReceived && listener != null && tcb.passiveOpen && !acceptPending && endpoint == null) {
            listener.failed();
            listener = null;
        }
        if (error != null) {
            tcb.pendingError = error.name();
        }
        if (!alreadyClosed) {
            events |= EVENT_CLOSED;
            closedError = error;
        }
    }

    /** After the monitor is released: send the queued segments, ask the acceptor, then tell the endpoint. */
    private void afterEvent() {
        stack.flush(outbox);
        StreamEndpoint target;
        int due;
        SocketError error;
        if (acceptPending) {
            Listener l;
            synchronized (this) {
                l = listener;
                acceptPending = false;
                listener = null;
            }
            StreamEndpoint accepted = l == null ? null : l.established(this);
            if (accepted == null) {
                abort();
                return;
            }
            synchronized (this) {
                endpoint = accepted;
            }
        }
        synchronized (this) {
            target = endpoint;
            if (target == null) {
                return; // kept until the acceptor gives an endpoint
            }
            due = events;
            events = 0;
            error = closedError;
        }
        if (due == 0) {
            return;
        }
        try {
            if ((due & EVENT_CONNECTED) != 0) {
                target.connected();
            }
            if ((due & EVENT_READABLE) != 0) {
                target.readable();
            }
            if ((due & EVENT_WRITABLE) != 0) {
                target.writable();
            }
            if ((due & EVENT_CLOSED) != 0) {
                target.closed(error);
            }
        } catch (RuntimeException e) {
            stack.counters.increment(TcpStatistic.CALLBACK_FAILED);
        }
    }

    // ---- StreamConnection: user calls (RFC 9293 3.10.2 - 3.10.5) -------------------------------------

    @Override
    public int write(ByteBuffer from) throws NetSocketException {
        int n;
        synchronized (this) {
            if (tcb.pendingError != null) {
                throw new NetSocketException(SocketError.valueOf(tcb.pendingError), "write");
            }
            if (tcb.finQueued || tcb.state == TcpState.CLOSED || tcb.state == TcpState.TIME_WAIT) {
                throw new NetSocketException(SocketError.EPIPE, "write");
            }
            n = tcb.sendBuffer.write(from);
            output(stack.scheduler.nanoTime());
            armTimer();
        }
        afterEvent();
        return n;
    }

    @Override
    public int read(ByteBuffer into) throws NetSocketException {
        int n;
        synchronized (this) {
            ReceiveBuffer r = tcb.receiveBuffer;
            if (r.readable() == 0) {
                if (tcb.pendingError != null && tcb.pendingError.equals(SocketError.ECONNRESET.name())) {
                    throw new NetSocketException(SocketError.ECONNRESET, "read");
                }
                return tcb.finReceived ? -1 : 0;
            }
            int before = r.window();
            n = r.read(into);
            // a window update when the window opens by at least an MSS from below one (RFC 9293 3.8.6.2.2, SWS)
            if (tcb.state.receivesData() && before < tcb.sendMss && r.window() >= tcb.sendMss) {
                sendAck();
            }
        }
        afterEvent();
        return n;
    }

    @Override
    public synchronized int readable() {
        return tcb.receiveBuffer.readable();
    }

    @Override
    public synchronized int writable() {
        return tcb.finQueued ? 0 : tcb.sendBuffer.free();
    }

    @Override
    public synchronized int unacknowledged() {
        return tcb.sendBuffer.length;
    }

    @Override
    public void shutdownOutput() {
        synchronized (this) {
            queueFin();
            armTimer();
        }
        afterEvent();
    }

    /** RFC 9293 3.10.4 CLOSE per state: a FIN after the queued data. */
    private void queueFin() {
        switch (tcb.state) {
            case SYN_SENT -> terminate(null); // "Delete the TCB and return 'error: closing' responses"
            case SYN_RECEIVED, ESTABLISHED -> {
                tcb.finQueued = true;
                setState(TcpState.FIN_WAIT_1);
                output(stack.scheduler.nanoTime());
            }
            case CLOSE_WAIT -> {
                tcb.finQueued = true;
                setState(TcpState.LAST_ACK);
                output(stack.scheduler.nanoTime());
            }
            default -> {
            }
        }
    }

    @Override
    public void close() {
        boolean unread;
        synchronized (this) {
            unread = tcb.receiveBuffer.readable() > 0;
        }
        if (unread) {
            abort(); // RFC 9293 3.10.4 / RFC 2525 2.17, as Linux: unread data means RST
            return;
        }
        shutdownOutput();
    }

    @Override
    public void abort() {
        synchronized (this) {
            switch (tcb.state) {
                case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
                    // RFC 9293 3.10.5 ABORT: "<SEQ=SND.NXT><CTL=RST>"
                    reset(tcb.sndNxt, 0, false);
                    if (tcb.state.countsAsEstablished()) {
                        stack.counters.increment(TcpStatistic.ESTAB_RESETS);
                    }
                    terminate(null);
                }
                case CLOSED -> {
                }
                default -> terminate(null);
            }
            events &= ~EVENT_CLOSED; // the application asked: nothing to tell it
            armTimer();
        }
        afterEvent();
    }

    @Override
    public synchronized String state() {
        return tcb.state.name();
    }

    @Override
    public int localAddress() {
        return tcb.localAddress;
    }

    @Override
    public int localPort() {
        return tcb.localPort;
    }

    @Override
    public int remoteAddress() {
        return tcb.remoteAddress;
    }

    @Override
    public int remotePort() {
        return tcb.remotePort;
    }

    @Override
    public boolean congestionControl(String name) {
        synchronized (this) {
            CongestionControl next = stack.congestionControl(name);
            if (next == null || !next.name().equals(name)) {
                return false;
            }
            tcb.congestionAlgorithm = name;
            if (congestionControl != null) {
                congestionControl = next;
                next.init(tcb.congestion, stack.scheduler.nanoTime()); // same state: no reset of cwnd
            }
            return true;
        }
    }

    /**
     * The algorithm named {@code gone} went away: if this connection used it, the default
     * takes over the same {@link CongestionState} (no reset of cwnd, no stall).
     */
    void congestionControlGone(String gone) {
        synchronized (this) {
            if (congestionControl == null || !congestionControl.name().equals(gone)) {
                return;
            }
            CongestionControl next = stack.congestionControl(null);
            congestionControl = next;
            tcb.congestionAlgorithm = next.name();
            next.init(tcb.congestion, stack.scheduler.nanoTime());
        }
    }

    @Override
    public void options(StreamOptions options) {
        // buffer resizing, Nagle and keep-alive: later increments
    }
}
