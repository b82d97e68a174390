package dev.strata.api.socket;

import java.net.SocketOption;

/**
 * Socket options beyond {@link java.net.StandardSocketOptions} (which Strata sockets also
 * take: SO_RCVBUF, SO_SNDBUF, SO_REUSEADDR, SO_BROADCAST, SO_KEEPALIVE, SO_LINGER,
 * TCP_NODELAY, IP_TOS, IP_MULTICAST_TTL).
 */
public final class StrataSocketOptions {

    /** Receive timeout in milliseconds for blocking receives; 0 waits forever (SO_RCVTIMEO). */
    public static final SocketOption<Integer> SO_RCVTIMEO = new Option<>("SO_RCVTIMEO", Integer.class);
    /** Send timeout in milliseconds for blocking sends; 0 waits forever (SO_SNDTIMEO). */
    public static final SocketOption<Integer> SO_SNDTIMEO = new Option<>("SO_SNDTIMEO", Integer.class);
    /** Time to live of outgoing unicast datagrams, 1 to 255 (IP_TTL). */
    public static final SocketOption<Integer> IP_TTL = new Option<>("IP_TTL", Integer.class);
    /** Seconds of idleness before the first keep-alive probe (TCP_KEEPIDLE). */
    public static final SocketOption<Integer> TCP_KEEPIDLE = new Option<>("TCP_KEEPIDLE", Integer.class);
    /** Seconds between keep-alive probes (TCP_KEEPINTVL). */
    public static final SocketOption<Integer> TCP_KEEPINTVL = new Option<>("TCP_KEEPINTVL", Integer.class);
    /** Unanswered probes before the connection is dropped (TCP_KEEPCNT). */
    public static final SocketOption<Integer> TCP_KEEPCNT = new Option<>("TCP_KEEPCNT", Integer.class);
    /**
     * The congestion-control algorithm of a TCP socket, by name ({@code "reno"}, {@code "cubic"};
     * TCP_CONGESTION). Unset (null) means the stack's default. Set on a connected socket it
     * switches the connection's algorithm at once (EINVAL if no such algorithm runs).
     */
    public static final SocketOption<String> TCP_CONGESTION = new Option<>("TCP_CONGESTION", String.class);

    private StrataSocketOptions() {
    }

    private record Option<T>(String name, Class<T> type) implements SocketOption<T> {
        @Override
        public String toString() {
            return name;
        }
    }
}
