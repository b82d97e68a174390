package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.SocketInfo;
import dev.strata.shell.Fakes.FakeSocketService;
import dev.strata.shell.Fakes.Output;

/** ss -s held to iproute2's layout (misc/ss.c print_summary; checked against iproute2 6.x here with {@code ss -s | cat -A}). */
class SsCommandTest {

    private final SsCommand command = new SsCommand();
    private final FakeSocketService sockets = new FakeSocketService();
    private final Output out = new Output();

    private static SocketInfo tcp(String state) {
        return new SocketInfo("tcp", Ipv4Address.parse("198.18.0.2"), 80, 0, 0, state, 0, 0, "dev.strata.http");
    }

    private static SocketInfo udp() {
        return new SocketInfo("udp", 0, 7, 0, 0, "", 0, 0, "dev.strata.services");
    }

    @Test
    void summarisesEveryStateLikeIproute2() {
        sockets.sockets.addAll(List.of(udp(), udp(), tcp("LISTEN"), tcp("ESTABLISHED"), tcp("ESTABLISHED"), tcp("TIME_WAIT"),
                tcp("CLOSE"), tcp("SYN_SENT")));
        command.sockets = sockets;
        command.run(out.stream, List.of("-s"));
        assertEquals("Total: 8\n"
                + "TCP:   6 (estab 2, closed 1, orphaned 0, timewait 1)\n"
                + "\n"
                + "Transport Total     IP        IPv6\n"
                + "RAW\t  0         0         0        \n"
                + "UDP\t  2         2         0        \n"
                + "TCP\t  5         5         0        \n"
                + "INET\t  7         7         0        \n"
                + "FRAG\t  0         0         0        \n"
                + "\n", out.text());
    }

    @Test
    void summarisesTheServicesOfAFreshStack() {
        sockets.sockets.addAll(List.of(udp(), udp()));
        command.sockets = sockets;
        command.run(out.stream, List.of("--summary"));
        assertEquals(List.of("Total: 2", "TCP:   0 (estab 0, closed 0, orphaned 0, timewait 0)", "", "Transport Total     IP        IPv6",
                "RAW\t  0         0         0        ", "UDP\t  2         2         0        ",
                "TCP\t  0         0         0        ", "INET\t  2         2         0        ",
                "FRAG\t  0         0         0        ", ""), out.lines());
    }

    @Test
    void onlyTheSummaryIsSupported() {
        command.sockets = sockets;
        String usage = System.lineSeparator() + SsCommand.USAGE;
        assertEquals("ss: only the summary is supported here (netstat lists the sockets)" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of())).getMessage());
        assertEquals("ss: option -t is not supported here: only the summary -s (netstat lists the sockets)" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("-s", "-t"))).getMessage());
        assertEquals("ss: unexpected argument 'x'" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("x"))).getMessage());
        assertEquals("", out.text());
    }

    @Test
    void saysSoWhenTheSocketLayerIsNotRunning() {
        assertEquals("ss: the socket layer is not running",
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("-s"))).getMessage());
    }
}
