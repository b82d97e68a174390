package dev.strata.tcp;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.strata.api.socket.SocketError;
import dev.strata.api.tcp.CongestionState;

/**
 * A connection's {@link Tcb} as bytes and back: the deposit format of the live upgrade of TCP
 * (docs/ARCHITECTURE.md, "Live upgrade of TCP"). TCP's own format, versioned, with no Java
 * serialization, so that a newer TCP bundle reads what an older one wrote without sharing a
 * class with it. Plain data only: the bytes say what the connection is, never whom it talks to.
 *
 * <p>Format version 1 ({@link #VERSION}), big-endian (DataOutputStream's encodings):
 * <table>
 * <caption>The encoding</caption>
 * <tr><th>what</th><th>encoding</th></tr>
 * <tr><td>magic</td><td>int {@link #MAGIC}, "STCB"</td></tr>
 * <tr><td>version</td><td>unsigned short {@link #VERSION}</td></tr>
 * <tr><td>the {@link Tcb}'s fields</td><td>in the order Tcb.java declares them (see {@link #encode}):
 * int 4 bytes, long 8, boolean 1 (0 or 1), an enum and a String as a string (below); a held
 * state object in place of its field, its own fields in order:</td></tr>
 * <tr><td>{@link SendBuffer}</td><td>capacity, ring (a byte array), head, length</td></tr>
 * <tr><td>{@link ReceiveBuffer}</td><td>capacity, ring, readPosition, inOrderEnd, rangeStart[],
 * rangeEnd[], rangeCount, recent[], recentCount</td></tr>
 * <tr><td>{@link RttEstimator}</td><td>minRto, maxRto, SRTT, RTTVAR, min RTT, RTO, backoffs</td></tr>
 * <tr><td>{@link CongestionState}</td><td>cwnd, ssthresh, mss, bytesInFlight, SRTT, min RTT</td></tr>
 * <tr><td>{@link Scoreboard}</td><td>start[], end[], count, sackedBytes, mergedByLastAdd, overflowedByLastAdd</td></tr>
 * <tr><td>{@link SendLog}</td><td>record capacity n, seq[n], end[n], xmit[n], flags[n], head, tail</td></tr>
 * <tr><td>array</td><td>int length, then the elements (a ring whole, so that its indexes stay valid)</td></tr>
 * <tr><td>string</td><td>short length (-1: null, at most {@link #MAX_STRING}), then UTF-8 bytes</td></tr>
 * </table>
 * Times are absolute deadlines of the Scheduler's clock (0: not armed), as in the Tcb: the deposit
 * is made and taken in one JVM, whose clock the new bundle's Scheduler shares.
 *
 * <p>What a connection holds beside its Tcb is not encoded; adoption restores it:
 * <table>
 * <caption>Not encoded</caption>
 * <tr><th>TcpConnection's</th><th>why not</th><th>how adoption restores it</th></tr>
 * <tr><td>stack (TcpStack: Scheduler, Ipv4Output, counters, config)</td><td>services of the bundle</td>
 * <td>the new TcpLayer's stack</td></tr>
 * <tr><td>endpoint (StreamEndpoint)</td><td>the socket layer's object</td>
 * <td>handed over beside the bytes by the socket layer, which owns it</td></tr>
 * <tr><td>listener (Listener)</td><td>the old bundle's object</td>
 * <td>for adoption to decide: a connection not yet accepted has no endpoint to hand over (queue it
 * on the new listener of its port, or let it end)</td></tr>
 * <tr><td>congestionControl (CongestionControl) and its private variables</td><td>an object of a
 * congestion-control bundle</td><td>looked up again by {@link Tcb#congestionAlgorithm} (the default
 * when gone) and {@code init} with the decoded {@link CongestionState}, as when that bundle stops</td></tr>
 * <tr><td>timer, timerAt (a scheduled task)</td><td>a task of the old Scheduler client</td>
 * <td>{@link TcpConnection#armTimer} from the decoded deadlines</td></tr>
 * <tr><td>outbox, events, closedError, acceptPending, batchQueued, ackAtBatchEnd</td>
 * <td>empty between two events (handed on when the monitor is released)</td><td>fresh ones</td></tr>
 * <tr><td>synCookie, removed</td><td>about the connection's birth and death in that stack</td><td>fresh ones</td></tr>
 * <tr><td>Handshake, Receiver, Sender, timers, LossRecovery, RackTlp, BufferTuning</td><td>logic over the
 * Tcb (RackTlp's {@code probing} is set only within one call)</td><td>built by the constructor</td></tr>
 * </table>
 *
 * <p>{@link #decode} trusts nothing: wrong magic, another version, truncation, trailing bytes,
 * a boolean other than 0 or 1, an unknown state or error name, and a length or an index out of
 * range (one a later call would trip over) are an {@link IllegalArgumentException}. No allocation
 * is larger than the input: an array's bytes must be there before it is allocated.
 */
