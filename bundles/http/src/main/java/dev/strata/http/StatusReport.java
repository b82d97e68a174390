package dev.strata.http;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;

import dev.strata.api.ether.MacAddress;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.api.link.LinkStatistics;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.socket.SocketInfo;

/**
 * What the status page shows, copied out of the services at one moment so that rendering needs no
 * service at all (and tests need no fakes of them). A null section means its service is not
 * running; an empty one means it runs and has nothing to show.
 *
 * @param interfaces the interfaces, or null without an InterfaceManager
 * @param routes the routing table, or null without a RoutingTable
 * @param sockets the open sockets, or null without a SocketService
 * @param bundles the bundles of the framework
 * @param version the HTTP bundle's version (Strata's), or null when unknown
 * @param uptimeSeconds how long the JVM has run, or -1 when unknown
 */
record StatusReport(List<InterfaceRow> interfaces, List<RouteRow> routes, List<SocketRow> sockets,
        List<BundleRow> bundles, String version, long uptimeSeconds) {

    StatusReport(List<InterfaceRow> interfaces, List<RouteRow> routes, List<SocketRow> sockets, List<BundleRow> bundles) {
        this(interfaces, routes, sockets, bundles, null, -1);
    }

    /** {@code seconds} as {@code uptime} says it: "2 days, 3:04", "3:04" (hours:minutes), "42 s". */
    static String uptime(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        long days = seconds / 86_400;
        String clock = String.format(java.util.Locale.ROOT, "%d:%02d", seconds / 3600 % 24, seconds / 60 % 60);
        return days == 0 ? clock : days + (days == 1 ? " day, " : " days, ") + clock;
    }

    /** One interface, as {@code ifconfig} shows it. */
    record InterfaceRow(String name, String mac, String address, int prefixLength, int mtu, boolean up,
            long rxPackets, long rxBytes, long rxErrors, long rxDropped,
            long txPackets, long txBytes, long txErrors, long txDropped) {

        static InterfaceRow of(NetworkInterface nif) {
            LinkStatistics s = nif.statistics();
            return new InterfaceRow(nif.name(), MacAddress.format(nif.macAddress()),
                    Ipv4Address.format(nif.ipv4Address()), nif.prefixLength(), nif.mtu(), nif.isUp(),
                    s.rxPackets(), s.rxBytes(), s.rxErrors(), s.rxDropped(),
                    s.txPackets(), s.txBytes(), s.txErrors(), s.txDropped());
        }
    }

    /** One route, as {@code route} shows it. */
    record RouteRow(String destination, int prefixLength, String gateway, String flags, int metric,
            String interfaceName) {

        static RouteRow of(Route route) {
            return new RouteRow(Ipv4Address.format(route.destination()), route.prefixLength(),
                    Ipv4Address.format(route.gateway()), route.flags(), route.metric(), route.interfaceName());
        }
    }

    /** One socket, as {@code netstat} shows it. */
    record SocketRow(String protocol, String local, String remote, String state, int receiveQueue, int sendQueue,
            String owner) {

        static SocketRow of(SocketInfo info) {
            return new SocketRow(info.protocol(), endpoint(info.localAddress(), info.localPort()),
                    endpoint(info.remoteAddress(), info.remotePort()), info.state(), info.receiveQueue(),
                    info.sendQueue(), info.owner());
        }

        private static String endpoint(int address, int port) {
            return Ipv4Address.format(address) + ":" + (port == 0 ? "*" : Integer.toString(port));
        }
    }

    /** One bundle, as {@code lb} shows it. */
    record BundleRow(long id, String symbolicName, String version, String state) {

        static BundleRow of(Bundle bundle) {
            return new BundleRow(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()),
                    bundle.getVersion().toString(), stateName(bundle.getState()));
        }

        static String stateName(int state) {
            return switch (state) {
                case Bundle.UNINSTALLED -> "UNINSTALLED";
                case Bundle.INSTALLED -> "INSTALLED";
                case Bundle.RESOLVED -> "RESOLVED";
                case Bundle.STARTING -> "STARTING";
                case Bundle.STOPPING -> "STOPPING";
                case Bundle.ACTIVE -> "ACTIVE";
                default -> "UNKNOWN(" + state + ")";
            };
        }
    }

    /** Copies {@code items} through {@code row}, or null when the service is absent ({@code items} null). */
    static <T, R> List<R> rows(List<T> items, java.util.function.Function<T, R> row) {
        if (items == null) {
            return null;
        }
        List<R> rows = new ArrayList<>(items.size());
        for (T item : items) {
            rows.add(row.apply(item));
        }
        return rows;
    }
}
