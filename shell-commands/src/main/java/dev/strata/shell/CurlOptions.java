package dev.strata.shell;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code curl} command line, parsed as curl parses it: short options combine ({@code -sSL}),
 * a short option's value may be attached ({@code -XPOST}, {@code -m2}), long options take
 * their value as the next word, options and the URL come in any order, {@code -H} and
 * {@code -d} repeat (the data joined with {@code &}). Failures are curl's own messages.
 *
 * @param url the URL as typed
 * @param output {@code -o}: the file for the body, or null for the console
 * @param method {@code -X}, or null for what the other options imply
 * @param data {@code -d} values joined with {@code &}, or null
 * @param headers {@code -H} values ({@code "Name: value"})
 * @param head {@code -I}: HEAD, print the header section
 * @param include {@code -i}: print the header section before the body
 * @param location {@code -L}: follow redirects
 * @param maxRedirects {@code --max-redirs}
 * @param maxTimeMillis {@code -m}, 0 for none
 * @param connectTimeoutMillis {@code --connect-timeout}, 0 for none
 * @param silent {@code -s}
 * @param verbose {@code -v}
 * @param fail {@code -f}
 */
record CurlOptions(String url, String output, String method, String data, List<String> headers, boolean head, boolean include,
        boolean location, int maxRedirects, long maxTimeMillis, long connectTimeoutMillis, boolean silent, boolean verbose,
        boolean fail) {

    static final String USAGE = "Usage: curl [options...] <url>";
    /** curl's hint after a command-line error. */
    static final String TRY = "curl: try 'curl --help' for more information";
    /** curl's exit code for a command-line error (CURLE_FAILED_INIT is 2). */
    static final int BAD_USAGE = 2;

    /** Short options without a value. */
    private static final String FLAGS = "IiLsSvf";
    /** Short options that take a value. */
    private static final String VALUED = "oXdHm";

    static CurlOptions parse(List<String> words) {
        String url = null;
        String output = null;
        String method = null;
        List<String> data = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        boolean head = false;
        boolean include = false;
        boolean location = false;
        int maxRedirects = 50;
        long maxTime = 0;
        long connectTimeout = 0;
        boolean silent = false;
        boolean verbose = false;
        boolean fail = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith("--") && word.length() > 2) {
                String name = word.substring(2);
                switch (name) {
                    case "head" -> head = true;
                    case "include" -> include = true;
                    case "location" -> location = true;
                    case "silent" -> silent = true;
                    case "show-error" -> {
                        // errors are always shown
                    }
                    case "verbose" -> verbose = true;
                    case "fail" -> fail = true;
                    case "output" -> output = value(words, ++i, word);
                    case "request" -> method = value(words, ++i, word);
                    case "data", "data-ascii", "data-binary", "data-raw" -> data.add(data(value(words, ++i, word), !name.equals("data-raw")));
                    case "header" -> headers.add(value(words, ++i, word));
                    case "max-time" -> maxTime = seconds(value(words, ++i, word), word);
                    case "connect-timeout" -> connectTimeout = seconds(value(words, ++i, word), word);
                    case "max-redirs" -> maxRedirects = redirects(value(words, ++i, word));
                    case "url" -> url = value(words, ++i, word);
                    default -> throw error("option " + word + ": is unknown");
                }
                continue;
            }
            if (!word.startsWith("-") || word.length() == 1) {
                if (url != null) {
                    throw error("only one URL is supported (" + url + ", " + word + ")");
                }
                url = word;
                continue;
            }
            for (int k = 1; k < word.length(); k++) {
                char c = word.charAt(k);
                if (FLAGS.indexOf(c) >= 0) {
                    switch (c) {
                        case 'I' -> head = true;
                        case 'i' -> include = true;
                        case 'L' -> location = true;
                        case 's' -> silent = true;
                        case 'v' -> verbose = true;
                        case 'f' -> fail = true;
                        default -> {
                            // -S: errors are always shown
                        }
                    }
                    continue;
                }
                if (VALUED.indexOf(c) < 0) {
                    throw error("option -" + c + ": is unknown");
                }
                String option = "-" + c;
                String value = k + 1 < word.length() ? word.substring(k + 1) : value(words, ++i, option);
                switch (c) {
                    case 'o' -> output = value;
                    case 'X' -> method = value;
                    case 'd' -> data.add(data(value, true));
                    case 'H' -> headers.add(value);
                    default -> maxTime = seconds(value, option);
                }
                break;
            }
        }
        if (url == null) {
            throw error("no URL specified!");
        }
        if (head && !data.isEmpty()) {
            throw CommandException.usage("curl: (" + BAD_USAGE + ") You can only select one HTTP request method! "
                    + "You asked for both POST (-d, --data) and HEAD (-I, --head).", TRY);
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0 && !header.endsWith(";")) {
                throw error("option -H: '" + header + "' is not 'Name: value'");
            }
        }
        return new CurlOptions(url, output, method, data.isEmpty() ? null : String.join("&", data), List.copyOf(headers), head,
                include, location, maxRedirects, maxTime, connectTimeout, silent, verbose, fail);
    }

    /** The method sent: -X, else HEAD for -I, POST for -d, GET. */
    String effectiveMethod() {
        if (method != null) {
            return method;
        }
        return head ? "HEAD" : data != null ? "POST" : "GET";
    }

    private static String value(List<String> words, int i, String option) {
        if (i >= words.size()) {
            throw error("option " + option + ": requires parameter");
        }
        return words.get(i);
    }

    /** curl -d: {@code @FILE} reads the file, dropping carriage returns and newlines (not with --data-raw). */
    private static String data(String value, boolean fileAllowed) {
        if (!fileAllowed || !value.startsWith("@")) {
            return value;
        }
        try {
            return Files.readString(Path.of(value.substring(1)), StandardCharsets.UTF_8).replace("\r", "").replace("\n", "");
        } catch (IOException | RuntimeException e) {
            throw CommandException.failed("curl: (26) Failed to open " + value.substring(1));
        }
    }

    /** Seconds, decimals allowed (curl's -m 0.5), as milliseconds. */
    private static long seconds(String text, String option) {
        try {
            BigDecimal seconds = new BigDecimal(text.trim());
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE / 1000)) > 0) {
                throw new NumberFormatException(text);
            }
            return Math.max(seconds.signum() == 0 ? 0 : 1, seconds.movePointRight(3).longValue());
        } catch (NumberFormatException e) {
            throw error("option " + option + ": expected a proper numerical parameter");
        }
    }

    private static int redirects(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n < -1) {
                throw new NumberFormatException(text);
            }
            return n == -1 ? Integer.MAX_VALUE : n; // curl: -1 means no limit
        } catch (NumberFormatException e) {
            throw error("option --max-redirs: expected a proper numerical parameter");
        }
    }

    private static CommandException error(String message) {
        return CommandException.usage("curl: " + message, TRY);
    }

    /** The header name of an {@code -H} value, lower case. */
    static String headerName(String header) {
        int colon = header.indexOf(':');
        String name = colon < 0 ? header.substring(0, header.length() - 1) : header.substring(0, colon);
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
