package dev.strata.socket;

import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.transport.StreamOptions;

/**
 * The options of a TCP socket, with Linux's defaults, kept by the socket layer so that they
 * survive the TCP bundle and are handed to it ({@link #toStreamOptions}) when it runs.
 *
 * <p>SO_RCVBUF and SO_SNDBUF read as Linux's initial {@code tcp_rmem}/{@code tcp_wmem}
 * (131072, 16384) while the application has not set them, but go to TCP as
 * {@link StreamOptions#AUTOMATIC}: an explicit size turns auto-tuning off, as on Linux.
 */
final class TcpOptions {

    /** Linux's SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF (roughly): smaller sizes are raised to these. */
    static final int MIN_RECEIVE_BUFFER = 2304;
    static final int MIN_SEND_BUFFER = 4608;

    private static final Map<SocketOption<?>, Object> DEFAULTS = Map.ofEntries(
            Map.entry(StandardSocketOptions.SO_RCVBUF, StreamOptions.DEFAULTS.receiveBuffer()),
            Map.entry(StandardSocketOptions.SO_SNDBUF, StreamOptions.DEFAULTS.sendBuffer()),
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
    private volatile boolean receiveBufferSet;
    private volatile boolean sendBufferSet;
    /** TCP_CONGESTION: null for the stack's default. */
    private volatile String congestionControl;

    <T> T get(SocketOption<T> option) throws NetSocketException {
        if (option == StrataSocketOptions.TCP_CONGESTION) {
            return option.type().cast(congestionControl);
        }
        Object value = values.get(option);
        if (value == null) {
            throw new NetSocketException(SocketError.EINVAL, "getsockopt", option.name() + " is not a TCP option");
        }
        return option.type().cast(value);
    }

    /** Checks and stores a value; returns the value stored (a buffer size may be raised to the minimum). */
    <T> void set(SocketOption<T> option, T value) throws NetSocketException {
        if (option == StrataSocketOptions.TCP_CONGESTION) {
            if (value != null && (!(value instanceof String name) || name.isBlank())) {
                throw invalid(option, value);
            }
            congestionControl = (String) value;
            return;
        }
        if (!values.containsKey(option) || value == null || !option.type().isInstance(value)) {
            throw invalid(option, value);
        }
        Object stored = value;
        if (option == StandardSocketOptions.SO_RCVBUF) {
            stored = Math.max(MIN_RECEIVE_BUFFER, atLeast(option, (Integer) value, 0));
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            stored = Math.max(MIN_SEND_BUFFER, atLeast(option, (Integer) value, 0));
        } else if (option == StandardSocketOptions.SO_LINGER) {
            stored = Math.max(-1, (Integer) value); // Java: negative turns it off
        } else if (option == StandardSocketOptions.IP_TOS) {
            inRange(option, (Integer) value, 0, 255);
        } else if (option == StrataSocketOptions.IP_TTL) {
            inRange(option, (Integer) value, 1, 255);
        } else if (option == StrataSocketOptions.TCP_KEEPIDLE || option == StrataSocketOptions.TCP_KEEPINTVL) {
            inRange(option, (Integer) value, 1, 32_767); // Linux's MAX_TCP_KEEPIDLE / MAX_TCP_KEEPINTVL
        } else if (option == StrataSocketOptions.TCP_KEEPCNT) {
            inRange(option, (Integer) value, 1, 127); // Linux's MAX_TCP_KEEPCNT
        } else if (value instanceof Integer number) {
            atLeast(option, number, 0);
        }
        values.put(option, stored);
        if (option == StandardSocketOptions.SO_RCVBUF) {
            receiveBufferSet = true;
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            sendBufferSet = true;
        }
    }

    /** The options as TCP takes them: buffers the application did not set are AUTOMATIC. */
    StreamOptions toStreamOptions() {
        return new StreamOptions(
                receiveBufferSet ? intValue(StandardSocketOptions.SO_RCVBUF) : StreamOptions.AUTOMATIC,
                sendBufferSet ? intValue(StandardSocketOptions.SO_SNDBUF) : StreamOptions.AUTOMATIC,
                boolValue(StandardSocketOptions.TCP_NODELAY),
                boolValue(StandardSocketOptions.SO_KEEPALIVE),
                intValue(StrataSocketOptions.TCP_KEEPIDLE),
                intValue(StrataSocketOptions.TCP_KEEPINTVL),
                intValue(StrataSocketOptions.TCP_KEEPCNT),
                intValue(StandardSocketOptions.SO_LINGER),
                intValue(StrataSocketOptions.IP_TTL),
                intValue(StandardSocketOptions.IP_TOS),
                boolValue(StandardSocketOptions.SO_REUSEADDR),
                congestionControl);
    }

    /** Reads an int option without boxing checks (for the hot paths: timeouts, linger). */
    int intValue(SocketOption<Integer> option) {
        return (Integer) values.get(option);
    }

    private boolean boolValue(SocketOption<Boolean> option) {
        return (Boolean) values.get(option);
    }

    /** A copy for an accepted connection: it inherits the listener's options, as on Linux. */
    TcpOptions copy() {
        TcpOptions copy = new TcpOptions();
        copy.values.putAll(values);
        copy.receiveBufferSet = receiveBufferSet;
        copy.sendBufferSet = sendBufferSet;
        copy.congestionControl = congestionControl;
        return copy;
    }

    private static int atLeast(SocketOption<?> option, int value, int min) throws NetSocketException {
        if (value < min) {
            throw invalid(option, value);
        }
        return value;
    }

    private static void inRange(SocketOption<?> option, int value, int min, int max) throws NetSocketException {
        if (value < min || value > max) {
            throw invalid(option, value);
        }
    }

    private static NetSocketException invalid(SocketOption<?> option, Object value) {
        return new NetSocketException(SocketError.EINVAL, "setsockopt", option.name() + " = " + value);
    }
}
