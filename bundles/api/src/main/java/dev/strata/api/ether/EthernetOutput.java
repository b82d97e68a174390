package dev.strata.api.ether;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.netif.NetworkInterface;

/** The Ethernet layer's sending side: frames a network-layer packet and transmits it. */
@ProviderType
public interface EthernetOutput {

    /** Ethernet II header length: destination, source, EtherType. */
    int HEADER_LENGTH = 14;
    /** The broadcast address ff:ff:ff:ff:ff:ff. */
    long BROADCAST = 0xffff_ffff_ffffL;

    /**
     * Prepends an Ethernet header (our MAC as source) to {@code packet} and transmits it on
     * the interface's link, taking ownership of the buffer.
     *
     * @return true if the link took the frame
     */
    boolean transmit(NetworkInterface networkInterface, PacketBuffer packet, long destinationMac, int etherType);
}
