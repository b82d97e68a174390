package dev.strata.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.api.ipv4.RoutingTable;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkStatistics;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourService;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StreamSocket;

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

    static final class FakeLink implements Link {
        final String name;
        final long mac;
        final int mtu;
        final boolean loopback;
        final LinkStatistics statistics = new LinkStatistics();

        FakeLink(String name, long mac, int mtu, boolean loopback) {
            this.name = name;
            this.mac = mac;
            this.mtu = mtu;
            this.loopback = loopback;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long macAddress() {
            return mac;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public boolean isLoopback() {
            return loopback;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void setReceiver(LinkReceiver receiver) {
        }

        @Override
        public boolean transmit(PacketBuffer frame) {
            frame.release();
            return true;
        }

        @Override
        public LinkStatistics statistics() {
            return statistics;
        }

        @Override
        public void close() {
        }
    }

    static final class FakeInterface implements NetworkInterface {
        final int index;
        final FakeLink link;
        final int address;
        final int prefix;
        final boolean up;

        FakeInterface(int index, FakeLink link, String cidr, boolean up) {
            this.index = index;
            this.link = link;
            int[] parsed = cidr == null ? new int[] {0, 0} : Ipv4Address.parseCidr(cidr);
            this.address = parsed[0];
            this.prefix = parsed[1];
            this.up = up;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public String name() {
            return link.name();
        }

        @Override
        public Link link() {
            return link;
        }

        @Override
        public int ipv4Address() {
            return address;
        }

        @Override
        public int prefixLength() {
            return prefix;
        }

        @Override
        public boolean isUp() {
            return up;
        }
    }

    /** Records configure and down calls; configure fails with {@link #failure} when it is set. */
    static final class FakeInterfaceManager implements InterfaceManager {
        final List<NetworkInterface> interfaces = new ArrayList<>();
        final List<InterfaceConfig> configured = new ArrayList<>();
        final List<String> downed = new ArrayList<>();
        IOException failure;

        @Override
        public NetworkInterface configure(InterfaceConfig config) throws IOException {
            if (failure != null) {
                throw failure;
            }
            configured.add(config);
            return null;
        }

        @Override
        public boolean down(String name) {
            if (byName(name) == null) {
                return false;
            }
            downed.add(name);
            return true;
        }

        @Override
        public List<NetworkInterface> interfaces() {
            return interfaces;
        }

        @Override
        public NetworkInterface byName(String name) {
            for (NetworkInterface candidate : interfaces) {
                if (candidate.name().equals(name)) {
                    return candidate;
                }
            }
            return null;
        }

        @Override
        public NetworkInterface byAddress(int address) {
            return null;
        }

        @Override
        public boolean setTap(String name, dev.strata.api.netif.FrameTap tap) {
            return false;
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

    /** A socket layer that only lists sockets, for netstat and ss. */
    static final class FakeSocketService implements SocketService {
        final List<SocketInfo> sockets = new ArrayList<>();

        @Override
        public DatagramSocket openDatagram() {
            throw new UnsupportedOperationException();
        }

        @Override
        public StreamSocket openStream() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ListeningSocket openListening() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SocketSelector openSelector() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<SocketInfo> sockets() {
            return List.copyOf(sockets);
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
