package dev.strata.tcp;

import dev.strata.api.transport.StreamOptions;

/**
 * Keep-alive (RFC 1122 4.2.3.6), as Linux does it: when SO_KEEPALIVE is on and nothing has
 * arrived for TCP_KEEPIDLE while no data is in flight or waiting, send a probe "SEG.SEQ =
 * SND.NXT-1" without data, which the peer must answer with an ACK; then one every
 * TCP_KEEPINTVL; after TCP_KEEPCNT unanswered probes the connection is reset and the
 * application learns ETIMEDOUT. Any segment from the peer starts the idle time again. Runs
 * under the connection's monitor.
 */
final class KeepAliveTimer {

    private static final long SECOND = 1_000_000_000L;

    private final TcpConnection c;
    private final Tcb tcb;
    private final TcpStack stack;

    KeepAliveTimer(TcpConnection c) {
        this.c = c;
        this.tcb = c.tcb;
        this.stack = c.stack;
    }

    /** Takes the socket options (at open and on every change) and restarts the idle time. */
    void configure(StreamOptions options, long now) {
        tcb.keepAlive = options.keepAlive();
        tcb.keepIdleNanos = Math.max(1, options.keepIdleSeconds()) * SECOND;
        tcb.keepIntervalNanos = Math.max(1, options.keepIntervalSeconds()) * SECOND;
        tcb.keepCount = Math.max(1, options.keepCount());
        restart(now);
    }

    /** Something arrived from the peer (or the connection became established): idle from now. */
    void restart(long now) {
        tcb.keepAliveProbes = 0;
        tcb.keepAliveDeadline = tcb.keepAlive && eligible() ? now + tcb.keepIdleNanos : 0;
    }

    private boolean eligible() {
        return switch (tcb.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_2 -> true;
            default -> false;
        };
    }

    /** The timer fired: probe, or give up after the count. */
    void expired(long now) {
        tcb.keepAliveDeadline = 0;
        if (!tcb.keepAlive || !eligible()) {
            return;
        }
        if (tcb.sndUna != tcb.sndMax || tcb.sendBuffer.length > 0) {
            // data in flight or waiting: the retransmission or persist timer watches the peer
            restart(now);
            return;
        }
        if (tcb.keepAliveProbes >= tcb.keepCount) {
            // as Linux (tcp_keepalive_timer): a reset to the peer, ETIMEDOUT to the application
            c.sender.reset(tcb.sndMax, 0, false);
            if (tcb.state.countsAsEstablished()) {
                stack.counters.increment(TcpStatistic.ESTAB_RESETS);
            }
            stack.counters.increment(TcpStatistic.KEEPALIVE_TIMEOUTS);
            c.terminate(c.timeoutError());
            return;
        }
        // RFC 1122 4.2.3.6: "SEG.SEQ = SND.NXT-1", here without the garbage octet
        c.sender.emit(tcb.sndNxt - 1, TcpHeader.ACK, 0, 0);
        tcb.keepAliveProbes++;
        stack.counters.increment(TcpStatistic.KEEPALIVE_PROBES);
        tcb.keepAliveDeadline = now + tcb.keepIntervalNanos;
    }
}
