package dev.strata.api.neighbour;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.netif.NetworkInterface;

/**
 * Neighbour resolution: IPv4 hands each outgoing packet here with its next hop, and the
 * service finds the hardware address (ARP, RFC 826), queueing a few packets per address
 * while it asks.
 */
@ProviderType
public interface NeighbourService {

    /**
     * Sends the IPv4 packet in {@code packet}'s region to {@code nextHop} on the interface,
     * taking ownership: at once if the address is known, later if a request must go out first
     * (a bounded queue per address; the oldest is dropped when it is full), or not at all if
     * resolution fails (the packet is counted and released).
     */
    void send(NetworkInterface networkInterface, int nextHop, PacketBuffer packet);

    /** The cache, in no particular order. */
    List<NeighbourEntry> entries();

    /**
     * Removes the entry for {@code address}.
     *
     * @return false if there was none
     */
    boolean remove(int address);
}
