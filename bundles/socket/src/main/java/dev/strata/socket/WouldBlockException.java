package dev.strata.socket;

import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;

/**
 * EAGAIN from a non-blocking socket: not a failure but the normal end of every drain loop
 * ("read until EAGAIN", as edge-triggered epoll users do), so it is thrown thousands of times
 * a second. It carries no stack trace, which would cost microseconds to fill and tell nothing.
 */
final class WouldBlockException extends NetSocketException {

    private static final long serialVersionUID = 1L;

    WouldBlockException(String operation) {
        super(SocketError.EAGAIN, operation);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
