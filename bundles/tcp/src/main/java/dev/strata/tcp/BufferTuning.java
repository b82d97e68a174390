package dev.strata.tcp;

/**
 * Buffer auto-tuning with bounded memory, for the buffers the application left
 * {@link dev.strata.api.transport.StreamOptions#AUTOMATIC} (an explicit SO_RCVBUF or SO_SNDBUF
 * stays fixed, as in Linux, where setting one turns tuning off for it).
 *
 * <ul>
 * <li>Receive side, Linux's dynamic right-sizing (tcp_rcv_space_adjust): once per round trip
 * the bytes the application read in it are measured; when that beats the best round so far,
 * the buffer grows to twice it (the sender's window may double in slow start during the next
 * round trip), up to {@link #RECEIVE_MAX} (tcp_rmem[2]). The window scale is chosen at SYN time
 * for that maximum (Handshake), so the window can express it.
 * <li>Send side, as Linux's tcp_sndbuf_expand: the buffer grows to twice cwnd (a window in
 * flight and the next one queued), up to {@link #SEND_MAX} (tcp_wmem[2]).
 * <li>Idle trim: one {@link #IDLE_TRIM_NANOS} after a buffer was last used, an empty buffer
 * shrinks to {@link #TRIM_SIZE} (tcp_rmem[0] / tcp_wmem[0]). The receive window already promised
 * to the peer is not withdrawn (RFC 9293 3.8.6.2.2): data arriving inside it regrows the ring at
 * once ({@link #ensureReceiveRoom}), so the promise is kept with memory allocated on demand.
 * </ul>
 *
 * <p>Worst case per connection: {@link #RECEIVE_MAX} + {@link #SEND_MAX} (10 MiB) while a
 * bulk transfer uses both directions at full speed; an idle connection with empty buffers holds
 * 2 * {@link #TRIM_SIZE} (8 KiB) of buffer after {@link #IDLE_TRIM_NANOS}. Growth allocates
 * (a new ring, the old one copied), at most once per round trip per buffer, never per segment.
 */
final class BufferTuning {

    /** Linux tcp_rmem[2]: the receive buffer grows to 6 MiB at most. */
    static final int RECEIVE_MAX = 6 * 1024 * 1024;
    /** Linux tcp_wmem[2]: the send buffer grows to 4 MiB at most. */
    static final int SEND_MAX = 4 * 1024 * 1024;
    /** Linux tcp_rmem[0] / tcp_wmem[0]: what an idle connection's empty buffers shrink to. */
    static final int TRIM_SIZE = 4096;
    /** How long a buffer stays unused before it is trimmed. */
    static final long IDLE_TRIM_NANOS = 1_000_000_000L;

    private final TcpConnection c;
    private final Tcb tcb;

    BufferTuning(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
    }

    /** The largest receive buffer this connection may have (the window scale is chosen for it). */
    static int receiveLimit(Tcb tcb) {
        return tcb.receiveAutoTune ? RECEIVE_MAX : tcb.receiveBuffer.capacity();
    }

    /** The application read: Linux tcp_rcv_space_adjust, once per round trip. */
    void afterRead(long now) {
        tcb.lastBufferUseNanos = now;
        if (!tcb.receiveAutoTune) {
            return;
        }
        ReceiveBuffer r = tcb.receiveBuffer;
        if (tcb.rcvSpaceStartNanos == 0) {
            startMeasure(now);
            return;
        }
        long rtt = Math.max(tcb.rtt.smoothedRttNanos, 1_000_000L);
        if (now - tcb.rcvSpaceStartNanos < rtt) {
            return;
        }
        long copied = r.readPosition - tcb.rcvSpaceStartPosition;
        if (copied > tcb.rcvSpace) {
            tcb.rcvSpace = copied;
            // twice what was read in a round trip, as Linux's rcvwin = 2 * copied (+ slack)
            long target = Math.min(RECEIVE_MAX, 2 * copied + 16L * tcb.localMss);
            if (target > r.capacity()) {
                r.resize(roundUp((int) target));
            }
        }
        startMeasure(now);
    }

