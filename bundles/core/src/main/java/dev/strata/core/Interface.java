package dev.strata.core;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.netif.FrameTap;
import dev.strata.api.netif.NetworkInterface;

/**
 * One interface: its link, address and state. It is also its link's receiver: it stamps
 * each frame with itself and hands it to the link layer, so the layers above always know
 * the interface a packet came in on.
 */
final class Interface implements NetworkInterface, LinkReceiver {

    /** Wall-clock nanoseconds minus monotonic nanoseconds: capture timestamps without a clock read that allocates. */
    private static final long WALL_CLOCK_OFFSET = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

    private final int index;
    private final Link link;
    private final String providerType;
    private final InterfaceRegistry registry;
    private volatile int address;
    private volatile int prefixLength;
    private volatile boolean up;
    private volatile FrameTap tap;

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
        FrameTap current = tap;
        if (current != null) {
            tapSafely(current, frame, false);
        }
        input.receive(frame);
    }

    @Override
    public boolean transmit(PacketBuffer frame) {
        FrameTap current = tap;
        if (current != null) {
            tapSafely(current, frame, true);
        }
        return link.transmit(frame);
    }

    void tap(FrameTap newTap) {
        tap = newTap;
    }

    private void tapSafely(FrameTap current, PacketBuffer frame, boolean outbound) {
        try {
            current.frame(this, frame, outbound, System.nanoTime() + WALL_CLOCK_OFFSET);
        } catch (RuntimeException failure) {
            // A capture must never cost the frame: drop the tap's failure, keep the packet.
        }
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
