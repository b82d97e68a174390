package dev.strata.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.strata.api.ether.MacAddress;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourState;

/**
 * The neighbour cache as net-tools' {@code arp -n} prints it (arp.c {@code arp_disp}),
 * with two columns Linux's {@code ip neigh} has and net-tools lacks: the state and the age.
 */
final class ArpFormatter {

    static final String HEADER = "Address                  HWtype  HWaddress           Flags Mask            Iface      State       Age";

    private ArpFormatter() {
    }

    /** The header and one line per entry, sorted by address, each ending in a newline. */
    static String format(List<NeighbourEntry> entries) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (NeighbourEntry entry : sorted(entries)) {
            text.append(line(entry)).append('\n');
        }
        return text.toString();
    }

    /** {@code arp -a}: the BSD style net-tools also prints, {@code ? (198.18.0.1) at 7e:..:cc [ether] on strata0}. */
    static String formatBsd(List<NeighbourEntry> entries) {
        StringBuilder text = new StringBuilder();
        for (NeighbourEntry entry : sorted(entries)) {
            text.append("? (").append(Ipv4Address.format(entry.address())).append(") at ");
            if (resolved(entry)) {
                text.append(MacAddress.format(entry.macAddress())).append(" [ether]");
                if (entry.state() == NeighbourState.PERMANENT) {
                    text.append(" PERM");
                }
            } else {
                text.append("<incomplete>");
            }
            text.append(" on ").append(entry.interfaceName()).append('\n');
        }
        return text.toString();
    }

    /** One entry: {@code %-23s  %-8s%-20s%-6s%-15s %s} as net-tools, then {@code %-10s %-11s age}. */
    static String line(NeighbourEntry entry) {
        String hwType;
        String hwAddress;
        String flags;
        if (resolved(entry)) {
            hwType = "ether";
            hwAddress = MacAddress.format(entry.macAddress());
            // net-tools: C complete, M permanent (ATF_PERM).
            flags = entry.state() == NeighbourState.PERMANENT ? "CM" : "C";
        } else {
            hwType = "";
            hwAddress = "(incomplete)";
            flags = "";
        }
        return String.format("%-23s  %-8s%-20s%-6s%-15s %-10s %-11s %s", Ipv4Address.format(entry.address()), hwType, hwAddress,
                flags, "", entry.interfaceName(), entry.state(), age(entry.ageMillis()));
    }

    /** Whole seconds since the entry was confirmed, e.g. {@code 3s}. */
    static String age(long millis) {
        return Math.max(0, millis) / 1000 + "s";
    }

    private static boolean resolved(NeighbourEntry entry) {
        return entry.macAddress() >= 0 && entry.state() != NeighbourState.INCOMPLETE && entry.state() != NeighbourState.FAILED;
    }

    private static List<NeighbourEntry> sorted(List<NeighbourEntry> entries) {
        List<NeighbourEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(NeighbourEntry::interfaceName, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(entry -> Integer.toUnsignedLong(entry.address())));
        return sorted;
    }
}
