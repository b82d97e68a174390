package dev.strata.shell;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.api.ipv4.RoutingTable;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourService;
import dev.strata.api.netif.NetworkInterface;

/** Small hand-written fakes of the API services the commands call, recording every change asked of them. */
final class Fakes {

    private Fakes() {
    }

    /** A PrintStream whose text the test reads back. */
    static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            stream.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        }

        List<String> lines() {
            return text().lines().toList();
        }
    }

    /** Records added and removed routes; add refuses interfaces other than strata0 and lo, as the real table refuses unknown ones. */
    static final class FakeRoutingTable implements RoutingTable {
        final List<Route> routes = new ArrayList<>();
        final List<Route> added = new ArrayList<>();
        final List<String> removed = new ArrayList<>();

        @Override
        public List<Route> routes() {
            return routes;
        }

        @Override
        public Route lookup(int destination) {
            return null;
        }

        @Override
        public void add(Route route) {
            if (route.interfaceName() != null && !route.interfaceName().equals("strata0") && !route.interfaceName().equals("lo")) {
                throw new IllegalArgumentException("no such interface: " + route.interfaceName());
            }
            added.add(route);
            routes.add(route);
        }

        @Override
        public boolean remove(int destination, int prefixLength, int gateway) {
            for (Route route : routes) {
                if (!route.connected() && route.destination() == destination && route.prefixLength() == prefixLength
                        && (gateway == Ipv4Address.ANY || route.gateway() == gateway)) {
                    routes.remove(route);
                    removed.add(Ipv4Address.format(destination) + "/" + prefixLength + " via " + Ipv4Address.format(gateway));
                    return true;
                }
            }
            return false;
        }
    }

    static final class FakeNeighbours implements NeighbourService {
        final List<NeighbourEntry> entries = new ArrayList<>();
        final List<Integer> removed = new ArrayList<>();

        @Override
        public void send(NetworkInterface networkInterface, int nextHop, PacketBuffer packet) {
            packet.release();
        }

        @Override
        public List<NeighbourEntry> entries() {
            return entries;
        }

        @Override
        public boolean remove(int address) {
            boolean found = entries.removeIf(entry -> entry.address() == address);
            if (found) {
                removed.add(address);
            }
            return found;
        }
    }

    /** TCP's control as the tcp and ss commands see it: algorithms, the default, connections, switches recorded. */
    static final class FakeTcpControl implements dev.strata.api.tcp.TcpControl {
        final List<String> algorithms = new ArrayList<>(List.of("cubic", "reno"));
        final List<dev.strata.api.tcp.TcpConnectionInfo> connections = new ArrayList<>();
        final List<String> switched = new ArrayList<>();
        String chosen = "cubic";

        @Override
        public List<String> congestionControls() {
            return List.copyOf(algorithms);
        }

        @Override
        public String defaultCongestionControl() {
            return chosen;
        }

        @Override
        public void defaultCongestionControl(String name) {
            if (!algorithms.contains(name)) {
                throw new IllegalArgumentException(name);
            }
            chosen = name;
        }

        @Override
        public List<dev.strata.api.tcp.TcpConnectionInfo> connections() {
            return List.copyOf(connections);
        }

        @Override
        public boolean congestionControl(int localAddress, int localPort, int remoteAddress, int remotePort, String name) {
            for (dev.strata.api.tcp.TcpConnectionInfo info : connections) {
                if (info.localAddress() == localAddress && info.localPort() == localPort && info.remoteAddress() == remoteAddress
                        && info.remotePort() == remotePort && algorithms.contains(name)) {
                    switched.add(dev.strata.api.ipv4.Ipv4Address.format(localAddress) + ":" + localPort + " "
                            + dev.strata.api.ipv4.Ipv4Address.format(remoteAddress) + ":" + remotePort + " " + name);
                    return true;
                }
            }
            return false;
        }
    }
}
