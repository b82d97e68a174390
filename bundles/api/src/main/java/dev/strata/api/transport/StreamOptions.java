package dev.strata.api.transport;

/**
 * The socket options a stream transport honours, as the socket layer keeps them.
 *
 * @param receiveBuffer SO_RCVBUF: the receive buffer (and with it the largest window offered), or
 *     {@link #AUTOMATIC}: the application set none, the transport sizes it and grows it with the
 *     connection's bandwidth-delay product within its own bounds (Linux's {@code tcp_rmem}
 *     auto-tuning, which an explicit SO_RCVBUF turns off)
 * @param sendBuffer SO_SNDBUF: bytes the send buffer holds, or {@link #AUTOMATIC} ({@code tcp_wmem})
 * @param noDelay TCP_NODELAY: send small segments at once (no Nagle, RFC 896)
 * @param keepAlive SO_KEEPALIVE
 * @param keepIdleSeconds TCP_KEEPIDLE
 * @param keepIntervalSeconds TCP_KEEPINTVL
 * @param keepCount TCP_KEEPCNT
 * @param lingerSeconds SO_LINGER: -1 off; 0 resets on close; more waits that long for close
 * @param ttl IP_TTL
 * @param tos IP_TOS
 * @param reuseAddress SO_REUSEADDR (RFC 6191 / Linux: bind over TIME_WAIT)
 * @param congestionControl the algorithm's name, or null for the default
 */
public record StreamOptions(int receiveBuffer, int sendBuffer, boolean noDelay, boolean keepAlive, int keepIdleSeconds,
        int keepIntervalSeconds, int keepCount, int lingerSeconds, int ttl, int tos, boolean reuseAddress,
        String congestionControl) {

    /** A buffer size the application did not set: the transport chooses and tunes it. */
    public static final int AUTOMATIC = 0;

    /** Linux's defaults, with fixed buffers (the initial sizes of {@code tcp_rmem} and {@code tcp_wmem}). */
    public static final StreamOptions DEFAULTS = new StreamOptions(131_072, 16_384, false, false, 7200, 75, 9, -1, 64, 0, false, null);

    /** Linux's defaults with both buffers {@link #AUTOMATIC}: what a socket gets that set no buffer size. */
    public static final StreamOptions AUTOTUNED = new StreamOptions(AUTOMATIC, AUTOMATIC, false, false, 7200, 75, 9, -1, 64, 0,
            false, null);

    /** A copy with other buffer sizes. */
    public StreamOptions withBuffers(int receive, int send) {
        return new StreamOptions(receive, send, noDelay, keepAlive, keepIdleSeconds, keepIntervalSeconds, keepCount,
                lingerSeconds, ttl, tos, reuseAddress, congestionControl);
    }
}
