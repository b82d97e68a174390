package dev.strata.shell;

import java.util.List;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;

/** The routing table as net-tools' {@code route -n} prints it (lib/inet_gr.c), Linux's title included for scripts. */
final class RouteFormatter {

    static final String TITLE = "Kernel IP routing table";
    static final String HEADER = "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface";

    private RouteFormatter() {
    }

    /** The title, the column header and one line per route, each ending in a newline. */
    static String format(List<Route> routes) {
        StringBuilder text = new StringBuilder(TITLE).append('\n').append(HEADER).append('\n');
        for (Route route : routes) {
            text.append(line(route)).append('\n');
        }
        return text.toString();
    }

    /** One route; Ref and Use are always 0 (Linux stopped counting them long ago too). */
    static String line(Route route) {
        return String.format("%-15s %-15s %-15s %-5s %-6d %-3d %6d %s", Ipv4Address.format(route.destination()),
                Ipv4Address.format(route.gateway()), Ipv4Address.format(route.netmask()), route.flags(), route.metric(), 0, 0,
                route.interfaceName());
    }
}
