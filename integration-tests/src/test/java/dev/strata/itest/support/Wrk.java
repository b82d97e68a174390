package dev.strata.itest.support;

import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code wrk} (the HTTP benchmarking tool, Debian's package) in a namespace and reads its
 * summary. wrk prints a {@code Socket errors:} line only when some count is not zero, and a
 * {@code Non-2xx or 3xx responses:} line only when there were any.
 */
public final class Wrk {

    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ([0-9.]+)(us|ms|s|m)");
    private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses: (\\d+)");

    /** What one wrk run reported. */
    public static final class Result {
        public final String output;
        public final long requests;
        public final double requestsPerSecond;
        /** connect, read, write, timeout; all 0 when wrk printed no such line. */
        public final long[] socketErrors;
        public final long non2xx;

        Result(String output, long requests, double requestsPerSecond, long[] socketErrors, long non2xx) {
            this.output = output;
            this.requests = requests;
            this.requestsPerSecond = requestsPerSecond;
            this.socketErrors = socketErrors;
            this.non2xx = non2xx;
        }

        public boolean clean() {
            return non2xx == 0 && socketErrors[0] + socketErrors[1] + socketErrors[2] + socketErrors[3] == 0;
        }
    }

    private Wrk() {
    }

    /** {@code wrk -tTHREADS -cCONNECTIONS -dSECONDSs [-H header]... url} inside {@code netns}. */
    public static Result run(NetNs netns, int threads, int connections, int seconds, String url, String... headers) {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s"));
        for (String header : headers) {
            command.add("-H");
            command.add(header);
        }
        command.add(url);
        Exec.Result run = netns.exec(seconds + 60L, command.toArray(new String[0]));
        assertTrue("wrk: " + run, run.succeeded());
        return parse(run.output);
    }

    /** Reads wrk's summary. */
    public static Result parse(String output) {
        Matcher requests = REQUESTS.matcher(output);
        Matcher rate = RATE.matcher(output);
        assertTrue("no 'N requests in' line: " + output, requests.find());
        assertTrue("no Requests/sec line: " + output, rate.find());
        long[] errors = new long[4];
        Matcher socket = SOCKET_ERRORS.matcher(output);
        if (socket.find()) {
            for (int i = 0; i < 4; i++) {
                errors[i] = Long.parseLong(socket.group(i + 1));
            }
        }
        Matcher non2xx = NON_2XX.matcher(output);
        return new Result(output, Long.parseLong(requests.group(1)), Double.parseDouble(rate.group(1)), errors,
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
    }
}
