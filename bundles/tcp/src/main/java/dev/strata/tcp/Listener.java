package dev.strata.tcp;

import dev.strata.api.transport.StreamAcceptor;
import dev.strata.api.transport.StreamEndpoint;
import dev.strata.api.transport.StreamListener;
import dev.strata.api.transport.StreamOptions;

/**
 * A passive OPEN (RFC 9293 3.10.1): the LISTEN state. A SYN makes a connection in
 * SYN-RECEIVED, counted in the SYN queue until its handshake completes or fails; complete
 * connections go to the acceptor (the socket layer's accept queue).
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
        if (seg.has(TcpHeader.RST)) {
            return;
        }
        if (seg.has(TcpHeader.ACK)) {
            stack.sendResetFor(seg);
            return;
        }
        if (!seg.has(TcpHeader.SYN)) {
            return;
        }
        synchronized (this) {
            if (closed) {
                stack.sendResetFor(seg);
                return;
            }
            // Linux: the SYN queue holds up to the backlog (SYN cookies when full: a later increment)
            if (synQueue >= backlog) {
                stack.counters.increment(TcpStatistic.SYN_QUEUE_FULL);
                return;
            }
            synQueue++;
        }
        TcpConnection connection = new TcpConnection(stack, this, options, seg);
        stack.add(connection);
        stack.counters.increment(TcpStatistic.PASSIVE_OPENS);
        connection.acceptSyn(seg);
    }

    /** A connection of ours left SYN-RECEIVED without being established (RST, timeout). */
    synchronized void failed() {
        synQueue--;
    }

    /** A connection of ours is established: returns its endpoint from the acceptor, or null to reset it. */
    StreamEndpoint established(TcpConnection connection) {
        synchronized (this) {
            synQueue--;
            if (closed) {
                return null;
            }
        }
        try {
            return acceptor.accepted(connection);
        } catch (RuntimeException e) {
            stack.counters.increment(TcpStatistic.CALLBACK_FAILED);
            return null;
        }
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
