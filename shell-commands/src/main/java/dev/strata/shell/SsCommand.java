package dev.strata.shell;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketService;

/**
 * {@code ss -s}: the socket summary in iproute2's layout: the total, TCP by state, and the
 * table of sockets per transport. The stack has IPv4 only, no raw sockets and no socket of
 * other families, so {@code Total} counts its TCP and UDP sockets, the IPv6, RAW and FRAG
 * columns read 0, and no TCP socket is ever orphaned. For the socket list, use
 * {@code netstat}.
 */
@Descriptor("summarise the stack's sockets (iproute2 ss -s)")
@Component(service = SsCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=ss"})
public class SsCommand {

    static final String USAGE = "Usage: ss -s";

    private static final Arguments ARGS = new Arguments("ss", USAGE);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SocketService sockets;

    @Descriptor("print the summary: Total, TCP by state, and sockets per transport")
    public void ss(
            @Descriptor("summary (the only view here; netstat lists the sockets)")
            @Parameter(names = {"-s", "--summary"}, presentValue = "true", absentValue = "false") boolean summary,
            @Descriptor("nothing else is expected") String... arguments) {
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

    /** Parses all of {@code words} first, then prints the summary to {@code out}. */
    void run(PrintStream out, List<String> words) {
        boolean summary = false;
        for (String word : words) {
            if (word.equals("-s") || word.equals("--summary")) {
                summary = true;
            } else if (word.startsWith("-")) {
                throw ARGS.error("option " + word + " is not supported here: only the summary -s (netstat lists the sockets)");
            } else {
                throw ARGS.error("unexpected argument '" + word + "'");
            }
        }
        if (!summary) {
            throw ARGS.error("only the summary is supported here (netstat lists the sockets)");
        }
        SocketService service = sockets;
        if (service == null) {
            throw ARGS.failed("the socket layer is not running");
        }
        out.print(format(service.sockets()));
        out.flush();
    }

    /** The summary as iproute2 prints it (misc/ss.c, print_summary), the blank line at the end included. */
    static String format(List<SocketInfo> sockets) {
        int udp = 0;
        int tcp = 0;
        int established = 0;
        int closed = 0;
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
            }
        }
        // As ss: the TCP row counts the hashed sockets, i.e. all but the closed ones.
        int tcpHashed = tcp - closed;
        StringBuilder text = new StringBuilder();
        text.append("Total: ").append(udp + tcp).append('\n');
        text.append("TCP:   ").append(tcp).append(" (estab ").append(established).append(", closed ").append(closed)
                .append(", orphaned 0, timewait ").append(timeWait).append(")\n");
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
}
