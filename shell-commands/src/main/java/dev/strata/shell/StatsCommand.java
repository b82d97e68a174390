package dev.strata.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.strata.api.stats.StatisticsProvider;

/** {@code stats}: every layer's counters (each a {@link StatisticsProvider} service), as {@code netstat -s}. */
@Descriptor("show the protocol counters of every running layer (netstat -s)")
@Component(service = StatsCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=stats"})
public class StatsCommand {

    static final String USAGE = "Usage: stats [PROTOCOL...]";

    private static final Arguments ARGS = new Arguments("stats", USAGE);

    private final List<StatisticsProvider> providers = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(StatisticsProvider provider) {
        providers.add(provider);
    }

    void removeProvider(StatisticsProvider provider) {
        providers.remove(provider);
    }

    @Descriptor("show the counters: Ethernet, Arp, Ip, Icmp, then the other protocols alphabetically")
    public void stats(@Descriptor("only these sections, e.g. ip icmp (case does not matter)") String... protocols) {
        run(System.out, Arrays.asList(protocols));
    }

    /** Prints every section, or only those named in {@code protocols}; an unknown name fails before anything is printed. */
    void run(PrintStream out, List<String> protocols) {
        List<StatisticsProvider> chosen = new ArrayList<>();
        for (String word : protocols) {
            if (word.startsWith("-")) {
                throw ARGS.error("invalid option -- '" + word.substring(1) + "'");
            }
        }
        for (StatisticsProvider provider : providers) {
            if (protocols.isEmpty() || protocols.stream().anyMatch(word -> word.equalsIgnoreCase(provider.protocol()))) {
                chosen.add(provider);
            }
        }
        for (String word : protocols) {
            if (chosen.stream().noneMatch(provider -> word.equalsIgnoreCase(provider.protocol()))) {
                throw CommandException.failed("stats: no counters for '" + word + "' (is its layer running?)");
            }
        }
        out.print(StatsFormatter.format(chosen));
        out.flush();
    }
}
