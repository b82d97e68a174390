package dev.strata.tcp;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import dev.strata.api.link.ReceiveBatch;
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
 * <p>This class is the coordinator (events, the lock, the per-state dispatch of RFC 9293
 * 3.10.7.4, state changes, the one scheduler task, user calls); the protocol's concerns live
 * beside it, as in gVisor's transport/tcp: {@link Handshake} (SYNs and options),
 * {@link Receiver} (acceptability, data, FIN, window advertisement, ACKs), {@link Sender}
 * (segmentation, ACK processing, segment building) and {@link RetransmitTimer}.
 *
 * <p>Timers beside it: {@link RetransmitTimer}, {@link PersistTimer} (zero-window probes),
 * {@link KeepAliveTimer}, the delayed ACK ({@link Receiver}); loss recovery is in
 * {@link LossRecovery}: SACK-based (RFC 6675, over the {@link Scoreboard}) when SACK is
 * permitted, NewReno otherwise. ICMP errors are applied by {@link IcmpError}; a
 * connection born of a SYN cookie by {@link Handshake#fromCookie}. Not yet here: urgent data.
 */
final class TcpConnection implements StreamConnection {

    static final int EVENT_CONNECTED = 1;
    static final int EVENT_READABLE = 2;
    static final int EVENT_WRITABLE = 4;
    static final int EVENT_CLOSED = 8;

    static final long SECOND = 1_000_000_000L;
    /** RFC 7323 5.5: TS.Recent is invalid after 24 days without a segment that updated it. */
    static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * SECOND;

    final Tcb tcb;
    final TcpStack stack;
    /** Segments built under the monitor, sent after it is released. */
    final Outbox outbox = new Outbox();
    final Handshake handshake;
    final Receiver receiver;
    final Sender sender;
    final RetransmitTimer retransmitTimer;
    final LossRecovery recovery;
    final PersistTimer persistTimer;
    final KeepAliveTimer keepAlive;
    final BufferTuning tuning;
    private final Runnable timerTask = this::onTimer;
    /** Runs at the end of a link's receive batch ({@link #afterSegment}); allocated once. */
    private final Runnable batchTask = this::batchEnded;
    /** {@link #batchTask} waits in the current receive batch (guarded by this monitor). */
    private boolean batchQueued;
    /** An ACK the current receive batch owes (guarded by this monitor; {@link #deferAck}). */
    private boolean ackAtBatchEnd;
    private Listener listener;

    /** For the handshake: the listener's accept queue has no room (the completing ACK is dropped). */
    boolean acceptQueueFull() {
        Listener l = listener;
        return l != null && tcb.passiveOpen && l.acceptQueueFull();
    }
    private StreamEndpoint endpoint;
    CongestionControl congestionControl;
    /** EVENT_* bits for the endpoint, delivered by {@link #afterEvent}. */
    int events;
    SocketError closedError;
    /** The endpoint must be asked from the listener's acceptor (after the monitor is released). */
    boolean acceptPending;
    /** Opened from a SYN cookie (RFC 4987 3.6): it never sat in its listener's SYN queue. */
    boolean synCookie;
    private boolean removed;
    private Cancellable timer;
    private long timerAt;

    /** An active OPEN (the caller then calls {@link #open}). */
    TcpConnection(TcpStack stack, StreamEndpoint endpoint, StreamOptions options, int localAddress, int localPort,
            int remoteAddress, int remotePort) {
        this(stack, endpoint, null, newTcb(stack, options, localAddress, localPort, remoteAddress, remotePort));
        keepAlive.configure(options, 0);
    }

    /** Every connection: its state and the parts that run it. */
    private TcpConnection(TcpStack stack, StreamEndpoint endpoint, Listener listener, Tcb tcb) {
        this.stack = stack;
        this.endpoint = endpoint;
        this.listener = listener;
        this.tcb = tcb;
        handshake = new Handshake(this);
        receiver = new Receiver(this);
        sender = new Sender(this);
        retransmitTimer = new RetransmitTimer(this);
        recovery = new LossRecovery(this);
        persistTimer = new PersistTimer(this);
        keepAlive = new KeepAliveTimer(this);
        tuning = new BufferTuning(this);
    }

    /**
     * A connection handed over by the TCP bundle this one replaced (SPEC section 4): its whole
     * state {@code tcb} decoded from the deposit ({@link TcbCodec}), its endpoint the socket that
     * holds it (null for TIME-WAIT and orphans). The congestion algorithm restarts from the
     * connection's {@code CongestionState}, as when a congestion-control bundle stops. The caller
     * adds it to the stack, then calls {@link #resume}.
     */
    TcpConnection(TcpStack stack, StreamEndpoint endpoint, Tcb tcb) {
        this(stack, endpoint, null, tcb);
        if (handedOverState(tcb.state)) {
            // the algorithm's bundle may bind after this one activates: until it does, the default
            // (or built-in Reno) runs on the same state, and congestionControlArrived switches back;
            // tcb.congestionAlgorithm keeps the name the connection asked for
            CongestionControl cc = stack.congestionControl(tcb.congestionAlgorithm);
            congestionControl = cc;
            cc.init(tcb.congestion, stack.scheduler.nanoTime()); // the same state: no reset of cwnd
        }
    }

    /** After adoption: the timers the old bundle had armed run again here, and what was due goes out. */
    void resume() {
        synchronized (this) {
            armTimer();
            sender.output(stack.scheduler.nanoTime());
        }
        afterEvent();
    }

    /**
     * For the TCP bundle leaving (SPEC section 4): this connection's state as bytes, and the
     * connection gone from here without a segment sent; or null when it cannot be handed over
     * (mid-handshake, or waiting in a listener's queue: the caller aborts it as before).
     */
    byte[] deposit() {
        synchronized (this) {
            if (removed || !handedOverState(tcb.state) || listener != null || acceptPending) {
                return null;
            }
            byte[] state = TcbCodec.encode(tcb);
            removed = true; // timers that fire from now on find nothing to do
            if (timer != null) {
                timer.cancel();
                timer = null;
                timerAt = 0;
            }
            stack.remove(this);
            return state;
        }
    }

    /** States a connection is handed over in: from ESTABLISHED to TIME-WAIT (not mid-handshake). */
    static boolean handedOverState(TcpState state) {
        return state.ordinal() >= TcpState.ESTABLISHED.ordinal();
    }

    /** The socket layer's side of the connection, or null. */
    StreamEndpoint endpoint() {
        return endpoint;
    }

    /** A passive OPEN's connection for a SYN (the caller then calls {@link #acceptSyn}). */
    TcpConnection(TcpStack stack, Listener listener, StreamOptions options, Segment syn) {
        this(stack, null, listener, newTcb(stack, options, syn.destination, syn.destinationPort, syn.source, syn.sourcePort));
        tcb.passiveOpen = true;
        keepAlive.configure(options, 0);
    }

    /** A new connection's state: its 4-tuple, its buffers as the options ask, the options it keeps. */
    private static Tcb newTcb(TcpStack stack, StreamOptions options, int localAddress, int localPort, int remoteAddress,
            int remotePort) {
        // AUTOMATIC: Linux's initial tcp_wmem / tcp_rmem, then tuned (BufferTuning)
        int send = options.sendBuffer() == StreamOptions.AUTOMATIC ? StreamOptions.DEFAULTS.sendBuffer() : options.sendBuffer();
        int receive = options.receiveBuffer() == StreamOptions.AUTOMATIC ? StreamOptions.DEFAULTS.receiveBuffer()
                : options.receiveBuffer();
        Tcb tcb = new Tcb(send, receive, stack.config.minRtoNanos(), stack.config.maxRtoNanos());
        tcb.sendAutoTune = options.sendBuffer() == StreamOptions.AUTOMATIC;
        tcb.receiveAutoTune = options.receiveBuffer() == StreamOptions.AUTOMATIC;
        tcb.sendBufferInitial = send;
        tcb.localAddress = localAddress;
        tcb.localPort = localPort;
        tcb.remoteAddress = remoteAddress;
        tcb.remotePort = remotePort;
        tcb.congestionAlgorithm = options.congestionControl();
        tcb.noDelay = options.noDelay();
        return tcb;
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
            handshake.initialiseSend(now);
            tcb.rcvWindowShift = handshake.offeredWindowShift();
            setState(TcpState.SYN_SENT);
            stack.counters.increment(TcpStatistic.ACTIVE_OPENS);
            handshake.sendSyn(false);
            handshake.startTiming(tcb.iss, now);
            retransmitTimer.arm(now);
            armTimer();
        }
        afterEvent();
    }

    /** LISTEN + SYN (RFC 9293 3.10.7.2): -> SYN-RECEIVED, "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>". */
    void acceptSyn(Segment seg) {
        acceptSyn(seg, -1);
    }

    /** @param iss the ISS (a new incarnation of a TIME-WAIT connection's), or -1 for RFC 6528's */
    void acceptSyn(Segment seg, long iss) {
        synchronized (this) {
            long now = stack.scheduler.nanoTime();
            tcb.irs = seg.seq;
            tcb.rcvNxt = seg.seq + 1;
            handshake.initialiseSend(now, iss);
            handshake.negotiate(seg, now);
            // RFC 7323 2.2: the SYN's window is never scaled
            tcb.sndWnd = seg.window;
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            setState(TcpState.SYN_RECEIVED);
            handshake.sendSyn(true);
            handshake.startTiming(tcb.iss, now);
            retransmitTimer.arm(now);
            armTimer();
        }
        afterEvent();
    }

    /** A valid SYN cookie came back (RFC 4987 3.6): LISTEN -> ESTABLISHED directly, see {@link Handshake#fromCookie}. */
    void acceptCookie(Segment ack, int peerMss, int optionBits, int tsOffset) {
        synchronized (this) {
            handshake.fromCookie(ack, peerMss, optionBits, tsOffset, stack.scheduler.nanoTime());
            armTimer();
        }
        afterEvent();
    }

    /** An ICMP error about a segment we sent with sequence number {@code seq} ({@link IcmpError}). */
    void icmpError(int type, int code, int info, int seq, int quotedLength) {
        synchronized (this) {
            if (removed) {
                return;
            }
            IcmpError.arrived(this, type, code, info, seq, quotedLength, stack.scheduler.nanoTime());
            armTimer();
        }
        afterEvent();
    }

    /** The error a connection that timed out reports: the last ICMP soft error, else ETIMEDOUT (Linux tcp_write_err). */
    SocketError timeoutError() {
        return tcb.softError != null ? SocketError.valueOf(tcb.softError) : SocketError.ETIMEDOUT;
    }

    // ---- segment arrival (RFC 9293 3.10.7) ------------------------------------------------------

    void segmentArrives(Segment seg) {
        synchronized (this) {
            if (!removed) {
                long now = stack.scheduler.nanoTime();
                if (tcb.state == TcpState.SYN_SENT) {
                    handshake.synSent(seg, now);
                } else {
                    synchronizedStates(seg, now);
                }
                tcb.persistUnanswered = 0; // the peer answers (RFC 1122 4.2.2.17)
                if (tcb.keepAliveDeadline != 0 || tcb.keepAliveProbes > 0) {
                    keepAlive.restart(now); // the peer is alive (RFC 1122 4.2.3.6)
                }
                armTimer();
            }
        }
        afterSegment();
    }

    /**
     * After a segment: the segments built go at once (ACKs of out-of-order data, new data the
     * ACK let go); inside a link's receive batch ({@link ReceiveBatch}) the application's
     * READABLE / WRITABLE callbacks and the ACK of in-order data ({@link #deferAck}) wait
     * for the batch's end, once per connection, as Linux's GRO gives TCP one merged segment
     * to acknowledge and one sk_data_ready per NAPI batch: one wake-up of the reader and
     * one ACK for many segments instead of one per segment.
     */
    private void afterSegment() {
        ReceiveBatch batch = ReceiveBatch.current();
        if (!batch.active()) {
            afterEvent();
            return;
        }
        stack.flush(outbox);
        boolean now;
        boolean queue = false;
        synchronized (this) {
            now = acceptPending || (events & (EVENT_CONNECTED | EVENT_CLOSED)) != 0;
            if (!now && !batchQueued && (events != 0 || ackAtBatchEnd)) {
                batchQueued = true;
                queue = true;
            }
        }
        if (now) {
            afterEvent();
        } else if (queue) {
            batch.defer(batchTask);
        }
    }

    /**
     * Whether the ACK of in-order data may wait for the end of the receive batch in progress
     * on this thread (then it is owed, with the delayed-ACK timer as a backstop); false when
     * no batch is open.
     */
    boolean deferAck(long now) {
        if (!ReceiveBatch.current().active()) {
            return false;
        }
        ackAtBatchEnd = true;
        if (tcb.delayedAckDeadline == 0) {
            tcb.delayedAckDeadline = now + TcpConfig.DELAYED_ACK_NANOS;
        }
        return true;
    }

    /** The receive batch ended: the owed ACK (one for all its segments), then the callbacks. */
    private void batchEnded() {
        synchronized (this) {
            batchQueued = false;
            if (ackAtBatchEnd) {
                ackAtBatchEnd = false;
                if (!removed && tcb.state != TcpState.CLOSED && tcb.lastAckSent != tcb.rcvNxt) {
                    receiver.sendAck();
                }
                armTimer();
            }
        }
        afterEvent();
    }

    /** RFC 9293 3.10.7.4: SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT. */
    private void synchronizedStates(Segment seg, long now) {
        // a retransmitted SYN in SYN-RECEIVED: the SYN-ACK was lost, send it again (as Linux)
        if (tcb.state == TcpState.SYN_RECEIVED && seg.has(TcpHeader.SYN) && !seg.has(TcpHeader.ACK)
                && !seg.has(TcpHeader.RST) && seg.seq == tcb.irs) {
            handshake.sendSyn(true);
            return;
        }
        // simultaneous open (RFC 9293 Figure 8): the peer's SYN-ACK repeats its SYN, which we
        // already hold; take it as the ACK of ours (as Linux does in tcp_validate_incoming)
        if (tcb.state == TcpState.SYN_RECEIVED && !tcb.passiveOpen && seg.has(TcpHeader.SYN) && seg.has(TcpHeader.ACK)
                && !seg.has(TcpHeader.RST) && seg.seq + 1 == tcb.rcvNxt && seg.ack == tcb.sndNxt && seg.payloadLength == 0) {
            seg.flags &= ~TcpHeader.SYN;
            seg.seq += 1;
        }
        // RFC 7323 5.3 PAWS: a segment whose TSval is older than TS.Recent is a duplicate;
        // RFC 7323 5.5: after 24 days idle TS.Recent is no longer valid (the peer's clock may
        // have wrapped its sign bit), so the segment is not judged by it
        if (tcb.timestamps && seg.options.timestamps && !seg.has(TcpHeader.RST)
                && Seq.lt(seg.options.tsVal, tcb.tsRecent) && now - tcb.tsRecentNanos <= PAWS_IDLE_NANOS) {
            stack.counters.increment(TcpStatistic.OUT_OF_WINDOW);
            receiver.sendAck();
            return;
        }
        // first: the acceptability test (RFC 9293 3.10.7.4, the four cases)
        if (!receiver.acceptable(seg)) {
            stack.counters.increment(TcpStatistic.OUT_OF_WINDOW);
            if (!seg.has(TcpHeader.RST)) {
                receiver.sendAck(); // "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
                // TIME-WAIT: "The only thing that can arrive in this state is a retransmission of
                // the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
                if (tcb.state == TcpState.TIME_WAIT && seg.has(TcpHeader.FIN)
                        && seg.seq + seg.sequenceLength() == tcb.rcvNxt) {
                    tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
                }
            }
            return;
        }
        // RFC 7323 4.3 (and 5.3 R3): TS.Recent takes the TSval of an acceptable segment that
        // covers Last.ACK.sent ("SEG.SEQ =< Last.ACK.sent"), so that with delayed ACKs the echo
        // is the TSval of the earliest segment acknowledged, and never moves backwards
        // ("SEG.TSval >= TS.Recent"; PAWS above let an older one through only when stale)
        if (tcb.timestamps && seg.options.timestamps && Seq.le(seg.seq, tcb.lastAckSent)
                && (!Seq.lt(seg.options.tsVal, tcb.tsRecent) || now - tcb.tsRecentNanos > PAWS_IDLE_NANOS)) {
            tcb.tsRecent = seg.options.tsVal;
            tcb.tsRecentNanos = now;
        }
        // second: RST (RFC 5961 3.2: only the exact RCV.NXT resets; any other in-window RST is challenged)
        if (seg.has(TcpHeader.RST)) {
            if (seg.seq != tcb.rcvNxt) {
                receiver.challengeAck(now);
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
            receiver.challengeAck(now);
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
        receiver.processText(seg, now);
        sender.output(now);
    }



    /** RST processing per state (RFC 9293 3.10.7.4 second step). */
    void resetArrived() {
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


    /** The fifth step; false when the segment is to be dropped. */
    private boolean processAck(Segment seg, long now) {
        if (tcb.state == TcpState.SYN_RECEIVED && !handshake.synReceivedAck(seg, now)) {
            return false;
        }
        int una = tcb.sndUna;
        if (!sender.ackArrived(seg, now)) {
            return false;
        }
        if (una != tcb.sndUna) {
            tcb.softError = null; // RFC 1122 4.2.3.9: the path works again (Linux clears sk_err_soft on an ACK)
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
                } else {
                    sender.output(now); // our FIN may still wait behind data the window held back
                }
                return false; // "otherwise, ignore the segment"
            }
            case LAST_ACK -> {
                if (finAcked) {
                    terminate(null);
                } else {
                    sender.output(now); // data queued before CLOSE, then our FIN, go as the window opens
                }
                return false;
            }
            case TIME_WAIT -> {
                // only a retransmission of the remote FIN can arrive: acknowledge it, restart 2 MSL
                if (seg.has(TcpHeader.FIN)) {
                    receiver.sendAck();
                    tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
                }
                return false;
            }
            default -> {
            }
        }
        return true;
    }



    void enterTimeWait(long now) {
        setState(TcpState.TIME_WAIT);
        tcb.retransmitDeadline = 0;
        tcb.timeWaitDeadline = now + stack.config.timeWaitNanos();
        events |= EVENT_CLOSED; // the application's connection is over: both FINs exchanged
        closedError = null;
    }

    // ---- output (the sender; RFC 9293 3.8.6.2.1, RFC 5681 window) ------------------------------------









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
                if (tcb.state == TcpState.FIN_WAIT_2) {
                    stack.counters.increment(TcpStatistic.FIN_WAIT2_TIMEOUTS);
                }
                terminate(null);
            } else {
                if (tcb.retransmitDeadline != 0 && now >= tcb.retransmitDeadline) {
                    retransmitTimer.expired(now);
                }
                if (!removed && tcb.delayedAckDeadline != 0 && now >= tcb.delayedAckDeadline) {
                    receiver.delayedAckExpired();
                }
                if (!removed && tcb.persistDeadline != 0 && now >= tcb.persistDeadline) {
                    persistTimer.expired(now);
                }
                if (!removed && tcb.keepAliveDeadline != 0 && now >= tcb.keepAliveDeadline) {
                    keepAlive.expired(now);
                }
                if (!removed && tcb.swsDeadline != 0 && now >= tcb.swsDeadline) {
                    sender.swsOverrideExpired(now);
                }
                if (!removed && tcb.trimDeadline != 0 && now >= tcb.trimDeadline) {
                    tuning.trimExpired(now);
                }
                if (!removed && tcb.pmtuRaiseDeadline != 0 && now >= tcb.pmtuRaiseDeadline) {
                    tcb.pmtuRaiseDeadline = 0;
                    IcmpError.raisePathMtu(this, now);
                }
            }
            armTimer();
        }
        afterEvent();
    }


    /** Schedules the one timer task at the earliest deadline (the caller holds the monitor). */
    void armTimer() {
        long next = earliest(earliest(tcb.retransmitDeadline, tcb.timeWaitDeadline),
                earliest(earliest(tcb.delayedAckDeadline, tcb.persistDeadline),
                        earliest(earliest(tcb.keepAliveDeadline, tcb.swsDeadline),
                                earliest(tcb.trimDeadline, tcb.pmtuRaiseDeadline))));
        if (next == 0 && !removed) {
            // nothing due: a pending task is left to fire and find nothing (lazy cancel), so a
            // bulk transfer whose deadlines come and go per ACK does not allocate a scheduler
            // task per segment (docs/ARCHITECTURE.md, no allocation per packet)
            return;
        }
        if (removed) {
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

    void setState(TcpState state) {
        boolean was = tcb.state.countsAsEstablished();
        boolean is = state.countsAsEstablished();
        if (was != is) {
            stack.counters.add(TcpStatistic.CURR_ESTAB, is ? 1 : -1);
        }
        tcb.state = state;
        if (state == TcpState.ESTABLISHED) {
            keepAlive.restart(stack.scheduler.nanoTime());
        }
        if (state == TcpState.FIN_WAIT_2) {
            startFinWait2Timeout();
        }
    }

    /**
     * A connection the application closed waits in FIN-WAIT-2 for the peer's FIN at most
     * tcp_fin_timeout, then goes without a word (Linux: an orphan's FIN-WAIT-2 ends on the
     * timewait timer); RFC 9293 sets no bound, but nobody is left to read what might still
     * come. One only half-closed (shutdown) waits for as long as the peer sends. The deadline
     * shares the TIME-WAIT one: both end the connection silently.
     */
    private void startFinWait2Timeout() {
        if (tcb.orphaned && tcb.state == TcpState.FIN_WAIT_2 && tcb.timeWaitDeadline == 0) {
            tcb.timeWaitDeadline = stack.scheduler.nanoTime() + stack.config.finTimeoutNanos();
        }
    }

    /**
     * RFC 6191 2: a SYN for this 4-tuple while in TIME-WAIT may open a new incarnation when it
     * is newer than anything of the old one: a TSval above TS.Recent (or equal to it with a SEQ
     * above RCV.NXT) when both use timestamps, else a SEQ above RCV.NXT. Then this connection
     * goes and the ISS the new one should use is returned, beyond anything this incarnation sent
     * (SND.NXT + 2^16 + 1, as Linux);
     * otherwise -1, and the SYN is processed here (RFC 9293 3.10.7.4, a challenge ACK).
     */
    long reuseTimeWait(Segment syn) {
        synchronized (this) {
            if (removed || tcb.state != TcpState.TIME_WAIT) {
                return -1;
            }
            boolean newer = tcb.timestamps && syn.options.timestamps
                    ? Seq.gt(syn.options.tsVal, tcb.tsRecent)
                            // RFC 6191 2: the same timestamp (within the peer's clock tick) and a higher sequence
                            || syn.options.tsVal == tcb.tsRecent && Seq.gt(syn.seq, tcb.rcvNxt)
                    : Seq.gt(syn.seq, tcb.rcvNxt);
            if (!newer) {
                return -1;
            }
            stack.counters.increment(TcpStatistic.TIME_WAIT_REUSED);
            terminate(null);
            return (tcb.sndNxt + 65535 + 2) & 0xffff_ffffL;
        }
    }

    /** Deletes the TCB: CLOSED, out of the table, timers off; the endpoint learns {@code error}. */
    void terminate(SocketError error) {
        boolean wasSynReceived = tcb.state == TcpState.SYN_RECEIVED;
        boolean alreadyClosed = tcb.state == TcpState.TIME_WAIT;
        setState(TcpState.CLOSED);
        tcb.retransmitDeadline = 0;
        tcb.timeWaitDeadline = 0;
        tcb.delayedAckDeadline = 0;
        tcb.persistDeadline = 0;
        tcb.swsDeadline = 0;
        tcb.keepAliveDeadline = 0;
        tcb.trimDeadline = 0;
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
            long now = stack.scheduler.nanoTime();
            tuning.beforeWrite(now);
            n = tcb.sendBuffer.write(from);
            sender.output(now);
            tuning.armTrim(now);
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
            n = r.read(into);
            long now = stack.scheduler.nanoTime();
            tuning.afterRead(now); // may grow the buffer: the window update below then offers it
            tuning.armTrim(now);
            // a window update only when it matters (RFC 9293 3.8.6.2.2 receiver SWS avoidance,
            // Linux tcp_cleanup_rbuf): see Receiver.windowUpdateDue
            if (tcb.state.receivesData() && receiver.windowUpdateDue()) {
                receiver.sendAck();
            }
            armTimer();
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
                sender.output(stack.scheduler.nanoTime());
            }
            case CLOSE_WAIT -> {
                tcb.finQueued = true;
                setState(TcpState.LAST_ACK);
                sender.output(stack.scheduler.nanoTime());
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
        synchronized (this) {
            tcb.orphaned = true;
            startFinWait2Timeout(); // already half-closed: the clock starts now
        }
        shutdownOutput();
    }

    @Override
    public void abort() {
        synchronized (this) {
            switch (tcb.state) {
                case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
                    // RFC 9293 3.10.5 ABORT: "<SEQ=SND.NXT><CTL=RST>"
                    sender.reset(tcb.sndMax, 0, false); // SND.MAX: in the peer's window even after a go-back
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
    public synchronized String congestionControl() {
        return tcb.congestionAlgorithm;
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

    /** The algorithm {@code name} arrived: an adopted connection that asked for it and runs another takes it. */
    void congestionControlArrived(String name) {
        synchronized (this) {
            if (congestionControl != null && name.equals(tcb.congestionAlgorithm) && !congestionControl.name().equals(name)) {
                CongestionControl next = stack.congestionControl(name);
                if (next != null && next.name().equals(name)) {
                    congestionControl = next;
                    next.init(tcb.congestion, stack.scheduler.nanoTime());
                }
            }
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
        synchronized (this) {
            boolean pushNow = options.noDelay() && !tcb.noDelay;
            tcb.noDelay = options.noDelay();
            if (pushNow) {
                sender.output(stack.scheduler.nanoTime()); // what Nagle held back goes now (as Linux)
            }
            keepAlive.configure(options, stack.scheduler.nanoTime());
            // buffer resizing: a later increment
            armTimer();
        }
        afterEvent();
    }
}
