package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.tcp.TcpConnectionInfo;
import dev.strata.shell.Fakes.Output;
import dev.strata.testsupport.ListOnlySockets;

/** ss -s held to iproute2's layout (misc/ss.c print_summary; checked against iproute2 6.x here with {@code ss -s | cat -A}). */
class SsCommandTest {

    private final SsCommand command = new SsCommand();
    private final ListOnlySockets sockets = new ListOnlySockets();
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
    void rejectsWhatItDoesNotSupport() {
        command.sockets = sockets;
        String usage = System.lineSeparator() + SsCommand.USAGE;
        assertEquals("ss: give -s (summary) or -t (TCP sockets); netstat lists UDP sockets" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of())).getMessage());
        assertEquals("ss: option -u is not supported here" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("-tu"))).getMessage());
        assertEquals("ss: unexpected argument 'x'" + usage,
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("x"))).getMessage());
        assertEquals("", out.text());
    }

    @Test
    void countsOrphansAsLinuxDoes() {
        sockets.sockets.addAll(List.of(tcp("ESTABLISHED"),
                new SocketInfo("tcp", 1, 7, 2, 5000, "FIN_WAIT_1", 0, 10, ""),
                new SocketInfo("tcp", 1, 7, 2, 5001, "TIME_WAIT", 0, 0, "")));
        command.sockets = sockets;
        command.run(out.stream, List.of("-s"));
        assertEquals("TCP:   3 (estab 1, closed 0, orphaned 1, timewait 1)", out.lines().get(1));
    }

    private static final int LOCAL = Ipv4Address.parse("198.18.0.2");
    private static final int PEER = Ipv4Address.parse("198.18.0.1");

    private void tcpSockets() {
        sockets.sockets.addAll(List.of(
                new SocketInfo("tcp", 0, 7, 0, 0, "LISTEN", 0, 1024, "dev.strata.services"),
                new SocketInfo("tcp", LOCAL, 7, PEER, 54314, "ESTABLISHED", 3000, 0, "dev.strata.services"),
                new SocketInfo("tcp", LOCAL, 9, PEER, 40000, "CLOSE_WAIT", 0, 0, "dev.strata.services"),
                new SocketInfo("tcp", LOCAL, 7, PEER, 40001, "TIME_WAIT", 0, 0, ""),
                new SocketInfo("udp", 0, 7, 0, 0, "", 0, 0, "dev.strata.services")));
        command.sockets = sockets;
    }

    /**
     * Layout as iproute2 6.1's ss -tn prints when not a terminal (rules read off its output in a
     * network namespace: every column as wide as its widest field, one space before each but
     * the first, the Ports and Process; addresses right-aligned, ports left-aligned).
     */
    @Test
    void listsConnectedTcpSocketsLikeSsTn() {
        tcpSockets();
        command.run(out.stream, List.of("-tn"));
        assertEquals(List.of(
                "State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
                "ESTAB      3000   0         198.18.0.2:7      198.18.0.1:54314       ",
                "CLOSE-WAIT 0      0         198.18.0.2:9      198.18.0.1:40000       "), out.lines());
    }

    /** As ss 6.1 -tln: the Port columns as narrow as "Port", so "PortProcess" touch. */
    @Test
    void listsListenersWithL() {
        tcpSockets();
        command.run(out.stream, List.of("-t", "-l", "-n"));
        assertEquals(List.of(
                "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess",
                "LISTEN 0      1024         0.0.0.0:7         0.0.0.0:*          "), out.lines());
    }

    @Test
    void listsEveryTcpSocketWithA() {
        tcpSockets();
        command.run(out.stream, List.of("-tan"));
        assertEquals(List.of(
                "State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
                "LISTEN     0      1024         0.0.0.0:7         0.0.0.0:*           ",
                "ESTAB      3000   0         198.18.0.2:7      198.18.0.1:54314       ",
                "CLOSE-WAIT 0      0         198.18.0.2:9      198.18.0.1:40000       ",
                "TIME-WAIT  0      0         198.18.0.2:7      198.18.0.1:40001       "), out.lines());
    }

    @Test
    void namesEveryStateAsSs() {
        assertEquals(List.of("ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN",
                "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"),
                List.of("ESTABLISHED", "SYN_SENT", "SYN_RECEIVED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED",
                        "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING").stream().map(SsCommand::stateName).toList());
    }

    private static TcpConnectionInfo info(int remotePort, long ssthresh, long retransmitted) {
        return new TcpConnectionInfo("ESTABLISHED", LOCAL, 7, PEER, remotePort, "cubic", 1448, 1460, 7, 7, true, true,
                50, 25, 204, 14_480, ssthresh, 64_256, 65_535, 3000, 0, retransmitted, 1_000_001, 2_000_002);
    }

    @Test
    void printsTcpsInnerStateUnderEachConnectionWithI() {
        tcpSockets();
        Fakes.FakeTcpControl control = new Fakes.FakeTcpControl();
        control.connections.add(info(54314, Integer.MAX_VALUE, 0));
        command.tcp = control;
        command.run(out.stream, List.of("-tni"));
        assertEquals(List.of(
                "State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
                "ESTAB      3000   0         198.18.0.2:7      198.18.0.1:54314",
                "\t ts sack cubic wscale:7,7 rto:204 rtt:0.05/0.025 mss:1448 cwnd:10 bytes_acked:1000001"
                        + " bytes_received:2000002 send 2316800000bps snd_wnd:64256",
                "CLOSE-WAIT 0      0         198.18.0.2:9      198.18.0.1:40000"), out.lines());
    }

    @Test
    void infoLineShowsSsthreshRetransmitsAndAHumanRateWithoutN() {
        assertEquals(" ts sack cubic wscale:7,7 rto:204 rtt:0.05/0.025 mss:1448 cwnd:10 ssthresh:7 bytes_acked:1000001"
                + " bytes_received:2000002 send 2.3Gbps retrans:0/3 snd_wnd:64256", SsCommand.info(info(1, 10_136, 3), false));
        TcpConnectionInfo fresh = new TcpConnectionInfo("SYN_SENT", LOCAL, 50000, PEER, 80, "reno", 536, 0, -1, -1, false,
                false, 0, 0, 1000, 5360, Integer.MAX_VALUE, 0, 65535, 0, 0, 0, 0, 0);
        assertEquals(" reno rto:1000 mss:536 cwnd:10 snd_wnd:0", SsCommand.info(fresh, true));
        assertEquals("1.5M", SsCommand.bandwidth(1_500_000, false));
        assertEquals("12.3K", SsCommand.bandwidth(12_345, false));
        assertEquals("0.123457", SsCommand.g(0.1234567));
    }

    @Test
    void listsWithoutTheInfoLineWhenTcpIsNotRunning() {
        tcpSockets();
        command.run(out.stream, List.of("-ti"));
        assertEquals(3, out.lines().size());
    }

    @Test
    void saysSoWhenTheSocketLayerIsNotRunning() {
        assertEquals("ss: the socket layer is not running",
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("-s"))).getMessage());
    }
}
