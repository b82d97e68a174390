package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.SocketInfo;
import dev.strata.shell.Fakes.Output;
import dev.strata.testsupport.ListOnlySockets;

/**
 * netstat held to net-tools: the expected lines are Linux's own, captured with net-tools
 * 2.10 in a throwaway network namespace ({@code ip netns add}; lo up; python3 bound UDP
 * 0.0.0.0:7, a UDP socket 127.0.0.1:34579 connected to 127.0.0.1:7 and a TCP listener on
 * 0.0.0.0:80; then {@code netstat -tuanp}, {@code -tun}, {@code -tuln}, {@code -tuan} piped
 * through {@code cat -A}), with the PID/Program name column replaced by the owning bundle.
 * Trailing blanks are part of net-tools' output and kept.
 */
class NetstatCommandTest {

    private static final String HEADER = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ";
    private static final String HEADER_P = HEADER + " PID/Program name    ";
    private static final String TCP_LISTEN = "tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN     ";
    private static final String UDP_SERVER = "udp        0      0 0.0.0.0:7               0.0.0.0:*                          ";
    private static final String UDP_CONNECTED = "udp        0      0 127.0.0.1:34579         127.0.0.1:7             ESTABLISHED";

    private final NetstatCommand command = new NetstatCommand();
    private final ListOnlySockets sockets = new ListOnlySockets();
    private final Output out = new Output();

    @BeforeEach
    void sockets() {
        int loopback = Ipv4Address.LOOPBACK;
        sockets.sockets.add(new SocketInfo("udp", 0, 7, 0, 0, "", 0, 0, "dev.strata.services"));
        sockets.sockets.add(new SocketInfo("udp", loopback, 34579, loopback, 7, "ESTABLISHED", 0, 0, "dev.strata.test"));
        sockets.sockets.add(new SocketInfo("tcp", 0, 80, 0, 0, "LISTEN", 0, 0, "dev.strata.http"));
        command.sockets = sockets;
    }

    private List<String> run(String... words) {
        out.bytes.reset();
        command.run(out.stream, List.of(words));
        return out.lines();
    }

    @Test
    void allSocketsWithTheirBundlesLikeNetstatTuanp() {
        assertEquals(List.of("Active Internet connections (servers and established)", HEADER_P,
                TCP_LISTEN + " -/dev.strata.http   ",
                UDP_SERVER + " -/dev.strata.services",
                UDP_CONNECTED + " -/dev.strata.test   "), run("-tuanp"));
    }

    @Test
    void connectionsOnlyByDefault() {
        assertEquals(List.of("Active Internet connections (w/o servers)", HEADER, UDP_CONNECTED), run("-tun"));
        assertEquals(List.of("Active Internet connections (w/o servers)", HEADER, UDP_CONNECTED), run());
    }

    @Test
    void serversOnlyWithL() {
        assertEquals(List.of("Active Internet connections (only servers)", HEADER, TCP_LISTEN, UDP_SERVER), run("-tuln"));
    }

    @Test
    void serversAndConnectionsWithA() {
        assertEquals(List.of("Active Internet connections (servers and established)", HEADER, TCP_LISTEN, UDP_SERVER, UDP_CONNECTED),
                run("-t", "-u", "-a", "-n"));
    }

    @Test
    void aWinsOverLAsInNetTools() {
        assertEquals(List.of("Active Internet connections (servers and established)", HEADER, TCP_LISTEN, UDP_SERVER, UDP_CONNECTED),
                run("-al"));
    }

    @Test
    void tAndUChooseTheProtocol() {
        assertEquals(List.of("Active Internet connections (servers and established)", HEADER, TCP_LISTEN), run("-ta"));
        assertEquals(List.of("Active Internet connections (servers and established)", HEADER, UDP_SERVER, UDP_CONNECTED),
                run("--udp", "--all", "--numeric"));
    }

    @Test
    void printsQueuesAndAnUnboundPortAsStar() {
        sockets.sockets.clear();
        sockets.sockets.add(new SocketInfo("udp", Ipv4Address.parse("198.18.0.2"), 0, 0, 0, "", 123456, 7, "dev.strata.x"));
        sockets.sockets.add(new SocketInfo("tcp", Ipv4Address.parse("198.18.0.2"), 50000, Ipv4Address.parse("198.18.0.1"), 22,
                "ESTABLISHED", 0, 1448, "dev.strata.ssh"));
        assertEquals(List.of("Active Internet connections (servers and established)", HEADER,
                "tcp        0   1448 198.18.0.2:50000        198.18.0.1:22           ESTABLISHED",
                "udp   123456      7 198.18.0.2:*            0.0.0.0:*                          "), run("-a"));
    }

    @Test
    void refusesWhatNetToolsRefusesBeforePrintingAnything() {
        assertEquals("netstat: invalid option -- 'x'" + System.lineSeparator() + NetstatCommand.USAGE,
                assertThrows(CommandException.class, () -> run("-tx")).getMessage());
        assertEquals("netstat: unrecognized option '--route'" + System.lineSeparator() + NetstatCommand.USAGE,
                assertThrows(CommandException.class, () -> run("--route")).getMessage());
        assertEquals("netstat: unexpected argument 'tcp'" + System.lineSeparator() + NetstatCommand.USAGE,
                assertThrows(CommandException.class, () -> run("tcp")).getMessage());
        assertEquals("", out.text());
    }

