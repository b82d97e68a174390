package dev.strata.shell;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.ipv4.Ipv4Address;

/**
 * A {@code ping} command line, checked as iputils checks it, with iputils' messages.
 *
 * @param count requests to send
 * @param size ICMP data bytes per request
 * @param intervalNanos between requests
 * @param lingerNanos how long to wait for replies after the last request
 * @param ttl of the requests
 * @param quiet print only the header and the summary
 * @param destination the address
 * @param host the destination as typed
 */
record PingOptions(int count, int size, long intervalNanos, long lingerNanos, int ttl, boolean quiet, int destination, String host) {

    static final String USAGE = "Usage: ping [-c count] [-i interval] [-s packetsize] [-t ttl] [-W timeout] [-q] [-n] destination";

    static final String DEFAULT_COUNT = "4";
    static final String DEFAULT_SIZE = "56";
    static final String DEFAULT_INTERVAL = "1";
    static final String DEFAULT_LINGER = "1";
    static final String DEFAULT_TTL = "64";

    /** 65535 less the IPv4 header (20) and the ICMP header (8). */
    static final int MAX_SIZE = 65507;
    /** iputils' floor for an unprivileged user; the shell allows the same. */
    static final long MIN_INTERVAL_NANOS = 2_000_000;
    /** iputils caps -i and -W at INT_MAX milliseconds. */
    static final double MAX_SECONDS = Integer.MAX_VALUE / 1000.0;

    private static final Arguments ARGS = new Arguments("ping", USAGE);

    /** Values as Gogo's {@code @Parameter}s deliver them, plus the words left over (the destination). */
    static PingOptions of(String count, String size, String interval, String linger, String ttl, boolean quiet, List<String> rest) {
        int parsedCount = ARGS.integer(count, 1, Integer.MAX_VALUE);
        int parsedSize = ARGS.integer(size, 0, Integer.MAX_VALUE);
        if (parsedSize > MAX_SIZE) {
            throw ARGS.error("packet size " + parsedSize + " is too large. Maximum is " + MAX_SIZE);
        }
        long intervalNanos = seconds(interval, "bad timing interval");
        if (intervalNanos < MIN_INTERVAL_NANOS) {
            throw ARGS.error("cannot flood; minimal interval allowed is 2ms");
        }
        long lingerNanos = seconds(linger, "bad linger time");
        if (lingerNanos <= 0) {
            throw ARGS.error("bad linger time: " + linger);
        }
        int parsedTtl = ARGS.integer(ttl, 1, 255);
        for (String word : rest) {
            if (word.length() > 1 && word.startsWith("-")) {
                throw ARGS.error("invalid option -- '" + word.substring(1) + "'");
            }
        }
        if (rest.isEmpty()) {
            throw ARGS.error("usage error: Destination address required");
        }
        if (rest.size() > 1) {
            throw ARGS.error("only one destination allowed, got '" + String.join(" ", rest) + "'");
        }
        String host = rest.get(0);
        int destination;
        try {
            destination = Ipv4Address.parse(host);
        } catch (IllegalArgumentException e) {
            // iputils' words when getaddrinfo fails; names are not resolved here.
            throw CommandException.failed("ping: " + host + ": Name or service not known");
        }
        return new PingOptions(parsedCount, parsedSize, intervalNanos, lingerNanos, parsedTtl, quiet, destination, host);
    }

    /** A raw command line (getopt style: {@code -c 3}, {@code -c3}, options anywhere), for what Gogo's matching cannot take. */
    static PingOptions parse(List<String> words) {
        String count = DEFAULT_COUNT;
        String size = DEFAULT_SIZE;
        String interval = DEFAULT_INTERVAL;
        String linger = DEFAULT_LINGER;
        String ttl = DEFAULT_TTL;
        boolean quiet = false;
        List<String> rest = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (optionsEnded || word.length() < 2 || word.charAt(0) != '-') {
                rest.add(word);
                continue;
            }
            if (word.equals("--")) {
                optionsEnded = true;
                continue;
            }
            // Flags may be grouped (-qn); an option with a value takes the rest of the word or the next word.
            for (int j = 1; j < word.length(); j++) {
                char option = word.charAt(j);
                if (option == 'q') {
                    quiet = true;
                    continue;
                }
                if (option == 'n') {
                    continue;
                }
                if ("csiWt".indexOf(option) < 0) {
                    throw ARGS.error("invalid option -- '" + option + "'");
                }
                String value;
                if (j + 1 < word.length()) {
                    value = word.substring(j + 1);
                } else if (i + 1 < words.size()) {
                    value = words.get(++i);
                } else {
                    throw ARGS.error("option requires an argument -- '" + option + "'");
                }
                switch (option) {
                    case 'c' -> count = value;
                    case 's' -> size = value;
                    case 'i' -> interval = value;
                    case 'W' -> linger = value;
                    default -> ttl = value;
                }
                break;
            }
        }
        return of(count, size, interval, linger, ttl, quiet, rest);
    }

    private static long seconds(String text, String message) {
        double seconds;
        try {
            seconds = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw ARGS.error(message + ": " + text);
        }
        if (!(seconds >= 0) || seconds > MAX_SECONDS || text.trim().matches(".*[a-zA-Z].*")) {
            throw ARGS.error(message + ": " + text);
        }
        return Math.round(seconds * 1e9);
    }
}
