package dev.strata.icmp;

/**
 * The ICMP counters, named as Linux's {@code netstat -s} and {@code /proc/net/snmp} name
 * them ({@code Icmp: InMsgs ...}), then Strata's drop and suppression reasons.
 */
enum IcmpStatistic {
    // ---- the SNMP Icmp group (RFC 2011), as Linux prints it --------------------------------
    IN_MSGS("InMsgs"),
    IN_ERRORS("InErrors"),
    IN_CSUM_ERRORS("InCsumErrors"),
    IN_DEST_UNREACHS("InDestUnreachs"),
    IN_TIME_EXCDS("InTimeExcds"),
    IN_PARM_PROBS("InParmProbs"),
    IN_SRC_QUENCHS("InSrcQuenchs"),
    IN_REDIRECTS("InRedirects"),
    IN_ECHOS("InEchos"),
    IN_ECHO_REPS("InEchoReps"),
    IN_TIMESTAMPS("InTimestamps"),
    IN_TIMESTAMP_REPS("InTimestampReps"),
    OUT_MSGS("OutMsgs"),
    OUT_ERRORS("OutErrors"),
    OUT_RATE_LIMIT_GLOBAL("OutRateLimitGlobal"),
    OUT_DEST_UNREACHS("OutDestUnreachs"),
    OUT_TIME_EXCDS("OutTimeExcds"),
    OUT_ECHOS("OutEchos"),
    OUT_ECHO_REPS("OutEchoReps"),

    // ---- received messages dropped, by reason ---------------------------------------------
    /** Shorter than the 8-byte header. */
    TOO_SHORT("TooShort"),
    /** The checksum over the message does not verify. */
    BAD_CHECKSUM("BadChecksum"),
    /** A type this host neither answers nor acts on. */
    UNKNOWN_TYPE("UnknownType"),
    /** Echo request to a broadcast or multicast address (Linux's icmp_echo_ignore_broadcasts=1). */
    ECHO_TO_BROADCAST_IGNORED("EchoToBroadcastIgnored"),
    /** Any other message to a broadcast or multicast address (Linux drops them too). */
    TO_BROADCAST_IGNORED("ToBroadcastIgnored"),
    /** Echo request from an address that is not a unicast host address (RFC 1122 3.2.1.3). */
    BAD_SOURCE("BadSource"),
    /** Source quench (RFC 6633), redirect (a host keeps its routes) and timestamp: counted by type, not acted on. */
    IGNORED("Ignored"),
    /** Echo reply, or error about an echo request, whose identifier no open session has. */
    NO_ECHO_SESSION("NoEchoSession"),
    /** Error whose quoted data holds less than an IPv4 header and 8 bytes (RFC 792). */
    QUOTED_TOO_SHORT("QuotedTooShort"),
    /** Error whose quoted IPv4 header has a wrong version, IHL or total length. */
    QUOTED_BAD_HEADER("QuotedBadHeader"),
    /** Error quoting a non-initial fragment, which carries no transport header (RFC 1122 3.2.2). */
    QUOTED_FRAGMENT("QuotedFragment"),
    /** Error about a protocol no handler is registered for. */
    NO_HANDLER("NoHandler"),
    /** A listener or a transport's handler threw; the exception was swallowed. */
    CALLBACK_FAILED("CallbackFailed"),
    /** A message could not be sent because no IPv4 layer was running. */
    NO_IPV4("NoIpv4"),

    // ---- errors not sent, by reason (RFC 1122 3.2.2) ----------------------------------------
    /** The rate limit held an error back (Linux's icmp_msgs_per_sec / icmp_msgs_burst). */
    RATE_LIMITED("RateLimited"),
    /** Never an error about an ICMP error message. */
    ERROR_ABOUT_ICMP_ERROR("ErrorAboutIcmpError"),
    /** Never an error about a datagram to a broadcast or multicast address (IP or link level). */
    ERROR_ABOUT_BROADCAST("ErrorAboutBroadcast"),
    /** Never an error about a non-initial fragment. */
    ERROR_ABOUT_FRAGMENT("ErrorAboutFragment"),
    /** Never an error to a source that is not a unicast host address. */
    ERROR_TO_BAD_SOURCE("ErrorToBadSource"),
    /** The caller's buffer had no valid IPv4 header at its network offset. */
    ERROR_BAD_OFFENDING("ErrorBadOffending");

    private final String label;

    IcmpStatistic(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
