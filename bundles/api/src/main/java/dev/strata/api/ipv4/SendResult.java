package dev.strata.api.ipv4;

/** What became of a datagram handed to {@link Ipv4Output#send}. */
public enum SendResult {
    /** Handed to the next hop (possibly waiting for neighbour resolution). */
    SENT,
    /** No route to the destination (ENETUNREACH). */
    NO_ROUTE,
    /** Larger than the path MTU with don't-fragment set, or larger than 65535 bytes (EMSGSIZE). */
    TOO_LARGE,
    /** The interface of the route is down (ENETDOWN). */
    INTERFACE_DOWN,
    /** No buffer for the fragments (ENOBUFS). */
    NO_BUFFERS
}
