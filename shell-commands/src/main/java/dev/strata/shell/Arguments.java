package dev.strata.shell;

import java.util.List;

import dev.strata.api.ipv4.Ipv4Address;

/** Parsing helpers shared by the commands: every failure becomes a one-line {@link CommandException} with the usage hint. */
final class Arguments {

    private final String command;
    private final String usage;

    Arguments(String command, String usage) {
        this.command = command;
        this.usage = usage;
    }

    /** A bad command line: {@code COMMAND: MESSAGE} plus the usage hint. */
    CommandException error(String message) {
        return CommandException.usage(command + ": " + message, usage);
    }

    /** A failure carrying out the command: {@code COMMAND: MESSAGE}. */
    CommandException failed(String message) {
        return CommandException.failed(command + ": " + message);
    }

    String usage() {
        return usage;
    }

    /** An int in {@code [min, max]}, as iputils reports it: {@code invalid argument: 'x': out of range: 0 <= value <= 255}. */
    int integer(String text, int min, int max) {
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw error("invalid argument: '" + text + "'");
        }
        if (value < min || value > max) {
            throw error("invalid argument: '" + text + "': out of range: " + min + " <= value <= " + max);
        }
        return (int) value;
    }

    /** A dotted-quad address; {@code what} names it in the error ({@code bad address '1.2.3'}). */
    int address(String text, String what) {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw error("bad " + what + " '" + text + "'");
        }
    }

    /** {@code ADDR/PREFIX}, or a bare {@code ADDR} with {@code defaultPrefix}; returns {address, prefix}. */
    int[] cidr(String text, String what, int defaultPrefix) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new int[] {address(text, what), defaultPrefix};
        }
        int address = address(text.substring(0, slash), what);
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 2 || !prefix.chars().allMatch(Character::isDigit)
                || Integer.parseInt(prefix) > 32) {
            throw error("bad prefix length in '" + text + "' (0 to 32)");
        }
        return new int[] {address, Integer.parseInt(prefix)};
    }

    /** A netmask such as {@code 255.255.255.0}, returned as its prefix length; non-contiguous masks are refused. */
    int netmask(String text) {
        int mask = address(text, "netmask");
        int prefix = Integer.bitCount(mask);
        if (mask != Ipv4Address.netmask(prefix)) {
            throw error("bogus netmask " + text);
        }
        return prefix;
    }

    /** The value after the keyword at {@code index}, or an error naming the keyword. */
    String valueAfter(List<String> words, int index) {
        if (index + 1 >= words.size()) {
            throw error("'" + words.get(index) + "' needs a value");
        }
        return words.get(index + 1);
    }
}
