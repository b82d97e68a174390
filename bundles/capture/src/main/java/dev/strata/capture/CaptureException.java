package dev.strata.capture;

/**
 * A {@code capture} command failed: the message is the one line the user sees
 * ({@code capture: no capture is running}), followed for a bad command line by the usage
 * hint on a second line, as the shell's other commands report.
 */
public final class CaptureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private CaptureException(String message) {
        super(message, null, false, false);
    }

    static CaptureException failed(String error) {
        return new CaptureException("capture: " + error);
    }

    static CaptureException usage(String error) {
        return new CaptureException("capture: " + error + System.lineSeparator() + CaptureCommand.USAGE);
    }
}