final class TcbCodec {

    /** "STCB": a Strata TCB. */
    static final int MAGIC = 0x5354_4342;
    static final int VERSION = 1;
    /** The longest string (a congestion algorithm's or a SocketError's name). */
    static final int MAX_STRING = 64;

    private TcbCodec() {
    }

    /** The Tcb's bytes (the caller holds the connection's monitor, so nothing changes meanwhile). */
    static byte[] encode(Tcb t) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + t.sendBuffer.ring.length + t.receiveBuffer.ring.length
                + t.sendLog.seq.length * 17);
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            o.writeInt(MAGIC);
            o.writeShort(VERSION);
            // the connection's identity (RFC 9293 3.3.1)
            o.writeInt(t.localAddress);
            o.writeInt(t.localPort);
            o.writeInt(t.remoteAddress);
            o.writeInt(t.remotePort);
            string(o, t.state.name());
            o.writeBoolean(t.passiveOpen);
            // send sequence variables
            o.writeInt(t.sndUna);
            o.writeInt(t.sndNxt);
            o.writeInt(t.sndMax);
            o.writeLong(t.sndWnd);
            o.writeInt(t.sndWl1);
            o.writeInt(t.sndWl2);
            o.writeInt(t.iss);
            o.writeLong(t.maxSndWnd);
            // receive sequence variables
            o.writeInt(t.rcvNxt);
            o.writeLong(t.rcvWnd);
            o.writeInt(t.rcvAdvertisedEdge);
            o.writeInt(t.irs);
            // FINs
            o.writeBoolean(t.finQueued);
            o.writeBoolean(t.finSent);
            o.writeInt(t.finSeq);
            o.writeBoolean(t.orphaned);
            o.writeBoolean(t.finReceived);
            o.writeBoolean(t.outOfOrderFin);
            o.writeInt(t.outOfOrderFinSeq);
            // options
            o.writeInt(t.peerMss);
            o.writeInt(t.localMss);
            o.writeInt(t.gsoMaxSize);
            o.writeInt(t.sendMss);
            o.writeBoolean(t.windowScaling);
            o.writeInt(t.sndWindowShift);
            o.writeInt(t.rcvWindowShift);
            o.writeBoolean(t.timestamps);
            o.writeInt(t.tsRecent);
            o.writeLong(t.tsRecentNanos);
            o.writeInt(t.tsOffset);
            o.writeInt(t.lastAckSent);
            o.writeBoolean(t.sackPermitted);
            // acknowledgment and Nagle
            o.writeInt(t.quickAcks);
            o.writeInt(t.rcvMss);
            o.writeInt(t.lastSegSize);
            o.writeBoolean(t.noDelay);
            // keep-alive
            o.writeBoolean(t.keepAlive);
            o.writeLong(t.keepIdleNanos);
            o.writeLong(t.keepIntervalNanos);
            o.writeInt(t.keepCount);
            o.writeInt(t.keepAliveProbes);
            // buffers
            sendBuffer(o, t.sendBuffer);
            receiveBuffer(o, t.receiveBuffer);
            // buffer auto-tuning
            o.writeBoolean(t.receiveAutoTune);
            o.writeBoolean(t.sendAutoTune);
            o.writeInt(t.sendBufferInitial);
            o.writeLong(t.rcvSpace);
            o.writeLong(t.rcvSpaceStartNanos);
            o.writeLong(t.rcvSpaceStartPosition);
            o.writeLong(t.lastBufferUseNanos);
            o.writeLong(t.trimDeadline);
            o.writeLong(t.pmtuRaiseDeadline);
            // timers
            rtt(o, t.rtt);
            o.writeLong(t.retransmitDeadline);
            o.writeInt(t.retransmits);
            o.writeLong(t.timeWaitDeadline);
            o.writeLong(t.delayedAckDeadline);
            o.writeLong(t.persistDeadline);
            o.writeInt(t.persistProbes);
            o.writeInt(t.persistUnanswered);
            o.writeLong(t.keepAliveDeadline);
            o.writeLong(t.swsDeadline);
            o.writeBoolean(t.swsOverride);
            o.writeBoolean(t.rttTiming);
            o.writeInt(t.rttSeq);
            o.writeLong(t.rttStartNanos);
            o.writeInt(t.tsAtLastTimeout);
            o.writeBoolean(t.tsAtLastTimeoutValid);
            // RFC 5961 7
            o.writeLong(t.challengeAckWindowStartNanos);
            o.writeInt(t.challengeAcksInWindow);
            // congestion control
            congestion(o, t.congestion);
            string(o, t.congestionAlgorithm);
            o.writeBoolean(t.cwndLimited);
            o.writeLong(t.maxFlight);
            o.writeInt(t.cwndUsageSeq);
            o.writeBoolean(t.cwndUsageValid);
            o.writeInt(t.duplicateAcks);
            o.writeBoolean(t.inRecovery);
            o.writeInt(t.recover);
            o.writeBoolean(t.recoveryTimerRestarted);
            // per-connection statistics
            o.writeLong(t.retransmittedSegments);
            o.writeLong(t.bytesAcked);
            o.writeLong(t.bytesReceived);
            // SACK recovery (RFC 6675)
            scoreboard(o, t.scoreboard);
            o.writeBoolean(t.sackRecovery);
            o.writeInt(t.highRxt);
            o.writeInt(t.rescueRxt);
            o.writeBoolean(t.rescueRxtValid);
            // RACK-TLP (RFC 8985)
            sendLog(o, t.sendLog);
            o.writeInt(t.retransmitTimerKind);
            o.writeLong(t.rackXmitTs);
            o.writeInt(t.rackEndSeq);
            o.writeBoolean(t.rackValid);
            o.writeLong(t.rackRtt);
            o.writeInt(t.rackFack);
            o.writeBoolean(t.rackFackValid);
            o.writeBoolean(t.rackReorderingSeen);
            o.writeInt(t.rackReoWndMult);
            o.writeInt(t.rackReoWndPersist);
            o.writeInt(t.rackDsackRound);
            o.writeBoolean(t.rackDsackRoundValid);
            o.writeBoolean(t.dsackThisAck);
            o.writeInt(t.dsackEnd);
            o.writeBoolean(t.tlpRxtOut);
            o.writeInt(t.tlpHighRxt);
            o.writeBoolean(t.tlpIsRetrans);
            // errors
            string(o, t.pendingError);
            string(o, t.softError);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return bytes.toByteArray();
    }

    private static void sendBuffer(DataOutputStream o, SendBuffer b) throws IOException {
        o.writeInt(b.capacity());
        bytes(o, b.ring);
        o.writeInt(b.head);
        o.writeInt(b.length);
    }

    private static void receiveBuffer(DataOutputStream o, ReceiveBuffer b) throws IOException {
        o.writeInt(b.capacity());
        bytes(o, b.ring);
        o.writeLong(b.readPosition);
        o.writeLong(b.inOrderEnd);
        longs(o, b.rangeStart);
        longs(o, b.rangeEnd);
        o.writeInt(b.rangeCount);
        longs(o, b.recent);
        o.writeInt(b.recentCount);
    }

    private static void rtt(DataOutputStream o, RttEstimator r) throws IOException {
        o.writeLong(r.minRtoNanos);
        o.writeLong(r.maxRtoNanos);
        o.writeLong(r.smoothedRttNanos);
        o.writeLong(r.rttVarianceNanos);
        o.writeLong(r.minRttNanos);
        o.writeLong(r.rtoNanos);
        o.writeInt(r.backoffs);
    }

    private static void congestion(DataOutputStream o, CongestionState c) throws IOException {
        o.writeLong(c.cwnd);
        o.writeLong(c.ssthresh);
        o.writeInt(c.mss);
        o.writeLong(c.bytesInFlight);
        o.writeLong(c.smoothedRttNanos);
        o.writeLong(c.minRttNanos);
    }

    private static void scoreboard(DataOutputStream o, Scoreboard s) throws IOException {
        ints(o, s.start);
        ints(o, s.end);
        o.writeInt(s.count);
        o.writeLong(s.sackedBytes);
        o.writeInt(s.mergedByLastAdd);
        o.writeBoolean(s.overflowedByLastAdd);
    }

    private static void sendLog(DataOutputStream o, SendLog l) throws IOException {
        int n = l.seq.length;
        o.writeInt(n);
        for (int i = 0; i < n; i++) {
            o.writeInt(l.seq[i]);
        }
        for (int i = 0; i < n; i++) {
            o.writeInt(l.end[i]);
        }
        for (int i = 0; i < n; i++) {
            o.writeLong(l.xmit[i]);
        }
        o.write(l.flags, 0, n);
        o.writeInt(l.head);
        o.writeInt(l.tail);
    }

    private static void bytes(DataOutputStream o, byte[] a) throws IOException {
        o.writeInt(a.length);
        o.write(a);
    }

    private static void ints(DataOutputStream o, int[] a) throws IOException {
        o.writeInt(a.length);
        for (int v : a) {
            o.writeInt(v);
        }
    }

    private static void longs(DataOutputStream o, long[] a) throws IOException {
        o.writeInt(a.length);
        for (long v : a) {
            o.writeLong(v);
        }
    }

    private static void string(DataOutputStream o, String s) throws IOException {
        if (s == null) {
            o.writeShort(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_STRING) {
            throw new IllegalStateException("string longer than " + MAX_STRING + " bytes: " + s);
        }
        o.writeShort(utf8.length);
        o.write(utf8);
    }

    // ---- decoding ---------------------------------------------------------------------------------------

    /**
     * The Tcb {@code bytes} describe: new objects throughout (its buffers, estimator, congestion
     * state, scoreboard and send log), sharing nothing with the input.
     *
     * @throws IllegalArgumentException when the bytes are not a Tcb this version can read
     */
    static Tcb decode(byte[] bytes) {
        In in = new In(bytes);
        int magic = in.i32();
        if (magic != MAGIC) {
            throw in.bad(String.format("not a TCB (magic 0x%08x, expected 0x%08x)", magic, MAGIC));
        }
        int version = in.u16();
        if (version != VERSION) {
            throw in.bad("TCB format version " + version + " is not " + VERSION + ", the one this TCP reads");
        }
        Tcb t = new Tcb(0, 0, 0, 0);
        t.localAddress = in.i32();
        t.localPort = in.i32();
        t.remoteAddress = in.i32();
        t.remotePort = in.i32();
        t.state = state(in);
        t.passiveOpen = in.bool();
        t.sndUna = in.i32();
        t.sndNxt = in.i32();
        t.sndMax = in.i32();
        t.sndWnd = in.i64();
        t.sndWl1 = in.i32();
        t.sndWl2 = in.i32();
        t.iss = in.i32();
        t.maxSndWnd = in.i64();
        t.rcvNxt = in.i32();
        t.rcvWnd = in.i64();
        t.rcvAdvertisedEdge = in.i32();
        t.irs = in.i32();
        t.finQueued = in.bool();
        t.finSent = in.bool();
        t.finSeq = in.i32();
        t.orphaned = in.bool();
        t.finReceived = in.bool();
        t.outOfOrderFin = in.bool();
        t.outOfOrderFinSeq = in.i32();
        t.peerMss = in.i32();
        t.localMss = in.i32();
        t.gsoMaxSize = in.i32();
        t.sendMss = in.i32();
        t.windowScaling = in.bool();
        t.sndWindowShift = in.range(in.i32(), 0, TcpOptions.MAX_WINDOW_SCALE, "send window shift");
        t.rcvWindowShift = in.range(in.i32(), 0, TcpOptions.MAX_WINDOW_SCALE, "receive window shift");
        t.timestamps = in.bool();
        t.tsRecent = in.i32();
        t.tsRecentNanos = in.i64();
        t.tsOffset = in.i32();
        t.lastAckSent = in.i32();
        t.sackPermitted = in.bool();
        t.quickAcks = in.i32();
        t.rcvMss = in.i32();
        t.lastSegSize = in.i32();
        t.noDelay = in.bool();
        t.keepAlive = in.bool();
        t.keepIdleNanos = in.i64();
        t.keepIntervalNanos = in.i64();
        t.keepCount = in.i32();
        t.keepAliveProbes = in.i32();
        t.sendBuffer = sendBuffer(in);
        t.receiveBuffer = receiveBuffer(in);
        t.receiveAutoTune = in.bool();
        t.sendAutoTune = in.bool();
        t.sendBufferInitial = in.i32();
        t.rcvSpace = in.i64();
        t.rcvSpaceStartNanos = in.i64();
        t.rcvSpaceStartPosition = in.i64();
        t.lastBufferUseNanos = in.i64();
        t.trimDeadline = in.i64();
        t.pmtuRaiseDeadline = in.i64();
        t.rtt = rtt(in);
        t.retransmitDeadline = in.i64();
        t.retransmits = in.i32();
        t.timeWaitDeadline = in.i64();
        t.delayedAckDeadline = in.i64();
        t.persistDeadline = in.i64();
        t.persistProbes = in.i32();
        t.persistUnanswered = in.i32();
        t.keepAliveDeadline = in.i64();
        t.swsDeadline = in.i64();
        t.swsOverride = in.bool();
        t.rttTiming = in.bool();
        t.rttSeq = in.i32();
        t.rttStartNanos = in.i64();
        t.tsAtLastTimeout = in.i32();
        t.tsAtLastTimeoutValid = in.bool();
        t.challengeAckWindowStartNanos = in.i64();
        t.challengeAcksInWindow = in.i32();
        t.congestion = congestion(in);
        t.congestionAlgorithm = in.string();
        t.cwndLimited = in.bool();
        t.maxFlight = in.i64();
        t.cwndUsageSeq = in.i32();
        t.cwndUsageValid = in.bool();
        t.duplicateAcks = in.i32();
        t.inRecovery = in.bool();
        t.recover = in.i32();
        t.recoveryTimerRestarted = in.bool();
        t.retransmittedSegments = in.i64();
        t.bytesAcked = in.i64();
        t.bytesReceived = in.i64();
        t.scoreboard = scoreboard(in);
        t.sackRecovery = in.bool();
        t.highRxt = in.i32();
        t.rescueRxt = in.i32();
        t.rescueRxtValid = in.bool();
        t.sendLog = sendLog(in);
        t.retransmitTimerKind = in.range(in.i32(), RetransmitTimer.RTO, RetransmitTimer.REORDER, "retransmit timer kind");
        t.rackXmitTs = in.i64();
        t.rackEndSeq = in.i32();
        t.rackValid = in.bool();
        t.rackRtt = in.i64();
        t.rackFack = in.i32();
        t.rackFackValid = in.bool();
        t.rackReorderingSeen = in.bool();
        t.rackReoWndMult = in.i32();
        t.rackReoWndPersist = in.i32();
        t.rackDsackRound = in.i32();
        t.rackDsackRoundValid = in.bool();
        t.dsackThisAck = in.bool();
        t.dsackEnd = in.i32();
        t.tlpRxtOut = in.bool();
        t.tlpHighRxt = in.i32();
        t.tlpIsRetrans = in.bool();
        t.pendingError = socketError(in);
        t.softError = socketError(in);
        if (in.remaining() != 0) {
            throw in.bad(in.remaining() + " bytes after the TCB");
        }
        return t;
    }

    private static TcpState state(In in) {
        String name = in.string();
        for (TcpState s : TcpState.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw in.bad("unknown TCP state " + name);
    }

    /** A SocketError's name or null (TcpConnection turns it back with SocketError.valueOf). */
    private static String socketError(In in) {
        String name = in.string();
        if (name == null) {
            return null;
        }
        for (SocketError e : SocketError.values()) {
            if (e.name().equals(name)) {
                return name;
            }
        }
        throw in.bad("unknown socket error " + name);
    }

    private static SendBuffer sendBuffer(In in) {
        int capacity = in.range(in.i32(), 0, Integer.MAX_VALUE, "send buffer capacity");
        byte[] ring = in.bytes();
        int head = in.i32();
        int length = in.i32();
        // SendBuffer keeps ring.length <= capacity (it grows up to the capacity, resize keeps what is held)
        in.range(ring.length, 0, capacity, "send ring length");
        if (ring.length == 0) {
            in.range(head, 0, 0, "send ring head");
            in.range(length, 0, 0, "send bytes held without a ring");
        } else {
            in.range(head, 0, ring.length - 1, "send ring head");
            in.range(length, 0, ring.length, "send bytes held");
        }
        SendBuffer b = new SendBuffer(capacity);
        if (ring.length > 0) {
            b.ring = ring; // else the buffer's own "unallocated" marker stays
        }
        b.head = head;
        b.length = length;
        return b;
    }

    private static ReceiveBuffer receiveBuffer(In in) {
        int capacity = in.range(in.i32(), 0, Integer.MAX_VALUE, "receive buffer capacity");
        byte[] ring = in.bytes();
        in.range(ring.length, 0, capacity, "receive ring length");
        ReceiveBuffer b = new ReceiveBuffer(capacity);
        if (ring.length > 0) {
            b.ring = ring;
        }
        b.readPosition = in.i64();
        b.inOrderEnd = in.i64();
        in.longsInto(b.rangeStart, "receive range starts");
        in.longsInto(b.rangeEnd, "receive range ends");
        b.rangeCount = in.range(in.i32(), 0, ReceiveBuffer.MAX_RANGES, "receive range count");
        in.longsInto(b.recent, "recent SACK positions");
        b.recentCount = in.range(in.i32(), 0, b.recent.length, "recent SACK count");
        // positions are stream byte counts: readPosition <= inOrderEnd < ranges (sorted, disjoint,
        // not touching), all of it within the ring (index = position % ring length)
        if (b.readPosition < 0 || b.inOrderEnd < b.readPosition) {
            throw in.bad("receive positions out of order: read " + b.readPosition + ", in order to " + b.inOrderEnd);
        }
        long high = b.inOrderEnd;
        for (int i = 0; i < b.rangeCount; i++) {
            if (b.rangeStart[i] <= high || b.rangeEnd[i] <= b.rangeStart[i]) {
                throw in.bad("receive range " + i + " [" + b.rangeStart[i] + ", " + b.rangeEnd[i] + ") out of order");
            }
            high = b.rangeEnd[i];
        }
        if (high - b.readPosition > ring.length) {
            throw in.bad("receive buffer holds " + (high - b.readPosition) + " bytes in a ring of " + ring.length);
        }
        return b;
    }

    private static RttEstimator rtt(In in) {
        RttEstimator r = new RttEstimator(in.i64(), in.i64());
        r.smoothedRttNanos = in.i64();
        r.rttVarianceNanos = in.i64();
        r.minRttNanos = in.i64();
        r.rtoNanos = in.i64();
        r.backoffs = in.i32();
        return r;
    }

    private static CongestionState congestion(In in) {
        CongestionState c = new CongestionState();
        c.cwnd = in.i64();
        c.ssthresh = in.i64();
        c.mss = in.i32();
        c.bytesInFlight = in.i64();
        c.smoothedRttNanos = in.i64();
        c.minRttNanos = in.i64();
        return c;
    }

    private static Scoreboard scoreboard(In in) {
        Scoreboard s = new Scoreboard();
        in.intsInto(s.start, "scoreboard starts");
        in.intsInto(s.end, "scoreboard ends");
        s.count = in.range(in.i32(), 0, Scoreboard.MAX_RANGES, "scoreboard range count");
        s.sackedBytes = in.i64();
        s.mergedByLastAdd = in.i32();
        s.overflowedByLastAdd = in.bool();
        return s;
    }

    private static SendLog sendLog(In in) {
        int n = in.range(in.i32(), 0, SendLog.MAX_RECORDS, "send log capacity");
        in.need((long) n * (4 + 4 + 8 + 1), "send log records");
        SendLog l = new SendLog();
        l.seq = new int[n];
        l.end = new int[n];
        l.xmit = new long[n];
        l.flags = new byte[n];
        for (int i = 0; i < n; i++) {
            l.seq[i] = in.i32();
        }
        for (int i = 0; i < n; i++) {
            l.end[i] = in.i32();
        }
        for (int i = 0; i < n; i++) {
            l.xmit[i] = in.i64();
        }
        in.buffer.get(l.flags);
        l.head = in.range(in.i32(), 0, n, "send log head");
        l.tail = in.range(in.i32(), l.head, n, "send log tail");
        return l;
    }

    /** The input, every read checked against what is left. */
    private static final class In {

        final ByteBuffer buffer;

        In(byte[] bytes) {
            buffer = ByteBuffer.wrap(bytes);
        }

        int remaining() {
            return buffer.remaining();
        }

        IllegalArgumentException bad(String why) {
            return new IllegalArgumentException("TCB deposit: " + why + " (at byte " + buffer.position() + " of "
                    + buffer.limit() + ")");
        }

        void need(long count, String what) {
            if (count > buffer.remaining()) {
                throw bad("truncated: " + what + " needs " + count + " bytes, " + buffer.remaining() + " left");
            }
        }

        int i32() {
            need(4, "an int");
            return buffer.getInt();
        }

        long i64() {
            need(8, "a long");
            return buffer.getLong();
        }

        int u16() {
            need(2, "a short");
            return buffer.getShort() & 0xffff;
        }

        boolean bool() {
            need(1, "a boolean");
            byte b = buffer.get();
            if (b != 0 && b != 1) {
                throw bad("boolean " + b);
            }
            return b == 1;
        }

        int range(int value, int min, int max, String what) {
            if (value < min || value > max) {
                throw bad(what + " " + value + " not in [" + min + ", " + max + "]");
            }
            return value;
        }

        String string() {
            need(2, "a string length");
            int length = buffer.getShort();
            if (length == -1) {
                return null;
            }
            range(length, 0, MAX_STRING, "string length");
            need(length, "a string");
            byte[] utf8 = new byte[length];
            buffer.get(utf8);
            return new String(utf8, StandardCharsets.UTF_8);
        }

        /** A byte array: its length, then as many bytes (which must be there before it is allocated). */
        byte[] bytes() {
            int length = i32();
            if (length < 0) {
                throw bad("negative array length " + length);
            }
            need(length, "an array of " + length + " bytes");
            byte[] a = new byte[length];
            buffer.get(a);
            return a;
        }

        /** A fixed-size array of the state object's, read into it: the length must be its length. */
        void intsInto(int[] into, String what) {
            range(i32(), into.length, into.length, what + " length");
            need(4L * into.length, what);
            for (int i = 0; i < into.length; i++) {
                into[i] = buffer.getInt();
            }
        }

        void longsInto(long[] into, String what) {
            range(i32(), into.length, into.length, what + " length");
            need(8L * into.length, what);
            for (int i = 0; i < into.length; i++) {
                into[i] = buffer.getLong();
            }
        }
    }
}
