package dev.strata.shell;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketService;
import dev.strata.api.tcp.TcpConnectionInfo;
import dev.strata.api.tcp.TcpControl;

/**
 * {@code ss}, as iproute2 6.x prints it when its output is not a terminal:
 * <ul>
 * <li>{@code ss -s}: the summary: the total, TCP by state, and the table of sockets per
 * transport. The stack has IPv4 only, no raw sockets and no socket of other families, so
 * {@code Total} counts its TCP and UDP sockets and the IPv6, RAW and FRAG columns read 0; a
 * TCP connection no socket holds any more (closed by its application, still in FIN-WAIT or
 * LAST-ACK) is orphaned.</li>
 * <li>{@code ss -t [-i] [-n] [-a|-l]}: the TCP sockets, columns as wide as their widest
 * field (misc/ss.c render): by default the connected ones (not LISTEN, CLOSE, TIME-WAIT nor
 * SYN-RECV, as ss's default filter), {@code -l} the listeners, {@code -a} all. {@code -n} is
 * accepted (addresses are always numeric) and prints the send rate of {@code -i} in bps
 * rather than K/M/G. {@code -i} adds under each connection the line of TCP's inner state
 * ({@link TcpControl#connections()}), in ss's order and units.</li>
 * </ul>
 */
@Descriptor("summarise or list the stack's sockets (iproute2 ss -s, ss -t)")
@Component(service = SsCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=ss"})
public class SsCommand {

    static final String USAGE = "Usage: ss -s | ss -t [-i] [-n] [-a|-l]";

    private static final Arguments ARGS = new Arguments("ss", USAGE);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SocketService sockets;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile TcpControl tcp;

    @Descriptor("print the summary (-s) or the TCP sockets (-t)")
    public void ss(
            @Descriptor("summary: Total, TCP by state, and sockets per transport")
            @Parameter(names = {"-s", "--summary"}, presentValue = "true", absentValue = "false") boolean summary,
            @Descriptor("options combined, as -tni") String... arguments) {
        run(System.out, summary ? prepend("-s", arguments) : Arrays.asList(arguments));
    }

    /** Gogo calls this when its option matching cannot take the line; argv[0] is "ss". */
    public void _main(String... argv) {
        List<String> words = Arrays.asList(argv);
        run(System.out, words.isEmpty() ? words : words.subList(1, words.size()));
    }

    private static List<String> prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return Arrays.asList(all);
    }

    /** What the options ask for. */
    record Options(boolean summary, boolean tcp, boolean info, boolean numeric, boolean all, boolean listening) {

        static Options parse(List<String> words) {
            boolean summary = false;
            boolean tcp = false;
            boolean info = false;
            boolean numeric = false;
            boolean all = false;
            boolean listening = false;
            for (String word : words) {
                if (word.startsWith("--")) {
                    switch (word) {
                        case "--summary" -> summary = true;
                        case "--tcp" -> tcp = true;
                        case "--info" -> info = true;
                        case "--numeric" -> numeric = true;
                        case "--all" -> all = true;
                        case "--listening" -> listening = true;
                        default -> throw ARGS.error("option " + word + " is not supported here");
                    }
                    continue;
                }
                if (!word.startsWith("-") || word.length() < 2) {
                    throw ARGS.error("unexpected argument '" + word + "'");
                }
                for (int i = 1; i < word.length(); i++) {
                    switch (word.charAt(i)) {
                        case 's' -> summary = true;
                        case 't' -> tcp = true;
                        case 'i' -> info = true;
                        case 'n' -> numeric = true;
                        case 'a' -> all = true;
                        case 'l' -> listening = true;
                        default -> throw ARGS.error("option -" + word.charAt(i) + " is not supported here");
                    }
                }
            }
            if (!summary && !tcp) {
                throw ARGS.error("give -s (summary) or -t (TCP sockets); netstat lists UDP sockets");
            }
            return new Options(summary, tcp, info, numeric, all, listening);
        }
    }

    /** Parses all of {@code words} first, then prints to {@code out}. */
    void run(PrintStream out, List<String> words) {
        Options options = Options.parse(words);
        SocketService service = sockets;
        if (service == null) {
            throw ARGS.failed("the socket layer is not running");
        }
        List<SocketInfo> all = service.sockets();
        if (options.summary()) {
            out.print(format(all));
        } else {
            TcpControl control = tcp;
            List<TcpConnectionInfo> connections = options.info() && control != null ? control.connections() : List.of();
            out.print(formatTcp(all, connections, options));
        }
        out.flush();
    }

    /** The summary as iproute2 prints it (misc/ss.c, print_summary), the blank line at the end included. */
    static String format(List<SocketInfo> sockets) {
        int udp = 0;
        int tcp = 0;
        int established = 0;
        int closed = 0;
        int orphaned = 0;
        int timeWait = 0;
        for (SocketInfo socket : sockets) {
            if ("udp".equals(socket.protocol())) {
                udp++;
            } else if ("tcp".equals(socket.protocol())) {
                tcp++;
                String state = socket.state() == null ? "" : socket.state();
                switch (state) {
                    case "ESTABLISHED" -> established++;
                    case "TIME_WAIT" -> timeWait++;
                    // A TCP socket neither listening nor connecting: not in the kernel's hash tables.
                    case "", "CLOSE", "CLOSED" -> closed++;
                    default -> { }
                }
                // Linux: a connection no file descriptor holds (closed, FIN still on its way).
                if (!"TIME_WAIT".equals(state) && !"LISTEN".equals(state)
                        && (socket.owner() == null || socket.owner().isEmpty())) {
                    orphaned++;
                }
            }
        }
        // As ss: the TCP row counts the hashed sockets, i.e. all but the closed ones.
        int tcpHashed = tcp - closed;
        StringBuilder text = new StringBuilder();
        text.append("Total: ").append(udp + tcp).append('\n');
        text.append("TCP:   ").append(tcp).append(" (estab ").append(established).append(", closed ").append(closed)
                .append(", orphaned ").append(orphaned).append(", timewait ").append(timeWait).append(")\n");
        text.append('\n');
        text.append("Transport Total     IP        IPv6\n");
        row(text, "RAW", 0);
        row(text, "UDP", udp);
        row(text, "TCP", tcpHashed);
        row(text, "INET", udp + tcpHashed);
        row(text, "FRAG", 0);
        text.append('\n');
        return text.toString();
    }

    private static void row(StringBuilder text, String name, int ipv4) {
        text.append(String.format("%s\t  %-9d %-9d %-9d", name, ipv4, ipv4, 0)).append('\n');
    }

    /** ss's state names (misc/ss.c sstate_name) for the RFC 9293 names sockets report. */
    static String stateName(String state) {
        return switch (state == null ? "" : state) {
            case "ESTABLISHED" -> "ESTAB";
            case "SYN_SENT" -> "SYN-SENT";
            case "SYN_RECEIVED", "SYN_RECV" -> "SYN-RECV";
            case "FIN_WAIT_1", "FIN_WAIT1" -> "FIN-WAIT-1";
            case "FIN_WAIT_2", "FIN_WAIT2" -> "FIN-WAIT-2";
            case "TIME_WAIT" -> "TIME-WAIT";
            case "CLOSE_WAIT" -> "CLOSE-WAIT";
            case "LAST_ACK" -> "LAST-ACK";
            case "LISTEN" -> "LISTEN";
            case "CLOSING" -> "CLOSING";
            default -> "UNCONN";
        };
    }

    /** ss's filters: -a all, -l listeners, default the connected ones (SS_CONN). */
    private static boolean shown(String ssState, Options options) {
        if (options.all()) {
            return true;
        }
        boolean listener = ssState.equals("LISTEN");
        if (options.listening()) {
            return listener;
        }
        return !listener && !ssState.equals("UNCONN") && !ssState.equals("TIME-WAIT") && !ssState.equals("SYN-RECV");
    }

    /**
     * The TCP list. Columns (misc/ss.c): State, Recv-Q, Send-Q left-aligned, "Local Address:"
     * and "Peer Address:" right-aligned followed by their Port left-aligned, then Process;
     * each as wide as its widest field or header, with one space before every column but the
     * first and the Ports and Process. With -i, rows end after the peer's Port and the info
     * line follows, a tab and a space in front.
     */
    static String formatTcp(List<SocketInfo> sockets, List<TcpConnectionInfo> connections, Options options) {
        Map<String, TcpConnectionInfo> byPair = new HashMap<>();
        for (TcpConnectionInfo info : connections) {
            byPair.put(pair(info.localAddress(), info.localPort(), info.remoteAddress(), info.remotePort()), info);
        }
        List<String[]> rows = new ArrayList<>();
        List<String> infos = new ArrayList<>();
        for (SocketInfo socket : sockets) {
            if (!"tcp".equals(socket.protocol())) {
                continue;
            }
            String state = stateName(socket.state());
            if (!shown(state, options)) {
                continue;
            }
            rows.add(new String[] {state, Integer.toString(socket.receiveQueue()), Integer.toString(socket.sendQueue()),
                    Ipv4Address.format(socket.localAddress()) + ":", port(socket.localPort()),
                    Ipv4Address.format(socket.remoteAddress()) + ":", port(socket.remotePort()), ""});
            TcpConnectionInfo info = byPair.get(pair(socket.localAddress(), socket.localPort(), socket.remoteAddress(),
                    socket.remotePort()));
            infos.add(options.info() && info != null ? info(info, options.numeric()) : null);
        }
        String[] headers = {"State", "Recv-Q", "Send-Q", "Local Address:", "Port", "Peer Address:", "Port", "Process"};
        boolean[] right = {false, false, false, true, false, true, false, false};
        String[] delimiters = {"", " ", " ", " ", "", " ", "", ""};
        int[] widths = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            widths[c] = headers[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder text = new StringBuilder();
        line(text, headers, widths, right, delimiters, headers.length);
        for (int r = 0; r < rows.size(); r++) {
            // With -i the Process column is not printed on a connection's row.
            line(text, rows.get(r), widths, right, delimiters, options.info() ? headers.length - 1 : headers.length);
            if (options.info() && infos.get(r) != null) {
                text.append('\t').append(infos.get(r)).append('\n');
            }
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String[] fields, int[] widths, boolean[] right, String[] delimiters, int columns) {
        for (int c = 0; c < columns; c++) {
            text.append(delimiters[c]);
            int pad = widths[c] - fields[c].length();
            if (right[c]) {
                text.append(" ".repeat(pad)).append(fields[c]);
            } else {
                text.append(fields[c]).append(" ".repeat(pad));
            }
        }
        text.append('\n');
    }

    private static String port(int port) {
        return port == 0 ? "*" : Integer.toString(port);
    }

    private static String pair(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return localAddress + ":" + localPort + ">" + remoteAddress + ":" + remotePort;
    }

    /**
     * The info line (misc/ss.c tcp_show_info) from what TCP reports, in ss's order: ts, sack,
     * the algorithm, wscale, rto, rtt, mss, cwnd and ssthresh in segments, bytes_acked,
     * bytes_received, the send rate (cwnd * mss * 8 / rtt), retrans, snd_wnd.
     */
    static String info(TcpConnectionInfo info, boolean numeric) {
        StringBuilder text = new StringBuilder();
        if (info.timestamps()) {
            text.append(" ts");
        }
        if (info.sack()) {
            text.append(" sack");
        }
        text.append(' ').append(info.congestionControl());
        if (info.sendWindowScale() >= 0 && info.receiveWindowScale() >= 0) {
            text.append(" wscale:").append(info.sendWindowScale()).append(',').append(info.receiveWindowScale());
        }
        text.append(" rto:").append(g(info.rtoMillis()));
        if (info.rttMicros() > 0) {
            text.append(" rtt:").append(g(info.rttMicros() / 1000.0)).append('/').append(g(info.rttVarMicros() / 1000.0));
        }
        int mss = Math.max(1, info.sendMss());
        text.append(" mss:").append(info.sendMss());
        long cwnd = info.congestionWindow() / mss;
        text.append(" cwnd:").append(cwnd);
        // ss prints ssthresh only once set (below TCP_INFINITE_SSTHRESH).
        if (info.slowStartThreshold() < Integer.MAX_VALUE) {
            text.append(" ssthresh:").append(info.slowStartThreshold() / mss);
        }
        if (info.bytesAcked() > 0) {
            text.append(" bytes_acked:").append(info.bytesAcked());
        }
        if (info.bytesReceived() > 0) {
            text.append(" bytes_received:").append(info.bytesReceived());
        }
        if (info.rttMicros() > 0 && cwnd > 0) {
            text.append(" send ").append(bandwidth((double) cwnd * mss * 8_000_000.0 / info.rttMicros(), numeric)).append("bps");
        }
        if (info.retransmittedSegments() > 0) {
            text.append(" retrans:0/").append(info.retransmittedSegments());
        }
        text.append(" snd_wnd:").append(info.sendWindow());
        return text.toString();
    }

    /** misc/ss.c sprint_bw: the number with -n, otherwise %.1f with K, M or G. */
    static String bandwidth(double bps, boolean numeric) {
        if (numeric) {
            return String.format("%.0f", bps);
        }
        if (bps > 1e9) {
            return String.format("%.1fG", bps / 1e9);
        }
        if (bps > 1e6) {
            return String.format("%.1fM", bps / 1e6);
        }
        if (bps > 1e3) {
            return String.format("%.1fK", bps / 1e3);
        }
        return String.format("%.0f", bps);
    }

    /** C's {@code %g} for the values ss prints (six significant digits, no trailing zeros). */
    static String g(double value) {
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
