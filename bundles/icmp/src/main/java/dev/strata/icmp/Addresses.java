package dev.strata.icmp;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.netif.NetworkInterface;

/** Address classes ICMP's rules depend on (RFC 1122 3.2.1.3, 3.2.2). */
final class Addresses {

    private Addresses() {
    }

    /**
     * True when {@code destination} is not one host: the limited broadcast, {0, 0} (the old
     * BSD broadcast), a multicast group, or the directed broadcast of the subnet of the
     * interface the datagram came in on.
     */
    static boolean isBroadcastOrMulticast(int destination, NetworkInterface input) {
        return destination == Ipv4Address.BROADCAST
                || destination == Ipv4Address.ANY
                || Ipv4Address.isMulticast(destination)
                || isDirectedBroadcast(destination, input);
    }

    /**
     * True when {@code source} may be a host's address (RFC 1122 3.2.1.3): not {0, 0}, not a
     * broadcast, not multicast, not class E, and not the directed broadcast of the input
     * interface's subnet.
     */
    static boolean isUnicastSource(int source, NetworkInterface input) {
        return source != Ipv4Address.ANY
                && source != Ipv4Address.BROADCAST
                && !Ipv4Address.isMulticast(source)
                && (source >>> 28) != 0xf
                && !isDirectedBroadcast(source, input);
    }

    private static boolean isDirectedBroadcast(int address, NetworkInterface input) {
        // RFC 3021: a /31 (or /32) has no broadcast address.
        return input != null && input.ipv4Address() != 0 && input.prefixLength() < 31
                && address == input.broadcastAddress();
    }
}
