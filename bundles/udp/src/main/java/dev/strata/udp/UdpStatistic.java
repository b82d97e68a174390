package dev.strata.udp;

/**
 * The UDP counters, named as Linux's {@code netstat -s} and {@code /proc/net/snmp} name
 * them ({@code Udp: InDatagrams NoPorts ...}), then Strata's reasons for drops and errors.
 */
enum UdpStatistic {
    // ---- the SNMP Udp group (RFC 4113), as Linux prints it ---------------------------------
    /** Datagrams delivered to a socket. */
    IN_DATAGRAMS("InDatagrams"),
    /** Unicast datagrams to a port nobody is bound to (answered with ICMP port unreachable). */
    NO_PORTS("NoPorts"),
    /** Datagrams received and not delivered for any reason but NoPorts. */
    IN_ERRORS("InErrors"),
    /** Datagrams handed to IPv4. */
    OUT_DATAGRAMS("OutDatagrams"),
    /** Datagrams dropped because the socket's receive buffer was full. */
    RCVBUF_ERRORS("RcvbufErrors"),
    /** Datagrams not sent for want of buffers (ENOBUFS). */
    SNDBUF_ERRORS("SndbufErrors"),
    /** Datagrams whose checksum did not verify. */
    IN_CSUM_ERRORS("InCsumErrors"),
    /** Broadcast or multicast datagrams no socket wanted (never answered with ICMP). */
    IGNORED_MULTI("IgnoredMulti"),

    // ---- received datagrams dropped, by reason ----------------------------------------------
    /** Shorter than the 8-byte header. */
    TOO_SHORT("TooShort"),
    /** The length field is below 8 or beyond the IP payload (RFC 768). */
    BAD_LENGTH("BadLength"),
    /** The checksum over the pseudo-header and datagram does not verify (RFC 768). */
    BAD_CHECKSUM("BadChecksum"),
    /** A socket's delivery callback threw; the exception was swallowed. */
    CALLBACK_FAILED("CallbackFailed"),

    // ---- received datagrams, for information --------------------------------------------------
    /** Datagrams sent without a checksum (field 0, RFC 768), accepted. */
    NO_CHECKSUM("NoChecksum"),
    /** Broadcast or multicast datagrams delivered to more than one socket (copies made). */
    MULTI_COPIES("MultiCopies"),

    // ---- sends that failed, by reason --------------------------------------------------------
    /** No IPv4 layer was running (ENETDOWN). */
    NO_IPV4("NoIpv4"),
    /** No route, or no source address, for the destination (ENETUNREACH). */
    OUT_NO_ROUTE("OutNoRoute"),
    /** Payload above 65507 bytes, or IPv4 found it too large (EMSGSIZE). */
    OUT_TOO_LARGE("OutTooLarge"),
    /** The interface of the route was down (ENETDOWN). */
    OUT_INTERFACE_DOWN("OutInterfaceDown"),
    /** A send with an invalid argument: destination port 0, an unbound socket, no headroom (EINVAL). */
    OUT_INVALID("OutInvalid"),

    // ---- ICMP errors about datagrams we sent (RFC 1122 4.1.3.3) -----------------------------
    /** Errors passed to a connected socket. */
    ICMP_ERRORS_DELIVERED("IcmpErrorsDelivered"),
    /** Errors whose quoted datagram is too short or not IPv4/UDP. */
    ICMP_BAD_QUOTE("IcmpBadQuote"),
    /** Errors about a port no socket is bound to any more. */
    ICMP_NO_SOCKET("IcmpNoSocket"),
    /** Errors about a datagram of an unconnected socket, or of a kind not reported (as Linux). */
    ICMP_IGNORED("IcmpIgnored");

    private final String label;

    UdpStatistic(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
