package dev.strata.tcp;

import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.socket.SocketError;

/**
 * An ICMP error about a segment of a connection (RFC 1122 4.2.3.9, RFC 5927), applied under
 * the connection's monitor:
 * <ul>
 * <li>the quoted sequence number must lie in SND.UNA..SND.MAX, data we sent and that is not
 * acknowledged (RFC 5927 4.1, as Linux's {@code OutOfWindowIcmps} check); anything else is
 * an attacker's guess, counted and ignored;</li>
 * <li>fragmentation needed (type 3 code 4): path MTU discovery (RFC 1191): the MSS falls to
 * the next-hop MTU - 40 less the options, never below {@link #MIN_PMTU}, the destination
 * remembers it, and what no longer fits is sent again at once, resegmented (not a congestion
 * signal: cwnd stays);</li>
 * <li>other unreachables, time exceeded, parameter problem: in SYN-SENT the connection fails
 * with the matching error (hard, as Linux; ECONNREFUSED for port unreachable), a passive
 * SYN-RECEIVED goes back to LISTEN; once synchronized they are soft errors (RFC 1122
 * 4.2.3.9, RFC 5461 4): recorded, and reported instead of ETIMEDOUT only if the connection
 * then times out (Linux's {@code sk_err_soft}); an ACK of new data forgets it.</li>
 * </ul>
 * Source quench is ignored (RFC 6633).
 */
final class IcmpError {

    static final int TYPE_DESTINATION_UNREACHABLE = 3;
    static final int TYPE_TIME_EXCEEDED = 11;
    static final int TYPE_PARAMETER_PROBLEM = 12;

    /** RFC 791: every IPv4 link carries 68 octets; a smaller "next-hop MTU" is bogus (RFC 1191 3: never below 68). */
    static final int MIN_MTU = 68;
    /**
     * The floor of the path MTU estimate, as Linux's {@code min_pmtu} keeps one (552 there):
     * here 576, the datagram every IPv4 host accepts (RFC 791), i.e. the default MSS of 536
     * (RFC 9293 3.7.1), so that a forged ICMP cannot shrink segments to a few bytes.
     */
    static final int MIN_PMTU = 576;
    /** RFC 1191 7, Table 7-1: the plateaus to try when a router reports no next-hop MTU. */
    static final int[] PLATEAUS = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

    private IcmpError() {
    }

    /**
     * @param seq the sequence number of our quoted segment
     * @param quotedLength the total length of our quoted datagram (for RFC 1191's plateaus)
     */
    static void arrived(TcpConnection c, int type, int code, int info, int seq, int quotedLength, long now) {
        Tcb t = c.tcb;
        TcpStack stack = c.stack;
        if (t.state == TcpState.CLOSED || t.state == TcpState.TIME_WAIT || t.state == TcpState.LISTEN) {
            return;
        }
        // RFC 5927 4.1: "validate the TCP sequence number contained in the payload of the ICMP error message"
        if (Seq.lt(seq, t.sndUna) || Seq.gt(seq, t.sndMax)) {
            stack.counters.increment(TcpStatistic.OUT_OF_WINDOW_ICMPS);
            return;
        }
        SocketError error;
        switch (type) {
            case TYPE_DESTINATION_UNREACHABLE -> {
                if (code == IcmpErrors.FRAGMENTATION_NEEDED) {
                    pathMtu(c, info, quotedLength, now);
                    return;
                }
                error = unreachable(code);
                if (error == null) {
                    return;
                }
            }
            case TYPE_TIME_EXCEEDED, TYPE_PARAMETER_PROBLEM -> error = SocketError.EHOSTUNREACH;
            default -> {
                return; // source quench (RFC 6633) and anything else
            }
        }
        stack.counters.increment(TcpStatistic.ICMP_ERRORS);
        switch (t.state) {
            case SYN_SENT -> {
                stack.counters.increment(TcpStatistic.ATTEMPT_FAILS);
                c.terminate(error); // connect() fails with it at once
            }
            case SYN_RECEIVED -> {
                stack.counters.increment(TcpStatistic.ATTEMPT_FAILS);
                // passive: back to LISTEN (Linux drops the request); active (simultaneous open): fails
                c.terminate(t.passiveOpen ? null : error);
            }
            default -> t.softError = error.name(); // RFC 1122 4.2.3.9: soft, reported on timeout
        }
    }

