package dev.strata.shell;

/**
 * A command failed: the message is what the user sees, one line naming the command
 * ({@code ping: invalid argument: 'x'}), followed for a bad command line by a second line
 * with the usage hint. Thrown out of the Gogo method so that the session (and
 * {@code bin/client}) reports failure.
 */
public final class CommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final String usage;

    private CommandException(String error, String usage) {
        super(usage == null ? error : error + System.lineSeparator() + usage, null, false, false);
        this.error = error;
        this.usage = usage;
    }

    /** A failure while carrying out a well-formed command (a layer not running, a device that cannot be opened). */
    public static CommandException failed(String error) {
        return new CommandException(error, null);
    }

    /** A bad command line: the one-line error and the usage hint ({@code Usage: ping [-c count] ...}). */
    public static CommandException usage(String error, String usage) {
        return new CommandException(error, usage);
    }

    /** The one-line error, without the usage hint. */
    public String error() {
        return error;
    }

    /** The usage hint, or null when the command line was not at fault. */
    public String usageHint() {
        return usage;
    }
}
