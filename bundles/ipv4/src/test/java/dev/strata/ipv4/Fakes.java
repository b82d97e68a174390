package dev.strata.ipv4;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.icmp.IcmpErrors;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourService;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.testsupport.FakeInterface;
import dev.strata.testsupport.FakeLink;

/** Small hand-written fakes of the API seams IPv4 talks to. */
final class Fakes {

    private Fakes() {
    }

    /** An interface over its own {@link FakeLink} (MAC 02:00:00:00:00:02 unless loopback), up. */
    static FakeInterface iface(int index, String name, int address, int prefixLength, int mtu, boolean loopback) {
        return new FakeInterface(index, new FakeLink(name, loopback ? 0 : 0x02_00_00_00_00_02L, mtu, loopback), address,
                prefixLength);
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
