package dev.strata.socket;

import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.StrataSocketOptions;

/**
 * The options of a TCP socket, with Linux's defaults, kept by the socket layer so that they
 * survive the TCP bundle and are handed to it when it runs.
 */
final class TcpOptions {

    private static final Map<SocketOption<?>, Object> DEFAULTS = Map.ofEntries(
            Map.entry(StandardSocketOptions.SO_RCVBUF, 131_072),
            Map.entry(StandardSocketOptions.SO_SNDBUF, 16_384),
            Map.entry(StandardSocketOptions.SO_REUSEADDR, false),
            Map.entry(StandardSocketOptions.SO_KEEPALIVE, false),
            Map.entry(StandardSocketOptions.TCP_NODELAY, false),
            Map.entry(StandardSocketOptions.SO_LINGER, -1),
            Map.entry(StandardSocketOptions.IP_TOS, 0),
            Map.entry(StrataSocketOptions.SO_RCVTIMEO, 0),
            Map.entry(StrataSocketOptions.SO_SNDTIMEO, 0),
            Map.entry(StrataSocketOptions.IP_TTL, 64),
            Map.entry(StrataSocketOptions.TCP_KEEPIDLE, 7200),
            Map.entry(StrataSocketOptions.TCP_KEEPINTVL, 75),
            Map.entry(StrataSocketOptions.TCP_KEEPCNT, 9));

    private final Map<SocketOption<?>, Object> values = new ConcurrentHashMap<>(DEFAULTS);

    <T> T get(SocketOption<T> option) throws NetSocketException {
        Object value = values.get(option);
        if (value == null) {
            throw new NetSocketException(SocketError.EINVAL, "getsockopt", option.name() + " is not a TCP option");
        }
        return option.type().cast(value);
    }

    <T> void set(SocketOption<T> option, T value) throws NetSocketException {
        if (!values.containsKey(option) || value == null || !option.type().isInstance(value)) {
            throw new NetSocketException(SocketError.EINVAL, "setsockopt", option.name() + " = " + value);
        }
        if (value instanceof Integer number && number < 0 && option != StandardSocketOptions.SO_LINGER) {
            throw new NetSocketException(SocketError.EINVAL, "setsockopt", option.name() + " = " + value);
        }
        values.put(option, value);
    }
}
