package dev.strata.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

/**
 * {@code netstat [-t] [-u] [-l] [-a] [-n] [-p]}: the stack's sockets in net-tools' layout,
 * column for column (trailing blanks included), so that what reads {@code netstat -tulpn}
 * on Linux reads this too.
 *
 * <ul>
 * <li>{@code -t} TCP only, {@code -u} UDP only; neither or both: both, TCP first.</li>
 * <li>Without {@code -a} or {@code -l}: connections only ("w/o servers"); {@code -l}:
 * servers only, {@code -a}: both. As in net-tools, a TCP socket in LISTEN is a server, and
 * so is a UDP socket without a peer.</li>
 * <li>{@code -n} is accepted and changes nothing: addresses and ports are always numeric
 * (the stack resolves no names), a port 0 printed as {@code *}.</li>
 * <li>{@code -p} adds the column {@code PID/Program name}; the stack has no processes, so it
 * reads {@code -/BUNDLE}, the symbolic name of the bundle that opened the socket.</li>
 * </ul>
 * Options combine as on Linux ({@code -tulpn}).
 */
@Descriptor("show the stack's sockets (net-tools netstat)")
@Component(service = NetstatCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=netstat"})
public class NetstatCommand {

    static final String USAGE = "Usage: netstat [-t] [-u] [-l] [-a] [-n] [-p]";
    static final String TITLE = "Active Internet connections ";
    static final String HEADER = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ";
    /** net-tools' PROGNAME_BANNER, printed {@code " %-20s"}. */
    static final String PROGRAM_HEADER = " PID/Program name    ";

    private static final Arguments ARGS = new Arguments("netstat", USAGE);
    /** net-tools' column width for an address and port (netmax(23, ...)). */
    private static final int ADDRESS_WIDTH = 23;
    /** net-tools' PROGNAME_WIDTH. */
    private static final int PROGRAM_WIDTH = 20;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SocketService sockets;

    @Descriptor("show sockets: connections by default, -l servers, -a both; -t TCP, -u UDP; -p the owning bundle")
    public void netstat(
            @Descriptor("TCP sockets only")
            @Parameter(names = {"-t", "--tcp"}, presentValue = "true", absentValue = "false") boolean tcp,
            @Descriptor("UDP sockets only")
            @Parameter(names = {"-u", "--udp"}, presentValue = "true", absentValue = "false") boolean udp,
            @Descriptor("only servers: TCP in LISTEN, UDP without a peer")
            @Parameter(names = {"-l", "--listening"}, presentValue = "true", absentValue = "false") boolean listening,
            @Descriptor("servers and connections")
            @Parameter(names = {"-a", "--all"}, presentValue = "true", absentValue = "false") boolean all,
            @Descriptor("numeric addresses and ports (always the case: names are not resolved)")
            @Parameter(names = {"-n", "--numeric"}, presentValue = "true", absentValue = "false") boolean numeric,
            @Descriptor("show the bundle that owns each socket, as -/BUNDLE in PID/Program name")
            @Parameter(names = {"-p", "--program"}, presentValue = "true", absentValue = "false") boolean program,
            @Descriptor("options combined, as -tulpn") String... arguments) {
        List<String> words = new ArrayList<>();
        addIf(words, tcp, "-t");
        addIf(words, udp, "-u");
        addIf(words, listening, "-l");
        addIf(words, all, "-a");
        addIf(words, numeric, "-n");
        addIf(words, program, "-p");
        words.addAll(Arrays.asList(arguments));
        run(System.out, words);
    }

    /** Gogo calls this when its option matching cannot take the line; argv[0] is "netstat". */
    public void _main(String... argv) {
        List<String> words = Arrays.asList(argv);
        run(System.out, words.isEmpty() ? words : words.subList(1, words.size()));
    }

    private static void addIf(List<String> words, boolean present, String option) {
        if (present) {
            words.add(option);
        }
    }

    /** Parses all of {@code words} first, then prints the table to {@code out}. */
    void run(PrintStream out, List<String> words) {
        Options options = Options.parse(words);
        SocketService service = sockets;
        if (service == null) {
            throw ARGS.failed("the socket layer is not running");
        }
        out.print(format(service.sockets(), options));
        out.flush();
    }

    /** What the options ask for. */
    record Options(boolean tcp, boolean udp, boolean listening, boolean all, boolean program) {

        static Options parse(List<String> words) {
            boolean tcp = false;
            boolean udp = false;
            boolean listening = false;
            boolean all = false;
            boolean program = false;
            for (String word : words) {
                if (word.startsWith("--")) {
                    switch (word) {
                        case "--tcp" -> tcp = true;
                        case "--udp" -> udp = true;
                        case "--listening" -> listening = true;
                        case "--all" -> all = true;
                        case "--numeric" -> { }
                        case "--program" -> program = true;
                        default -> throw ARGS.error("unrecognized option '" + word + "'");
                    }
                    continue;
                }
                if (!word.startsWith("-") || word.length() < 2) {
                    throw ARGS.error("unexpected argument '" + word + "'");
                }
                for (int i = 1; i < word.length(); i++) {
                    switch (word.charAt(i)) {
                        case 't' -> tcp = true;
                        case 'u' -> udp = true;
                        case 'l' -> listening = true;
                        case 'a' -> all = true;
                        case 'n' -> { }
                        case 'p' -> program = true;
                        default -> throw ARGS.error("invalid option -- '" + word.charAt(i) + "'");
                    }
                }
            }
            if (!tcp && !udp) {
                tcp = true;
                udp = true;
            }
            return new Options(tcp, udp, listening, all, program);
        }
    }

    /** The whole output: title, header, then TCP and UDP sockets as net-tools picks them. */
    static String format(List<SocketInfo> sockets, Options options) {
        StringBuilder text = new StringBuilder();
        // net-tools: -a wins over -l.
        text.append(TITLE).append(options.all() ? "(servers and established)" : options.listening() ? "(only servers)" : "(w/o servers)")
                .append('\n');
        text.append(HEADER);
        if (options.program()) {
            text.append(PROGRAM_HEADER);
        }
        text.append('\n');
        if (options.tcp()) {
            appendRows(text, sockets, "tcp", options);
        }
        if (options.udp()) {
            appendRows(text, sockets, "udp", options);
        }
        return text.toString();
    }

    private static void appendRows(StringBuilder text, List<SocketInfo> sockets, String protocol, Options options) {
        for (SocketInfo socket : sockets) {
            if (!protocol.equals(socket.protocol()) || !shown(socket, options)) {
                continue;
            }
            text.append(String.format("%-4s  %6d %6d %-" + ADDRESS_WIDTH + "s %-" + ADDRESS_WIDTH + "s %-11s",
                    socket.protocol(), socket.receiveQueue(), socket.sendQueue(),
                    endpoint(socket.localAddress(), socket.localPort()), endpoint(socket.remoteAddress(), socket.remotePort()),
                    stateName(socket)));
            if (options.program()) {
                // net-tools prints "-" for a socket no process holds (an orphan, a TIME_WAIT).
                boolean held = socket.owner() != null && !socket.owner().isEmpty();
                text.append(String.format(" %-" + PROGRAM_WIDTH + "s", held ? "-/" + socket.owner() : "-"));
            }
            text.append('\n');
        }
    }

    /**
     * The state column as net-tools prints it (tcp_state[] in netstat.c): the RFC 9293 names
     * TCP reports, with Linux's spelling (SYN_RECV, FIN_WAIT1, FIN_WAIT2, CLOSE); a UDP
     * socket's as it comes (empty, or ESTABLISHED when connected).
     */
    static String stateName(SocketInfo socket) {
        String state = socket.state() == null ? "" : socket.state();
        if (!"tcp".equals(socket.protocol())) {
            return state;
        }
        return switch (state) {
            case "SYN_RECEIVED" -> "SYN_RECV";
            case "FIN_WAIT_1" -> "FIN_WAIT1";
            case "FIN_WAIT_2" -> "FIN_WAIT2";
            case "CLOSED", "" -> "CLOSE";
            default -> state;
        };
    }

    /** A server is a TCP socket in LISTEN, or a UDP socket with no peer (net-tools: remote address all zero). */
    static boolean isServer(SocketInfo socket) {
        return "udp".equals(socket.protocol()) ? socket.remoteAddress() == Ipv4Address.ANY : "LISTEN".equals(socket.state());
    }

    private static boolean shown(SocketInfo socket, Options options) {
        return options.all() || isServer(socket) == options.listening();
    }

    /** {@code ADDR:PORT}, the port {@code *} when 0, as net-tools prints with -n. */
    static String endpoint(int address, int port) {
        return Ipv4Address.format(address) + ":" + (port == 0 ? "*" : Integer.toString(port));
    }
}
