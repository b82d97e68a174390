package dev.strata.api.socket;

/**
 * Why a socket operation failed, named after the errno values of POSIX and Linux so that
 * what a student reads in {@code man 2 sendto} applies here.
 */
public enum SocketError {
    /** Operation would block: a non-blocking socket has nothing to receive or no room to send. */
    EAGAIN("Resource temporarily unavailable"),
    /** The address and port are bound by another socket (without SO_REUSEADDR on both). */
    EADDRINUSE("Address already in use"),
    /** The local address is not an address of this stack. */
    EADDRNOTAVAIL("Cannot assign requested address"),
    /** Broadcast without SO_BROADCAST, or a port below 1024 where it is not allowed. */
    EACCES("Permission denied"),
    /** The socket is closed. */
    EBADF("Bad file descriptor"),
    /** The peer refused: ICMP port unreachable for UDP, RST for TCP. */
    ECONNREFUSED("Connection refused"),
    /** The connection was reset by the peer. */
    ECONNRESET("Connection reset by peer"),
    /** The destination host is unreachable (ICMP host unreachable, ARP failed). */
    EHOSTUNREACH("No route to host"),
    /** Invalid argument: an address of the wrong kind, an option value out of range. */
    EINVAL("Invalid argument"),
    /** The socket is already connected. */
    EISCONN("Transport endpoint is already connected"),
    /** The datagram is larger than the protocol allows, or larger than the path with DF set. */
    EMSGSIZE("Message too long"),
    /** The interface of the route is down. */
    ENETDOWN("Network is down"),
    /** No route to the destination network. */
    ENETUNREACH("Network is unreachable"),
    /** No buffer space: the stack could not queue the data. */
    ENOBUFS("No buffer space available"),
    /** The socket is not connected (send without a destination, read on an unconnected stream). */
    ENOTCONN("Transport endpoint is not connected"),
    /** The socket was shut down for writing, or the connection is gone. */
    EPIPE("Broken pipe"),
    /** The protocol's bundle is not running (stopped, or being updated). */
    EPROTONOSUPPORT("Protocol not supported"),
    /** An operation timed out (SO_RCVTIMEO, SO_SNDTIMEO, connect). */
    ETIMEDOUT("Connection timed out"),
    /** A non-blocking connect is already in progress on this socket. */
    EALREADY("Operation already in progress");

    private final String description;

    SocketError(String description) {
        this.description = description;
    }

    /** The text {@code strerror(3)} gives for this errno on Linux. */
    public String description() {
        return description;
    }
}
