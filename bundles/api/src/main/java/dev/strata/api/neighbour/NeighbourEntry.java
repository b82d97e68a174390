package dev.strata.api.neighbour;

/**
 * One row of the neighbour cache, as {@code arp} shows it.
 *
 * @param address the IPv4 address
 * @param macAddress its hardware address, or -1 while unresolved
 * @param interfaceName the interface it was learnt on
 * @param state the entry's state
 * @param ageMillis milliseconds since the entry was last confirmed (or created)
 */
public record NeighbourEntry(int address, long macAddress, String interfaceName, NeighbourState state, long ageMillis) {
}
