package dev.strata.socket;

/** The socket layer's counters, the {@code Sockets} section of {@code stats}. */
enum SocketStatistic {
    /** Sockets opened, of every protocol. */
    OPENED("Opened"),
    /** Sockets closed, by their owner or because their bundle stopped using the service. */
    CLOSED("Closed"),
    /** Sockets closed because the bundle that opened them stopped using the service. */
    CLOSED_WITH_OWNER("ClosedWithOwner"),
    /** Bindings (and listening sockets) given again to a transport that came (back). */
    REBOUND("Rebound"),
    /** Bindings a returning UDP transport refused (the port was taken meanwhile): reported on the socket. */
    REBIND_FAILED("RebindFailed"),
    /** Datagrams dropped because the socket's receive queue was full (SO_RCVBUF), as Linux's RcvbufErrors. */
    RCVBUF_ERRORS("RcvbufErrors"),
    /** Datagrams that arrived for a socket being closed, released unread. */
    CLOSED_DROPS("ClosedDrops"),
    /** Errors (ICMP, interface down, lost binding) stored on a socket for its next call. */
    ERRORS_REPORTED("ErrorsReported"),
    /** Connections taken from an accept queue by the application. */
    ACCEPTED("Accepted"),
    /** Connections refused (reset) because a listener's accept queue was full, as Linux's ListenOverflows. */
    LISTEN_OVERFLOWS("ListenOverflows"),
    /** Connected TCP sockets whose connection ended because the TCP transport left. */
    TRANSPORT_LOST("TransportLost"),
    /** Connected sockets whose connection a successor of their TCP bundle took over (SPEC section 4). */
    HANDED_OVER("HandedOver"),
    /** Connected sockets whose TCP left and no successor took their connection within the grace period. */
    HANDOVER_EXPIRED("HandoverExpired"),
    /**
     * TCP segments dropped silently between a TCP bundle's stop and its successor's start: ICMP
     * protocol unreachable would be a hard error to a peer (RFC 1122 4.2.3.9), which retransmits instead.
     */
    HANDOVER_DROPS("HandoverDrops");

    private final String label;

    SocketStatistic(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
