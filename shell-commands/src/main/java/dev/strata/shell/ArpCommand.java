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
import dev.strata.api.neighbour.NeighbourService;

/** {@code arp}: the neighbour cache with state and age, and {@code arp -d ADDR} to forget an entry. */
@Descriptor("show the stack's neighbour (ARP) cache, or delete an entry (net-tools arp)")
@Component(service = ArpCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=arp"})
public class ArpCommand {

    static final String USAGE = "Usage: arp [-n] [-a] | arp -d ADDR";

    private static final Arguments ARGS = new Arguments("arp", USAGE);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile NeighbourService neighbours;

    @Descriptor("show the cache (Address, HWtype, HWaddress, Flags, Mask, Iface, State, Age), or delete one entry")
    public void arp(
            @Descriptor("numeric output (always the case: names are not resolved)")
            @Parameter(names = {"-n"}, presentValue = "true", absentValue = "false") boolean numeric,
            @Descriptor("BSD style output: ? (ADDR) at MAC [ether] on IF")
            @Parameter(names = {"-a"}, presentValue = "true", absentValue = "false") boolean bsd,
            @Descriptor("delete the entry of this address")
            @Parameter(names = {"-d"}, absentValue = "") String delete,
            @Descriptor("nothing else is expected") String... arguments) {
        List<String> words = new ArrayList<>();
        if (bsd) {
            words.add("-a");
        }
        if (!delete.isEmpty()) {
            words.add("-d");
            words.add(delete);
        }
        words.addAll(Arrays.asList(arguments));
        run(System.out, words);
    }

    /** Gogo calls this when its option matching cannot take the line ({@code arp -d} without an address); argv[0] is "arp". */
    public void _main(String... argv) {
        List<String> words = Arrays.asList(argv);
        run(System.out, words.isEmpty() ? words : words.subList(1, words.size()));
    }

    /** Parses all of {@code words} first, then shows or deletes; output to {@code out}. */
    void run(PrintStream out, List<String> words) {
        boolean bsd = false;
        String delete = null;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            switch (word) {
                case "-n":
                    break;
                case "-a":
                    bsd = true;
                    break;
                case "-d":
                    if (delete != null) {
                        throw ARGS.error("-d given twice");
                    }
                    if (i + 1 >= words.size()) {
                        throw ARGS.error("option requires an argument -- 'd'");
                    }
                    delete = words.get(++i);
                    break;
                default:
                    if (word.startsWith("-")) {
                        throw ARGS.error("invalid option -- '" + word.substring(1) + "'");
                    }
                    throw ARGS.error("unexpected argument '" + word + "'");
            }
        }
        int address = delete == null ? 0 : ARGS.address(delete, "address");
        if (delete != null && bsd) {
            throw ARGS.error("-a and -d cannot be combined");
        }
        NeighbourService service = neighbours;
        if (service == null) {
            throw CommandException.failed("arp: ARP is not running");
        }
        if (delete != null) {
            if (!service.remove(address)) {
                throw CommandException.failed("arp: " + Ipv4Address.format(address) + ": no entry");
            }
            return;
        }
        out.print(bsd ? ArpFormatter.formatBsd(service.entries()) : ArpFormatter.format(service.entries()));
        out.flush();
    }
}
