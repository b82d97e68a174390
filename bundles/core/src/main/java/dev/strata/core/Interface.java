package dev.strata.core;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.netif.NetworkInterface;

/**
 * One interface: its link, address and state. It is also its link's receiver: it stamps
 * each frame with itself and hands it to the link layer, so the layers above always know
 * the interface a packet came in on.
 */
final class Interface implements NetworkInterface, LinkReceiver {

    private final int index;
    private final Link link;
    private final String providerType;
    private final InterfaceRegistry registry;
    private volatile int address;
    private volatile int prefixLength;
    private volatile boolean up;

    Interface(int index, Link link, String providerType, InterfaceRegistry registry) {
        this.index = index;
        this.link = link;
        this.providerType = providerType;
        this.registry = registry;
    }

    @Override
    public void receive(PacketBuffer frame) {
        LinkReceiver input = registry.linkLayer();
        if (!up || input == null) {
            link.statistics().receiveDropped();
            frame.release();
            return;
        }
        frame.inputInterface(this);
        input.receive(frame);
    }

    void assign(int newAddress, int newPrefixLength) {
        address = newAddress;
        prefixLength = newPrefixLength;
    }

    void up(boolean isUp) {
        up = isUp;
    }

    String providerType() {
        return providerType;
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
        return prefixLength;
    }

    @Override
    public boolean isUp() {
        return up && link.isOpen();
    }

    @Override
    public String toString() {
        return "Interface[" + name() + "#" + index + "]";
    }
}
