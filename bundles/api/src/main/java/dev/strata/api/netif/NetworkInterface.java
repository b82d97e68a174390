package dev.strata.api.netif;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkStatistics;

/**
 * An interface of the stack: a {@link Link} with an IPv4 address and an administrative
 * state, as {@code ifconfig} shows it. Values may change while it is held (an address
 * reassigned, the interface taken down); each getter returns the current one.
 */
@ProviderType
public interface NetworkInterface {

    /** A small positive number, unique among the interfaces that exist now (Linux's ifindex). */
    int index();

    String name();

    /** The link under this interface. */
    Link link();

    /** The IPv4 address, or 0 if none is assigned. */
    int ipv4Address();

    /** The prefix length of the address, 0 to 32. */
    int prefixLength();

    /** The netmask of the address ({@code 255.255.255.0} for /24) as an int. */
    default int netmask() {
        int prefix = prefixLength();
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** The directed broadcast address of the subnet. */
    default int broadcastAddress() {
        return ipv4Address() | ~netmask();
    }

    /** True when {@code address} is on this interface's subnet. */
    default boolean onLink(int address) {
        return ipv4Address() != 0 && ((address ^ ipv4Address()) & netmask()) == 0;
    }

    default long macAddress() {
        return link().macAddress();
    }

    default int mtu() {
        return link().mtu();
    }

    default boolean isLoopback() {
        return link().isLoopback();
    }

    /** True while the interface is administratively up and its link open. */
    boolean isUp();

    /**
     * Sends a whole frame on this interface's link, taking ownership of the buffer. Layers
     * send through the interface rather than the link so that a {@link FrameTap} sees the
     * frame.
     */
    default boolean transmit(PacketBuffer frame) {
        return link().transmit(frame);
    }

    default LinkStatistics statistics() {
        return link().statistics();
    }
}
