package dev.strata.tcp;

import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamOptions;

/**
 * A passive OPEN (RFC 9293 3.10.1): the LISTEN state. A SYN makes a connection in
 * SYN-RECEIVED, counted in the SYN queue until its handshake completes or fails; complete
 * connections go to the acceptor (the socket layer's accept queue).
 *
 * <p>The SYN queue holds min(backlog, tcp_max_syn_backlog) connections. When it is full (or
 * always, with {@code syncookies=2}) a SYN is answered with a {@link SynCookies SYN cookie}
 * and leaves no state (RFC 4987 3.6); for two minutes after the last cookie, an ACK that is
 * no connection's is checked as a returning cookie and, if valid, opens the connection
 * directly in ESTABLISHED. With {@code syncookies=0} a SYN to a full queue is dropped.
 */
final class Listener implements StreamListener {

    private final TcpStack stack;
    private final StreamAcceptor acceptor;
    private final int address;
    private final int port;
    private final int backlog;
    final StreamOptions options;
    /** Connections in SYN-RECEIVED born here. */
    private int synQueue;
    private boolean closed;
    /** When the last cookie was sent, 0 for never (Linux's tcp_synq_overflow stamp). */
    private long lastCookieNanos;

    Listener(TcpStack stack, StreamAcceptor acceptor, int address, int port, int backlog, StreamOptions options) {
        this.stack = stack;
        this.acceptor = acceptor;
        this.address = address;
        this.port = port;
        this.backlog = Math.max(1, backlog);
        this.options = options;
    }

    /**
     * RFC 9293 3.10.7.2, LISTEN: a RST is ignored; an ACK is answered with
     * <SEQ=SEG.ACK><CTL=RST>; a SYN opens a connection in SYN-RECEIVED; anything else is dropped.
     */
    void segmentArrives(Segment seg) {
        segmentArrives(seg, -1);
    }

    /** @param iss the ISS for a SYN that ended a TIME-WAIT (RFC 6191), or -1 */
    void segmentArrives(Segment seg, long iss) {
        if (seg.has(TcpHeader.RST)) {
            return;
        }
        if (seg.has(TcpHeader.ACK)) {
            if (seg.has(TcpHeader.SYN) || !cookieReturned(seg)) {
                stack.sendResetFor(seg);
            }
            return;
        }
        if (!seg.has(TcpHeader.SYN)) {
            return;
        }
        if (seg.has(TcpHeader.FIN)) {
            // RFC 9293 3.10.7.2 would queue the FIN for after the handshake; no stack sends SYN+FIN
            // but a scanner looking behind a filter (nmap), so it is dropped, as Linux drops it
            stack.counters.increment(TcpStatistic.SYN_FIN);
            return;
        }
        TcpConfig config = stack.config;
        boolean cookie = false;
        synchronized (this) {
            if (closed) {
                stack.sendResetFor(seg);
                return;
            }
            boolean full = synQueue >= Math.min(backlog, config.maxSynBacklog());
            if (full || config.syncookies() == TcpConfig.SYNCOOKIES_ALWAYS) {
                if (config.syncookies() == TcpConfig.SYNCOOKIES_OFF) {
                    stack.counters.increment(TcpStatistic.SYN_QUEUE_FULL);
                    stack.counters.increment(TcpStatistic.LISTEN_DROPS);
                    return;
                }
                if (full) {
                    stack.counters.increment(TcpStatistic.SYN_QUEUE_FULL_COOKIES);
                }
                lastCookieNanos = stack.scheduler.nanoTime();
                cookie = true;
            } else {
                synQueue++;
            }
        }
        if (cookie) {
            stack.synCookies.sendSynAck(stack, this, seg);
            return;
        }
        TcpConnection connection = new TcpConnection(stack, this, options, seg);
        stack.add(connection);
        stack.counters.increment(TcpStatistic.PASSIVE_OPENS);
        connection.acceptSyn(seg, iss);
    }

