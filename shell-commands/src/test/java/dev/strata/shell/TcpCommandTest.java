package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.tcp.TcpConnectionInfo;
import dev.strata.shell.Fakes.FakeTcpControl;
import dev.strata.shell.Fakes.Output;

class TcpCommandTest {

    private final TcpCommand command = new TcpCommand();
    private final FakeTcpControl tcp = new FakeTcpControl();
    private final Output out = new Output();

    @Test
    void listsTheAlgorithmsMarkingTheDefault() {
        command.tcp = tcp;
        command.run(out.stream, List.of("cc"));
        assertEquals(List.of("cubic (default)", "reno"), out.lines());
    }

    @Test
    void setsTheDefault() {
        command.tcp = tcp;
        command.run(out.stream, List.of("cc", "reno"));
        assertEquals("", out.text());
        assertEquals("reno", tcp.chosen);
        command.run(out.stream, List.of("cc"));
        assertEquals(List.of("cubic", "reno (default)"), out.lines());
    }

    @Test
    void refusesAnUnknownAlgorithmInOneLine() {
        command.tcp = tcp;
        CommandException failure = assertThrows(CommandException.class, () -> command.run(out.stream, List.of("cc", "bbr")));
        assertEquals("tcp: no congestion control algorithm 'bbr' (installed: cubic, reno)", failure.getMessage());
        assertEquals("cubic", tcp.chosen);
    }

    @Test
    void switchesOneOpenConnection() {
        tcp.connections.add(new TcpConnectionInfo("ESTABLISHED", Ipv4Address.parse("198.18.0.2"), 7,
                Ipv4Address.parse("198.18.0.1"), 40000, "cubic", 1448, 1460, 7, 7, true, true, 50, 25, 204, 14480,
                Integer.MAX_VALUE, 65535, 65535, 0, 0, 0, 0, 0));
        command.tcp = tcp;
        command.run(out.stream, List.of("cc", "reno", "198.18.0.2:7", "198.18.0.1:40000"));
        assertEquals(List.of("198.18.0.2:7 198.18.0.1:40000 reno"), tcp.switched);
        assertEquals("cubic", tcp.chosen, "the default stays");
        assertEquals("tcp: no connection 198.18.0.2:7 198.18.0.1:40001", assertThrows(CommandException.class,
                () -> command.run(out.stream, List.of("cc", "reno", "198.18.0.2:7", "198.18.0.1:40001"))).getMessage());
    }

    @Test
    void rejectsMalformedArgumentsWithTheUsage() {
        command.tcp = tcp;
        String usage = System.lineSeparator() + TcpCommand.USAGE;
        assertEquals("tcp: missing subcommand" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of())).getMessage());
        assertEquals("tcp: unknown subcommand 'sack'" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("sack"))).getMessage());
        assertEquals("tcp: wrong number of arguments" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("cc", "reno", "1.2.3.4:5"))).getMessage());
        assertEquals("tcp: 'x:7' is not ADDRESS:PORT" + usage, assertThrows(CommandException.class,
                () -> command.run(out.stream, List.of("cc", "reno", "x:7", "1.2.3.4:5"))).getMessage());
        assertEquals("tcp: '1.2.3.4:0': port must be 1 to 65535" + usage, assertThrows(CommandException.class,
                () -> command.run(out.stream, List.of("cc", "reno", "1.2.3.4:0", "1.2.3.4:5"))).getMessage());
    }

    @Test
    void saysTcpIsNotRunningWithoutTcpControl() {
        for (List<String> words : List.of(List.of("cc"), List.of("cc", "reno"))) {
            assertEquals("tcp: TCP is not running",
                    assertThrows(CommandException.class, () -> command.run(out.stream, words)).getMessage());
        }
    }
}
