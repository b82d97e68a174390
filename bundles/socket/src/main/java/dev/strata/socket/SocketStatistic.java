package dev.strata.socket;

/** The socket layer's counters, the {@code Sockets} section of {@code stats}. */
enum SocketStatistic {
    /** Sockets opened, of every protocol. */
    OPENED("Opened"),
    /** Sockets closed, by their owner or because their bundle stopped using the service. */
    CLOSED("Closed"),
    /** Sockets closed because the bundle that opened them stopped using the service. */
    CLOSED_WITH_OWNER("ClosedWithOwner"),
    /** Bindings given again to a UDP transport that came (back). */
    REBOUND("Rebound"),
    /** Bindings a returning UDP transport refused (the port was taken meanwhile): reported on the socket. */
    REBIND_FAILED("RebindFailed"),
    /** Datagrams dropped because the socket's receive queue was full (SO_RCVBUF), as Linux's RcvbufErrors. */
    RCVBUF_ERRORS("RcvbufErrors"),
    /** Datagrams that arrived for a socket being closed, released unread. */
    CLOSED_DROPS("ClosedDrops"),
    /** Errors (ICMP, interface down, lost binding) stored on a socket for its next call. */
    ERRORS_REPORTED("ErrorsReported");

    private final String label;

    SocketStatistic(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
