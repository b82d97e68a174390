package dev.strata.udp;

import dev.strata.api.socket.SocketError;

/**
 * Which errno an ICMP error about one of our datagrams becomes, after Linux's
 * {@code icmp_err_convert} table (net/ipv4/icmp.c), within the errors a socket can report.
 */
final class IcmpErrorMap {

    static final int TYPE_DESTINATION_UNREACHABLE = 3;
    static final int TYPE_TIME_EXCEEDED = 11;

    private IcmpErrorMap() {
    }

    /** The socket error for an ICMP {@code type}/{@code code}, or null for one not reported. */
    static SocketError socketError(int type, int code) {
        if (type == TYPE_TIME_EXCEEDED) {
            // Linux: time exceeded is EHOSTUNREACH (a routing loop, or too small a TTL).
            return SocketError.EHOSTUNREACH;
        }
        if (type != TYPE_DESTINATION_UNREACHABLE) {
            // Source quench (RFC 6633: ignored), parameter problem (EPROTO, which sockets here lack).
            return null;
        }
        switch (code) {
            case 0: // net unreachable
            case 6: // destination network unknown (RFC 1122 3.2.2.1)
            case 9: // network administratively prohibited
            case 11: // network unreachable for TOS
                return SocketError.ENETUNREACH;
            case 1: // host unreachable
            case 5: // source route failed
            case 7: // destination host unknown
            case 8: // source host isolated
            case 10: // host administratively prohibited
            case 12: // host unreachable for TOS
            case 13: // communication administratively prohibited (RFC 1812)
            case 14: // host precedence violation
            case 15: // precedence cutoff in effect
                return SocketError.EHOSTUNREACH;
            case 2: // protocol unreachable: the peer has no UDP at all
            case 3: // port unreachable (RFC 1122 4.1.3.3)
                return SocketError.ECONNREFUSED;
            case 4: // fragmentation needed and DF set (RFC 1191)
                return SocketError.EMSGSIZE;
            default:
                return null; // Linux ignores codes beyond NR_ICMP_UNREACH
        }
    }
}