    /**
     * An ACK that is no connection's: if cookies went out in the last two minutes, is it a
     * returning cookie (SEG.ACK - 1 the cookie, SEG.SEQ - 1 the peer's ISN)? A valid one opens
     * the connection ESTABLISHED and hands it the segment; true when the segment was taken.
     */
    private boolean cookieReturned(Segment seg) {
        long now = stack.scheduler.nanoTime();
        synchronized (this) {
            if (closed || lastCookieNanos == 0 || now - lastCookieNanos > SynCookies.VALID_NANOS
                    || stack.config.syncookies() == TcpConfig.SYNCOOKIES_OFF) {
                return false; // Linux tcp_synq_no_recent_overflow: no cookie can be outstanding
            }
        }
        int mssIndex = stack.synCookies.check(seg.destination, seg.destinationPort, seg.source, seg.sourcePort, seg.ack - 1,
                seg.seq - 1, now);
        if (mssIndex < 0) {
            stack.counters.increment(TcpStatistic.SYNCOOKIES_FAILED);
            return false; // LISTEN answers the ACK with a reset (RFC 9293 3.10.7.2)
        }
        if (acceptQueueFull()) {
            return true; // dropped (Linux: syn_recv_sock fails on a full accept queue); the peer's next segment retries
        }
        stack.counters.increment(TcpStatistic.SYNCOOKIES_RECV);
        int optionBits = seg.options.timestamps ? seg.options.tsEcr & ((1 << SynCookies.TS_BITS) - 1) : -1;
        TcpConnection connection = new TcpConnection(stack, this, options, seg);
        connection.synCookie = true;
        TcpConnection existing = stack.addIfAbsent(connection);
        if (existing != null) {
            existing.segmentArrives(seg); // the same ACK twice at once: the first made the connection
            return true;
        }
        stack.counters.increment(TcpStatistic.PASSIVE_OPENS);
        connection.acceptCookie(seg, SynCookies.MSS_TABLE[mssIndex], optionBits,
                stack.synCookies.tsOffset(seg.destination, seg.destinationPort, seg.source, seg.sourcePort));
        if (seg.payloadLength > 0 || seg.has(TcpHeader.FIN)) {
            connection.segmentArrives(seg); // RFC 9293 3.10.7.4: the ACK's text, now in ESTABLISHED
        }
        return true;
    }

    /** A connection of ours left SYN-RECEIVED without being established (RST, timeout). */
    synchronized void failed() {
        synQueue--;
    }

    /**
     * The socket layer's accept queue is full (Linux sk_acceptq_is_full): the ACK completing a
     * handshake is dropped and counted (ListenOverflows, ListenDrops), as Linux does with
     * tcp_abort_on_overflow off; the peer's next segment tries again.
     */
    boolean acceptQueueFull() {
        boolean full;
        try {
            full = acceptor.acceptQueueFull();
        } catch (RuntimeException e) {
            stack.counters.increment(TcpStatistic.CALLBACK_FAILED);
            return false;
        }
        if (full) {
            stack.counters.increment(TcpStatistic.LISTEN_OVERFLOWS);
            stack.counters.increment(TcpStatistic.LISTEN_DROPS);
        }
        return full;
    }

    /** A connection of ours is established: returns its endpoint from the acceptor, or null to reset it. */
    StreamEndpoint established(TcpConnection connection) {
        synchronized (this) {
            if (!connection.synCookie) {
                synQueue--; // a cookie's connection never was in the SYN queue
            }
            if (closed) {
                return null;
            }
        }
        StreamEndpoint endpoint;
        try {
            endpoint = acceptor.accepted(connection);
        } catch (RuntimeException e) {
            stack.counters.increment(TcpStatistic.CALLBACK_FAILED);
            return null;
        }
        if (endpoint == null) {
            stack.counters.increment(TcpStatistic.LISTEN_OVERFLOWS); // the accept queue was full: the connection is reset
            stack.counters.increment(TcpStatistic.LISTEN_DROPS);
        }
        return endpoint;
    }

    @Override
    public int localAddress() {
        return address;
    }

    @Override
    public int localPort() {
        return port;
    }

    @Override
    public synchronized int pending() {
        return synQueue;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        stack.removeListener(this);
    }
}
