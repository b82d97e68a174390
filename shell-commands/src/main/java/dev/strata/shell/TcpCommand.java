package dev.strata.shell;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.tcp.TcpControl;

/**
 * {@code tcp cc [NAME [LOCAL:PORT REMOTE:PORT]]}: TCP's congestion control, the counterpart
 * of Linux's {@code net.ipv4.tcp_available_congestion_control} and
 * {@code net.ipv4.tcp_congestion_control} sysctls and of {@code ss -K}-style per-connection
 * control:
 * <ul>
 * <li>{@code tcp cc}: the algorithms installed, one per line, the default marked
 * {@code (default)};</li>
 * <li>{@code tcp cc NAME}: makes NAME the default for new connections;</li>
 * <li>{@code tcp cc NAME LOCAL:PORT REMOTE:PORT}: switches one open connection, keeping its
 * window.</li>
 * </ul>
 * Without TCP running, every form fails with "TCP is not running".
 */
@Descriptor("TCP congestion control: list, set the default, switch one connection")
@Component(service = TcpCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=tcp"})
public class TcpCommand {

    static final String USAGE = "Usage: tcp cc [NAME [LOCAL:PORT REMOTE:PORT]]";

    private static final Arguments ARGS = new Arguments("tcp", USAGE);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile TcpControl tcp;

    @Descriptor("tcp cc: list the algorithms; tcp cc NAME: set the default; tcp cc NAME LOCAL:PORT REMOTE:PORT: switch one connection")
    public void tcp(@Descriptor("cc [NAME [LOCAL:PORT REMOTE:PORT]]") String... arguments) {
        run(System.out, Arrays.asList(arguments));
    }

    /** Parses all of {@code words} first, then acts and prints to {@code out}. */
    void run(PrintStream out, List<String> words) {
        if (words.isEmpty() || !words.get(0).equals("cc")) {
            throw ARGS.error(words.isEmpty() ? "missing subcommand" : "unknown subcommand '" + words.get(0) + "'");
        }
        if (words.size() != 1 && words.size() != 2 && words.size() != 4) {
            throw ARGS.error("wrong number of arguments");
        }
        int[] local = words.size() == 4 ? endpoint(words.get(2)) : null;
        int[] remote = words.size() == 4 ? endpoint(words.get(3)) : null;
        TcpControl control = tcp;
        if (control == null) {
            throw ARGS.failed("TCP is not running");
        }
        if (words.size() == 1) {
            String chosen = control.defaultCongestionControl();
            for (String name : control.congestionControls()) {
                out.println(name.equals(chosen) ? name + " (default)" : name);
            }
        } else {
            String name = words.get(1);
            if (!control.congestionControls().contains(name)) {
                throw ARGS.failed("no congestion control algorithm '" + name + "' (installed: "
                        + String.join(", ", control.congestionControls()) + ")");
            }
            if (local == null) {
                try {
                    control.defaultCongestionControl(name);
                } catch (IllegalArgumentException e) {
                    throw ARGS.failed("no congestion control algorithm '" + name + "'");
                }
            } else if (!control.congestionControl(local[0], local[1], remote[0], remote[1], name)) {
                throw ARGS.failed("no connection " + words.get(2) + " " + words.get(3));
            }
        }
        out.flush();
    }

    /** {@code ADDR:PORT} to {address, port}. */
    private static int[] endpoint(String word) {
        int colon = word.lastIndexOf(':');
        if (colon <= 0) {
            throw ARGS.error("'" + word + "' is not ADDRESS:PORT");
        }
        int address;
        try {
            address = Ipv4Address.parse(word.substring(0, colon));
        } catch (IllegalArgumentException e) {
            throw ARGS.error("'" + word + "' is not ADDRESS:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(word.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw ARGS.error("'" + word + "': port must be 1 to 65535");
        }
        return new int[] {address, port};
    }
}
