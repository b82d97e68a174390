package dev.strata.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.strata.api.stats.StatisticsProvider;

/** Counters as {@code netstat -s} prints them: a section per protocol, one indented {@code Name: value} line per counter. */
final class StatsFormatter {

    /** Up the stack, as a packet travels: these first, the rest alphabetically. */
    static final List<String> ORDER = List.of("Ethernet", "Arp", "Ip", "Icmp");

    private StatsFormatter() {
    }

    static String format(List<StatisticsProvider> providers) {
        StringBuilder text = new StringBuilder();
        for (StatisticsProvider provider : sorted(providers)) {
            text.append(provider.protocol()).append(":\n");
            for (Map.Entry<String, Long> counter : provider.counters().entrySet()) {
                text.append("    ").append(counter.getKey()).append(": ").append(counter.getValue()).append('\n');
            }
        }
        return text.toString();
    }

    static List<StatisticsProvider> sorted(List<StatisticsProvider> providers) {
        List<StatisticsProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparingInt((StatisticsProvider provider) -> rank(provider.protocol()))
                .thenComparing(StatisticsProvider::protocol, String.CASE_INSENSITIVE_ORDER));
        return sorted;
    }

    private static int rank(String protocol) {
        for (int i = 0; i < ORDER.size(); i++) {
            if (ORDER.get(i).equalsIgnoreCase(protocol)) {
                return i;
            }
        }
        return ORDER.size();
    }
}
