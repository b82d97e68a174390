package dev.strata.ipv4;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkStatistics;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourService;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.netif.NetworkInterface;

/** Small hand-written fakes of the API seams IPv4 talks to. */
final class Fakes {

    private Fakes() {
    }

    static final class FakeLink implements Link {
        final String name;
        final int mtu;
        final boolean loopback;
        final LinkStatistics statistics = new LinkStatistics();

        FakeLink(String name, int mtu, boolean loopback) {
            this.name = name;
            this.mtu = mtu;
            this.loopback = loopback;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long macAddress() {
            return loopback ? 0 : 0x02_00_00_00_00_02L;
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
        volatile int address;
        volatile int prefixLength;
        volatile boolean up = true;

        FakeInterface(int index, String name, int address, int prefixLength, int mtu, boolean loopback) {
            this.index = index;
            this.link = new FakeLink(name, mtu, loopback);
            this.address = address;
            this.prefixLength = prefixLength;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public String name() {
            return link.name;
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
            return prefixLength;
        }

        @Override
        public boolean isUp() {
            return up;
        }
    }

    static final class FakeInterfaceManager implements InterfaceManager {
        final List<NetworkInterface> interfaces = new ArrayList<>();

        @Override
        public NetworkInterface configure(InterfaceConfig config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean down(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<NetworkInterface> interfaces() {
            return List.copyOf(interfaces);
        }

        @Override
        public NetworkInterface byName(String name) {
            for (int i = 0; i < interfaces.size(); i++) {
                if (interfaces.get(i).name().equals(name)) {
                    return interfaces.get(i);
                }
            }
            return null;
        }

        @Override
        public NetworkInterface byAddress(int address) {
            for (NetworkInterface nif : interfaces) {
                if (nif.isUp() && nif.ipv4Address() == address) {
                    return nif;
                }
            }
            return null;
        }

        @Override
        public boolean setTap(String name, dev.strata.api.netif.FrameTap tap) {
            return false;
        }
    }

    /** One packet handed to the neighbour service. */
    record Sent(NetworkInterface networkInterface, int nextHop, byte[] bytes, int networkOffsetFromStart) {
    }

    /** Records what IPv4 sends (copies the bytes) and releases each buffer. */
    static final class RecordingNeighbours implements NeighbourService {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public void send(NetworkInterface networkInterface, int nextHop, PacketBuffer packet) {
            sent.add(new Sent(networkInterface, nextHop, packet.toByteArray(), packet.networkOffset() - packet.start()));
            packet.release();
        }

        @Override
        public List<NeighbourEntry> entries() {
            return List.of();
        }

        @Override
        public boolean remove(int address) {
            return false;
        }
    }

    /** One datagram delivered to a protocol handler. */
    record Delivered(byte[] payload, byte[] datagram, int transportMinusStart, NetworkInterface input) {
    }

    /** Records each datagram delivered (region and whole datagram from networkOffset) and releases it. */
    static final class RecordingHandler implements IpProtocolHandler {
        final List<Delivered> delivered = new ArrayList<>();
        boolean record = true;
        long count;

        @Override
        public void receive(PacketBuffer packet) {
            count++;
            if (record) {
                byte[] datagram = new byte[packet.end() - packet.networkOffset()];
                packet.getBytes(packet.networkOffset(), datagram, 0, datagram.length);
                delivered.add(new Delivered(packet.toByteArray(), datagram, packet.transportOffset() - packet.start(),
                        packet.inputInterface()));
            }
            packet.release();
        }
    }

    /** One ICMP error IPv4 asked for; {@code quoted} is the offending datagram from its networkOffset. */
    record IcmpCall(String kind, int code, byte[] quoted) {
    }

    /** Records the errors asked for; never keeps or releases the offending buffer. */
    static final class RecordingIcmpErrors implements IcmpErrors {
        final List<IcmpCall> calls = new ArrayList<>();

        @Override
        public void destinationUnreachable(PacketBuffer offending, int code, int nextHopMtu) {
            calls.add(new IcmpCall("unreachable", code, quoted(offending)));
        }

        @Override
        public void timeExceeded(PacketBuffer offending, int code) {
            calls.add(new IcmpCall("timeExceeded", code, quoted(offending)));
        }

        private static byte[] quoted(PacketBuffer b) {
            byte[] bytes = new byte[b.end() - b.networkOffset()];
            b.getBytes(b.networkOffset(), bytes, 0, bytes.length);
            return bytes;
        }
    }
}
