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

import dev.strata.api.icmp.EchoService;

/**
 * {@code ping}: ICMP echo through the stack, printed as iputils prints it. Fails (so
 * {@code bin/client} exits non-zero) when no reply came back.
 */
@Descriptor("send ICMP echo requests through the stack and print the replies (iputils ping)")
@Component(service = PingCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=ping"})
public class PingCommand {

    /** iputils times a reply only when the data holds its timestamp (a struct timeval, 8 bytes here). */
    static final int TIMESTAMP_BYTES = 8;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile EchoService echo;

    @Descriptor("ping a host: one line per reply, then the summary; fails when nothing came back")
    public void ping(
            @Descriptor("stop after sending count requests (default 4: iputils' endless default would never end in a headless shell)")
            @Parameter(names = {"-c"}, absentValue = PingOptions.DEFAULT_COUNT) String count,
            @Descriptor("seconds between requests (default 1, at least 0.002)")
            @Parameter(names = {"-i"}, absentValue = PingOptions.DEFAULT_INTERVAL) String interval,
            @Descriptor("data bytes per request (default 56, i.e. 64 ICMP bytes, 84 with the IP header; above the MTU it is fragmented)")
            @Parameter(names = {"-s"}, absentValue = PingOptions.DEFAULT_SIZE) String packetsize,
            @Descriptor("IP time to live of the requests (default 64)")
            @Parameter(names = {"-t"}, absentValue = PingOptions.DEFAULT_TTL) String ttl,
            @Descriptor("seconds to wait for replies after the last request (default 1)")
            @Parameter(names = {"-W"}, absentValue = PingOptions.DEFAULT_LINGER) String timeout,
            @Descriptor("quiet: print only the first line and the summary")
            @Parameter(names = {"-q"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("numeric output (always the case: names are not resolved)")
            @Parameter(names = {"-n"}, presentValue = "true", absentValue = "false") boolean numeric,
            @Descriptor("the destination, a dotted-quad IPv4 address") String destination) {
        run(System.out, PingOptions.of(count, packetsize, interval, timeout, ttl, quiet, List.of(destination)));
    }

    /**
     * Gogo calls this when its option matching cannot take the command line (an unknown
     * option, a missing value, {@code -c3}, a second destination), so that the user gets
     * ping's own one-line error instead of Gogo's "Cannot coerce"; {@code argv[0]} is the
     * command name.
     */
    public void _main(String... argv) {
        List<String> words = Arrays.asList(argv);
        run(System.out, PingOptions.parse(words.isEmpty() ? words : words.subList(1, words.size())));
    }

    /** Pings as the options say, printing to {@code out}. */
    PingStatistics run(PrintStream out, PingOptions options) {
        EchoService service = echo;
        if (service == null) {
            throw CommandException.failed("ping: ICMP is not running");
        }
        return new Pinger(service, options, out, System::nanoTime).run();
    }
}