    private void startMeasure(long now) {
        tcb.rcvSpaceStartNanos = now;
        tcb.rcvSpaceStartPosition = tcb.receiveBuffer.readPosition;
    }

    /**
     * A segment is about to be stored ending {@code end} bytes past the first unread byte: if
     * the window promised to the peer reaches that far and the ring does not (it was trimmed,
     * or the window was offered by an earlier, larger ring), the ring grows to the promise.
     */
    void ensureReceiveRoom(long end) {
        ReceiveBuffer r = tcb.receiveBuffer;
        if (end <= r.capacity()) {
            return;
        }
        long promised = r.readable() + (long) Math.max(0, Seq.distance(tcb.rcvNxt, tcb.rcvAdvertisedEdge));
        long size = Math.min(Math.min(end, promised), receiveLimit(tcb));
        if (size > r.capacity()) {
            r.resize(roundUp((int) size));
        }
    }

    /** Bytes were acknowledged (or the application wrote): Linux tcp_sndbuf_expand, twice cwnd. */
    void afterAck(long now) {
        tcb.lastBufferUseNanos = now;
        if (!tcb.sendAutoTune) {
            return;
        }
        SendBuffer s = tcb.sendBuffer;
        long want = Math.min(SEND_MAX, 2 * tcb.congestion.cwnd);
        if (want > s.capacity() && s.capacity() < SEND_MAX) {
            // at least half as large again, so that the copies stay few while cwnd grows
            s.resize(roundUp((int) Math.min(SEND_MAX, Math.max(want, s.capacity() + (long) s.capacity() / 2))));
            c.events |= TcpConnection.EVENT_WRITABLE;
        }
    }

    /** The application writes into an auto-tuned send buffer trimmed while idle: back to its initial size. */
    void beforeWrite(long now) {
        tcb.lastBufferUseNanos = now;
        if (tcb.sendAutoTune && tcb.sendBuffer.capacity() < tcb.sendBufferInitial) {
            tcb.sendBuffer.resize(tcb.sendBufferInitial);
        }
    }

    /** Arms the idle trim when an auto-tuned buffer is larger than the trim size. */
    void armTrim(long now) {
        if (tcb.trimDeadline == 0 && tcb.state != TcpState.CLOSED
                && (tcb.receiveAutoTune && tcb.receiveBuffer.capacity() > TRIM_SIZE
                        || tcb.sendAutoTune && tcb.sendBuffer.capacity() > TRIM_SIZE)) {
            tcb.trimDeadline = now + IDLE_TRIM_NANOS;
        }
    }

    /** The trim deadline passed: shrink the empty buffers unused for {@link #IDLE_TRIM_NANOS}. */
    void trimExpired(long now) {
        tcb.trimDeadline = 0;
        if (now - tcb.lastBufferUseNanos < IDLE_TRIM_NANOS) {
            tcb.trimDeadline = tcb.lastBufferUseNanos + IDLE_TRIM_NANOS;
            return;
        }
        ReceiveBuffer r = tcb.receiveBuffer;
        if (tcb.receiveAutoTune && r.readable() == 0 && r.rangeCount == 0 && r.capacity() > TRIM_SIZE) {
            r.resize(TRIM_SIZE);
            tcb.rcvSpace = 0;
            tcb.rcvSpaceStartNanos = 0;
        }
        SendBuffer s = tcb.sendBuffer;
        if (tcb.sendAutoTune && s.length == 0 && s.capacity() > TRIM_SIZE) {
            s.resize(TRIM_SIZE);
        }
    }

    /** Sizes are whole 4 KiB pages. */
    private static int roundUp(int size) {
        return (size + 4095) & ~4095;
    }
}
