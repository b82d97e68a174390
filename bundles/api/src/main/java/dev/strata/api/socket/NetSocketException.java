package dev.strata.api.socket;

import java.net.SocketException;

/**
 * A socket operation failed for the reason {@link #error()}; the message reads like a C
 * program's {@code perror}: {@code "sendto: Network is unreachable"}.
 */
public class NetSocketException extends SocketException {

    private static final long serialVersionUID = 1L;

    private final SocketError error;

    public NetSocketException(SocketError error, String operation) {
        super(operation + ": " + error.description());
        this.error = error;
    }

    public NetSocketException(SocketError error, String operation, String detail) {
        super(operation + ": " + error.description() + " (" + detail + ")");
        this.error = error;
    }

    /** The errno-like reason. */
    public SocketError error() {
        return error;
    }
}
