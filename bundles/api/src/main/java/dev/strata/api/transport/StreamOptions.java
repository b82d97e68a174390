package dev.strata.api.transport;

/**
 * The socket options a stream transport honours, as the socket layer keeps them.
 *
 * @param receiveBuffer SO_RCVBUF: the receive buffer (and with it the largest window offered)
 * @param sendBuffer SO_SNDBUF: bytes the send buffer holds
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

    /** Linux's defaults. */
    public static final StreamOptions DEFAULTS = new StreamOptions(131_072, 16_384, false, false, 7200, 75, 9, -1, 64, 0, false, null);
}
