package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoService;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.SendResult;
import dev.strata.shell.Fakes.Output;

class PingCommandTest {

    private static final int PEER = Ipv4Address.parse("198.18.0.1");

    /**
     * Answers the requests {@code answers} accepts, from another thread as the stack would,
     * with a round trip of 40 us plus 10 us per sequence number; drops the others.
     */
    private static final class FakeEcho implements EchoService {
        final IntPredicate answers;
        final List<Integer> sent = new ArrayList<>();
        SendResult result = SendResult.SENT;
        int failFrom = Integer.MAX_VALUE;
        int errorType = -1;
        boolean closed;

        FakeEcho(IntPredicate answers) {
            this.answers = answers;
        }

        @Override
        public EchoSession open(EchoListener listener) {
            return new EchoSession() {
                @Override
                public int identifier() {
                    return 0x1234;
                }

                @Override
                public SendResult send(int destination, int sequence, int payloadSize, int ttl) {
                    sent.add(sequence);
                    if (sequence >= failFrom) {
                        throw new IllegalStateException("the echo session is closed");
                    }
                    if (result == SendResult.SENT && answers.test(sequence)) {
                        Thread stack = new Thread(() -> {
                            if (errorType >= 0) {
                                listener.error(destination, sequence, errorType, 3);
                            } else {
                                listener.reply(destination, sequence, 64, payloadSize + 8, (30 + 10 * sequence) * 1000L);
                            }
                        });
                        stack.start();
                        try {
                            stack.join();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return result;
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }

    private final Output out = new Output();
    private final PingCommand command = new PingCommand();

    private static PingOptions options(int count) {
        return PingOptions.parse(List.of("-c", Integer.toString(count), "-i", "0.002", "-W", "0.05", "198.18.0.1"));
    }

    private static void assertSummaryTimeLine(String expectedPrefix, String line) {
        assertTrue(line.matches(java.util.regex.Pattern.quote(expectedPrefix) + ", time \\d+ms"), line);
    }

    @Test
    void printsEveryReplyAndTheSummary() {
        FakeEcho echo = new FakeEcho(sequence -> true);
        command.echo = echo;
        PingStatistics statistics = command.run(out.stream, options(3));
        List<String> lines = out.lines();
        assertEquals("PING 198.18.0.1 (198.18.0.1) 56(84) bytes of data.", lines.get(0));
        assertEquals("64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.040 ms", lines.get(1));
        assertEquals("64 bytes from 198.18.0.1: icmp_seq=2 ttl=64 time=0.050 ms", lines.get(2));
        assertEquals("64 bytes from 198.18.0.1: icmp_seq=3 ttl=64 time=0.060 ms", lines.get(3));
        assertEquals("", lines.get(4));
        assertEquals("--- 198.18.0.1 ping statistics ---", lines.get(5));
        assertSummaryTimeLine("3 packets transmitted, 3 received, 0% packet loss", lines.get(6));
        assertEquals("rtt min/avg/max/mdev = 0.040/0.050/0.060/0.008 ms", lines.get(7));
        assertEquals(8, lines.size());
        assertEquals(List.of(1, 2, 3), echo.sent);
        assertEquals(3, statistics.received());
        assertTrue(echo.closed);
    }

    @Test
    void reportsPartialLossAndSucceeds() {
        command.echo = new FakeEcho(sequence -> sequence % 2 == 1);
        command.run(out.stream, options(4));
        List<String> lines = out.lines();
        assertEquals("64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.040 ms", lines.get(1));
        assertEquals("64 bytes from 198.18.0.1: icmp_seq=3 ttl=64 time=0.060 ms", lines.get(2));
        assertEquals("", lines.get(3));
        assertSummaryTimeLine("4 packets transmitted, 2 received, 50% packet loss", lines.get(5));
        assertEquals("rtt min/avg/max/mdev = 0.040/0.050/0.060/0.010 ms", lines.get(6));
    }

    @Test
    void failsAfterTheSummaryWhenNothingCameBack() {
        FakeEcho echo = new FakeEcho(sequence -> false);
        command.echo = echo;
        CommandException e = assertThrows(CommandException.class, () -> command.run(out.stream, options(2)));
        assertEquals("ping: 100% packet loss", e.getMessage());
        List<String> lines = out.lines();
        assertEquals(List.of("PING 198.18.0.1 (198.18.0.1) 56(84) bytes of data.", "", "--- 198.18.0.1 ping statistics ---"),
                lines.subList(0, 3));
        assertSummaryTimeLine("2 packets transmitted, 0 received, 100% packet loss", lines.get(3));
        assertEquals(4, lines.size());
        assertTrue(echo.closed);
    }

    @Test
    void printsIcmpErrorsAndFailsWhenOnlyErrorsCame() {
        FakeEcho echo = new FakeEcho(sequence -> true);
        echo.errorType = 3;
        command.echo = echo;
        assertThrows(CommandException.class, () -> command.run(out.stream, options(2)));
        List<String> lines = out.lines();
        assertEquals("From 198.18.0.1 icmp_seq=1 Destination Port Unreachable", lines.get(1));
        assertEquals("From 198.18.0.1 icmp_seq=2 Destination Port Unreachable", lines.get(2));
        assertSummaryTimeLine("2 packets transmitted, 0 received, +2 errors, 100% packet loss", lines.get(5));
    }

    @Test
    void failsWithNetworkUnreachableWithoutAHeaderWhenThereIsNoRoute() {
        FakeEcho echo = new FakeEcho(sequence -> true);
        echo.result = SendResult.NO_ROUTE;
        command.echo = echo;
        CommandException e = assertThrows(CommandException.class, () -> command.run(out.stream, options(3)));
        assertEquals("ping: connect: Network is unreachable", e.getMessage());
        assertEquals("", out.text());
        assertEquals(List.of(1), echo.sent);
        assertTrue(echo.closed);
    }

    @Test
    void reportsIcmpGoingAwayMidRunAndCountsTheLoss() {
        FakeEcho echo = new FakeEcho(sequence -> true);
        echo.failFrom = 2;
        command.echo = echo;
        command.run(out.stream, options(2));
        List<String> lines = out.lines();
        // The reply comes on another thread: on a loaded machine it may be printed after the
        // failed second send, as iputils would print it too. Either order, both lines.
        assertEquals(java.util.Set.of("64 bytes from 198.18.0.1: icmp_seq=1 ttl=64 time=0.040 ms",
                "ping: sendmsg: the echo session is closed"), java.util.Set.of(lines.get(1), lines.get(2)));
        assertSummaryTimeLine("2 packets transmitted, 1 received, 50% packet loss", lines.get(5));
    }

    @Test
    void sendsAnotherRequestWhenOneCouldNotBeSent() {
        FakeEcho echo = new FakeEcho(sequence -> true);
        echo.result = SendResult.TOO_LARGE;
        command.echo = echo;
        assertThrows(CommandException.class, () -> command.run(out.stream, options(2)));
        List<String> lines = out.lines();
        assertEquals("PING 198.18.0.1 (198.18.0.1) 56(84) bytes of data.", lines.get(0));
        assertEquals("ping: sendmsg: Message too long", lines.get(1));
        assertEquals("ping: sendmsg: Message too long", lines.get(2));
        assertEquals(List.of(1, 2), echo.sent);
    }

    @Test
    void quietPrintsOnlyTheHeaderAndTheSummary() {
        command.echo = new FakeEcho(sequence -> true);
        command.run(out.stream, PingOptions.parse(List.of("-q", "-c", "2", "-i", "0.002", "198.18.0.1")));
        List<String> lines = out.lines();
        assertEquals("", lines.get(1));
        assertEquals("--- 198.18.0.1 ping statistics ---", lines.get(2));
    }

    @Test
    void sendsTheRequestedSizeAndShowsNoTimeBelowTheTimestampSize() {
        command.echo = new FakeEcho(sequence -> true);
        command.run(out.stream, PingOptions.parse(List.of("-c", "1", "-s", "4", "198.18.0.1")));
        List<String> lines = out.lines();
        assertEquals("PING 198.18.0.1 (198.18.0.1) 4(32) bytes of data.", lines.get(0));
        assertEquals("12 bytes from 198.18.0.1: icmp_seq=1 ttl=64", lines.get(1));
        assertEquals(5, lines.size());
    }

    @Test
    void waitsTheIntervalBetweenRequests() {
        command.echo = new FakeEcho(sequence -> true);
        long start = System.nanoTime();
        command.run(out.stream, PingOptions.parse(List.of("-c", "3", "-i", "0.05", "198.18.0.1")));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis >= 100, "two intervals of 50 ms, took " + elapsedMillis);
        // Every reply came, so it does not wait out -W (1 s) after the last request.
        assertTrue(elapsedMillis < 900, "took " + elapsedMillis);
    }

    @Test
    void failsWhenIcmpIsNotRunning() {
        assertEquals("ping: ICMP is not running",
                assertThrows(CommandException.class, () -> command.run(out.stream, options(1))).getMessage());
    }
}
