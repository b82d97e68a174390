package dev.strata.shell;

import java.io.PrintStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoService;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.SendResult;

/**
 * One {@code ping} run on the calling (shell) thread: sends a request every interval, and
 * prints replies and errors as they come. The {@link EchoListener} is called on the stack's
 * receive thread, which must not block and whose {@code System.out} is not the session's,
 * so it only queues events; this thread prints them.
 */
final class Pinger {

    /** What the listener hands over: a reply, or an ICMP error ({@code type >= 0}). */
    private record Event(int from, int sequence, int ttl, int bytes, long rttNanos, int type, int code) {
    }

    private final EchoService echo;
    private final PingOptions options;
    private final PrintStream out;
    private final LongSupplier nanoTime;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final PingStatistics statistics;

    Pinger(EchoService echo, PingOptions options, PrintStream out, LongSupplier nanoTime) {
        this.echo = echo;
        this.options = options;
        this.out = out;
        this.nanoTime = nanoTime;
        this.statistics = new PingStatistics(options.host(), options.destination());
    }

    /**
     * Runs to the end (or until the thread is interrupted, as Ctrl-C does in the shell),
     * prints the summary, and returns the statistics.
     *
     * @throws CommandException if the first request has no route (nothing is printed but the
     *     error, as iputils' connect fails), or if no reply came back at all (after the summary)
     */
    PingStatistics run() {
        EchoListener listener = new EchoListener() {
            @Override
            public void reply(int from, int sequence, int ttl, int bytes, long rttNanos) {
                events.offer(new Event(from, sequence, ttl, bytes, rttNanos, -1, 0));
            }

            @Override
            public void error(int from, int sequence, int type, int code) {
                events.offer(new Event(from, sequence, 0, 0, 0, type, code));
            }
        };
        boolean interrupted = false;
        long start;
        try (EchoSession session = echo.open(listener)) {
            start = nanoTime.getAsLong();
            SendResult first;
            try {
                first = session.send(options.destination(), 1, options.size(), options.ttl());
            } catch (RuntimeException e) {
                throw CommandException.failed("ping: " + IfconfigCommand.oneLine(e));
            }
            if (first == SendResult.NO_ROUTE || first == SendResult.INTERFACE_DOWN) {
                throw CommandException.failed("ping: connect: " + strerror(first));
            }
            out.println(PingStatistics.header(options.host(), options.destination(), options.size()));
            sent(first);
            long lastSend = start;
            try {
                for (int sequence = 2; sequence <= options.count(); sequence++) {
                    long due = start + (sequence - 1) * options.intervalNanos();
                    drainUntil(due, false);
                    lastSend = nanoTime.getAsLong();
                    sendNext(session, sequence);
                }
                drainUntil(lastSend + options.lingerNanos(), true);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            // A reply that raced the deadline is still counted, as the kernel's socket buffer would hold it.
            for (Event late = events.poll(); late != null; late = events.poll()) {
                print(late);
            }
        }
        long elapsed = nanoTime.getAsLong() - start;
        out.println();
        out.print(statistics.summary(elapsed));
        out.flush();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (statistics.received() == 0) {
            throw CommandException.failed("ping: 100% packet loss");
        }
        return statistics;
    }

    /** A later request; ICMP going away under a running ping (its bundle stopped) is reported and counted as a loss. */
    private void sendNext(EchoSession session, int sequence) {
        try {
            sent(session.send(options.destination(), sequence & 0xffff, options.size(), options.ttl()));
        } catch (RuntimeException e) {
            statistics.sent();
            out.println("ping: sendmsg: " + IfconfigCommand.oneLine(e));
        }
    }

    private void sent(SendResult result) {
        statistics.sent();
        if (result != SendResult.SENT) {
            // iputils goes on after a failed sendmsg; the request counts as lost.
            out.println("ping: sendmsg: " + strerror(result));
        }
    }

    /**
     * Prints events until {@code deadline}; when {@code untilAnswered}, stops as soon as every
     * request is answered (iputils exits once replies and errors account for them all).
     */
    private void drainUntil(long deadline, boolean untilAnswered) throws InterruptedException {
        while (true) {
            if (untilAnswered && statistics.outstanding() <= 0) {
                return;
            }
            long wait = deadline - nanoTime.getAsLong();
            if (wait <= 0) {
                return;
            }
            print(events.poll(wait, TimeUnit.NANOSECONDS));
        }
    }

    private void print(Event event) {
        if (event == null) {
            return;
        }
        String line;
        if (event.type() < 0) {
            long rtt = options.size() >= PingCommand.TIMESTAMP_BYTES ? event.rttNanos() : -1;
            line = statistics.reply(event.from(), event.sequence(), event.ttl(), event.bytes(), rtt);
        } else {
            line = statistics.error(event.from(), event.sequence(), event.type(), event.code());
        }
        if (!options.quiet()) {
            out.println(line);
        }
    }

    /** The errno text iputils would print for a send that failed this way. */
    static String strerror(SendResult result) {
        switch (result) {
            case NO_ROUTE: return "Network is unreachable";
            case INTERFACE_DOWN: return "Network is down";
            case TOO_LARGE: return "Message too long";
            case NO_BUFFERS: return "No buffer space available";
            default: return result.toString();
        }
    }
}