    @Test
    void printsOnlyTheTitlesWhenNoSocketIsOpen() {
        sockets.sockets.clear();
        assertEquals(List.of("Active Internet connections (only servers)", HEADER), run("-l"));
    }

    @Test
    void saysSoWhenTheSocketLayerIsNotRunning() {
        command.sockets = null;
        assertEquals("netstat: the socket layer is not running",
                assertThrows(CommandException.class, () -> run("-a")).getMessage());
    }

    private void tcpConnections() {
        int local = Ipv4Address.parse("198.18.0.2");
        int peer = Ipv4Address.parse("198.18.0.1");
        sockets.sockets.clear();
        sockets.sockets.addAll(List.of(
                new SocketInfo("tcp", 0, 7, 0, 0, "LISTEN", 0, 0, "dev.strata.services"),
                new SocketInfo("tcp", local, 7, peer, 54314, "ESTABLISHED", 3000, 12, "dev.strata.services"),
                new SocketInfo("tcp", local, 49152, peer, 80, "SYN_SENT", 0, 1, "dev.strata.http"),
                new SocketInfo("tcp", local, 7, peer, 54315, "SYN_RECEIVED", 0, 0, ""),
                new SocketInfo("tcp", local, 7, peer, 54316, "FIN_WAIT_1", 0, 5, ""),
                new SocketInfo("tcp", local, 7, peer, 54317, "FIN_WAIT_2", 0, 0, ""),
                new SocketInfo("tcp", local, 7, peer, 54318, "TIME_WAIT", 0, 0, ""),
                new SocketInfo("tcp", local, 9, peer, 54319, "CLOSE_WAIT", 1, 0, "dev.strata.services"),
                new SocketInfo("tcp", local, 9, peer, 54320, "LAST_ACK", 0, 1, ""),
                new SocketInfo("tcp", local, 9, peer, 54321, "CLOSING", 0, 1, ""),
                new SocketInfo("tcp", 0, 0, 0, 0, "CLOSED", 0, 0, "dev.strata.http")));
    }

    /** net-tools' names (tcp_state[] in netstat.c), checked against netstat -tn on Linux. */
    @Test
    void printsTcpConnectionsWithNetToolsStateNames() {
        tcpConnections();
        assertEquals(List.of("Active Internet connections (w/o servers)", HEADER,
                "tcp     3000     12 198.18.0.2:7            198.18.0.1:54314        ESTABLISHED",
                "tcp        0      1 198.18.0.2:49152        198.18.0.1:80           SYN_SENT   ",
                "tcp        0      0 198.18.0.2:7            198.18.0.1:54315        SYN_RECV   ",
                "tcp        0      5 198.18.0.2:7            198.18.0.1:54316        FIN_WAIT1  ",
                "tcp        0      0 198.18.0.2:7            198.18.0.1:54317        FIN_WAIT2  ",
                "tcp        0      0 198.18.0.2:7            198.18.0.1:54318        TIME_WAIT  ",
                "tcp        1      0 198.18.0.2:9            198.18.0.1:54319        CLOSE_WAIT ",
                "tcp        0      1 198.18.0.2:9            198.18.0.1:54320        LAST_ACK   ",
                "tcp        0      1 198.18.0.2:9            198.18.0.1:54321        CLOSING    ",
                "tcp        0      0 0.0.0.0:*               0.0.0.0:*               CLOSE      "), run("-tn"));
    }

    @Test
    void listsOnlyTcpListenersWithTln() {
        tcpConnections();
        assertEquals(List.of("Active Internet connections (only servers)", HEADER,
                "tcp        0      0 0.0.0.0:7               0.0.0.0:*               LISTEN     "), run("-tln"));
    }

    @Test
    void showsTheOwnerOrADashForAConnectionNoSocketHoldsWithP() {
        tcpConnections();
        List<String> lines = run("-tanp");
        assertEquals("Active Internet connections (servers and established)", lines.get(0));
        assertEquals(HEADER_P, lines.get(1));
        assertEquals("tcp        0      0 0.0.0.0:7               0.0.0.0:*               LISTEN      -/dev.strata.services", lines.get(2));
        assertEquals("tcp        0      0 198.18.0.2:7            198.18.0.1:54318        TIME_WAIT   -                   ", lines.get(8));
        assertEquals(13, lines.size());
    }

    @Test
    void filtersUdpAwayWithT() {
        tcpConnections();
        sockets.sockets.add(new SocketInfo("udp", 0, 7, 0, 0, "", 0, 0, "dev.strata.services"));
        assertTrue(run("-ta").stream().noneMatch(line -> line.startsWith("udp")));
        assertEquals(1, run("-ua").size() - 2);
    }
}
