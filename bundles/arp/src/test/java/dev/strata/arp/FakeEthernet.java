package dev.strata.arp;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ether.EthernetOutput;
import dev.strata.api.netif.NetworkInterface;

/**
 * An Ethernet layer that frames like the real one (destination, our MAC, type) without the
 * padding to 60 bytes, so frames compare with captures from veth (which does not pad),
 * records them and releases the buffer.
 */
final class FakeEthernet implements EthernetOutput {

    /** One transmitted frame. */
    record Frame(NetworkInterface networkInterface, long destination, int etherType, byte[] bytes, int payloadMarker) {
    }

    final List<Frame> frames = new ArrayList<>();
    boolean record = true;

    @Override
    public boolean transmit(NetworkInterface networkInterface, PacketBuffer packet, long destinationMac, int etherType) {
        if (!record) {
            packet.release();
            return true;
        }
        int marker = packet.length() > 0 ? packet.getU8(packet.start()) : -1;
        int at = packet.prepend(HEADER_LENGTH);
        packet.putU48(at, destinationMac);
        packet.putU48(at + 6, networkInterface.macAddress());
        packet.putU16(at + 12, etherType);
        frames.add(new Frame(networkInterface, destinationMac, etherType, packet.toByteArray(), marker));
        packet.release();
        return true;
    }

    Frame last() {
        return frames.get(frames.size() - 1);
    }
}