    /** Destination unreachable codes (RFC 792, RFC 1122 3.2.2.1) to the error Linux reports (icmp_err_convert). */
    static SocketError unreachable(int code) {
        return switch (code) {
            case 0, 6, 9, 11 -> SocketError.ENETUNREACH; // net unreachable, unknown, prohibited, for TOS
            case 1, 5, 7, 8, 10, 12, 13, 14, 15 -> SocketError.EHOSTUNREACH;
            // protocol and port unreachable: nobody listens there (Linux ENOPROTOOPT / ECONNREFUSED)
            case 2, 3 -> SocketError.ECONNREFUSED;
            default -> null;
        };
    }

    /** RFC 1191 5-6: a smaller path MTU lowers the MSS and resends what no longer fits. */
    static void pathMtu(TcpConnection c, int nextHopMtu, int quotedLength, long now) {
        Tcb t = c.tcb;
        TcpStack stack = c.stack;
        int mtu = nextHopMtu;
        if (mtu == 0) {
            mtu = plateauBelow(quotedLength); // RFC 1191 5: a router of RFC 792's day reports no MTU
        }
        if (mtu < MIN_MTU) {
            stack.counters.increment(TcpStatistic.ICMP_BAD_MTU);
            return;
        }
        mtu = Math.max(mtu, MIN_PMTU);
        stack.pathMtus.lower(t.remoteAddress, mtu, now);
        int mss = mtu - 40; // RFC 9293 3.7.1: fixed IPv4 and TCP headers
        if (t.state == TcpState.SYN_SENT) {
            // no MSS is negotiated yet: the path's bounds what the SYN-ACK will let us send
            t.localMss = Math.min(t.localMss, mss);
            return;
        }
        int sendMss = Math.max(64, Math.min(Math.min(t.peerMss, t.localMss), mss) - (t.timestamps ? 12 : 0));
        if (sendMss >= t.sendMss) {
            return; // old news, or an ICMP about a bigger MTU than we use (RFC 1191 6.3: never raise on it)
        }
        stack.counters.increment(TcpStatistic.PMTU_REDUCTIONS);
        t.sendMss = sendMss;
        t.congestion.mss = sendMss;
        t.pmtuRaiseDeadline = now + PathMtuCache.EXPIRES_NANOS;
        if (t.sndUna != t.sndMax && c.sender.maySendData()) {
            // RFC 1191 6.5: "retransmit ... the segments that were too big", at once and resegmented
            // (Linux tcp_simple_retransmit); a lost datagram here is no sign of congestion
            t.sndNxt = t.sndUna;
            t.rttTiming = false; // Karn: no sample from what is sent again
            // what goes again is data already sent, not new small segments: Nagle (RFC 896) holds none of it
            boolean noDelay = t.noDelay;
            t.noDelay = true;
            c.sender.output(now);
            t.noDelay = noDelay;
        }
    }

    /**
     * RFC 1191 6.3: "a host MUST NOT increase its estimate of the Path MTU ... [until] at least 5
     * minutes" after a reduction, and 10 are recommended (Linux's {@code ip_rt_mtu_expires}): then
     * the connection goes back to the MSS it negotiated, bounded by the route and by whatever the
     * destination's cache learned since; if the path is still narrow, the next "fragmentation
     * needed" lowers it again.
     */
    static void raisePathMtu(TcpConnection c, long now) {
        Tcb t = c.tcb;
        TcpStack stack = c.stack;
        if (t.state == TcpState.SYN_SENT || t.state == TcpState.SYN_RECEIVED || t.state == TcpState.TIME_WAIT
                || t.state == TcpState.CLOSED) {
            return;
        }
        int mss = Math.min(t.peerMss, t.localMss);
        int route = stack.mtuFor(t.remoteAddress);
        if (route > 0) {
            mss = Math.min(mss, route - 40);
        }
        int learned = stack.pathMtus.get(t.remoteAddress, now);
        if (learned > 0) {
            mss = Math.min(mss, learned - 40);
        }
        int sendMss = Math.max(64, mss - (t.timestamps ? 12 : 0));
        if (sendMss <= t.sendMss) {
            return;
        }
        stack.counters.increment(TcpStatistic.PMTU_RAISES);
        t.sendMss = sendMss;
        t.congestion.mss = sendMss;
    }

    static int plateauBelow(int length) {
        for (int p : PLATEAUS) {
            if (p < length) {
                return p;
            }
        }
        return MIN_MTU;
    }
}
