package dev.strata.udp;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.netif.NetworkInterface;

/**
 * The interfaces that are up, as {@link dev.strata.api.netif.InterfaceListener} events tell
 * them (never asked of the registry): which addresses a socket may bind, and which
 * destinations are a subnet's broadcast. Copy-on-write, read without a lock.
 */
final class LocalAddresses {

    private static final NetworkInterface[] NONE = new NetworkInterface[0];

    private volatile NetworkInterface[] up = NONE;

    synchronized void interfaceUp(NetworkInterface networkInterface) {
        NetworkInterface[] old = up;
        for (NetworkInterface known : old) {
            if (known == networkInterface) {
                return; // a new address on a known interface: its getters give the current one
            }
        }
        NetworkInterface[] grown = new NetworkInterface[old.length + 1];
        System.arraycopy(old, 0, grown, 0, old.length);
        grown[old.length] = networkInterface;
        up = grown;
    }

    synchronized void interfaceDown(NetworkInterface networkInterface) {
        NetworkInterface[] old = up;
        int n = 0;
        NetworkInterface[] shrunk = new NetworkInterface[old.length];
        for (NetworkInterface known : old) {
            if (known != networkInterface) {
                shrunk[n++] = known;
            }
        }
        if (n != old.length) {
            NetworkInterface[] exact = new NetworkInterface[n];
            System.arraycopy(shrunk, 0, exact, 0, n);
            up = exact;
        }
    }

    /**
     * True when a socket may bind {@code address} (Linux's {@code inet_bind}: a local,
     * broadcast or multicast address): the wildcard, 127/8 (Linux's local table holds all of
     * it), the limited broadcast, a multicast group, or the address or subnet broadcast of an
     * interface that is up.
     */
    boolean bindable(int address) {
        if (address == Ipv4Address.ANY || Ipv4Address.isLoopback(address)
                || address == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(address)) {
            return true;
        }
        for (NetworkInterface nif : up) {
            if (!nif.isUp() || nif.ipv4Address() == 0) {
                continue;
            }
            if (nif.ipv4Address() == address || isSubnetBroadcast(nif, address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code destination} is not one host (RFC 1122 3.3.6, 4.1.3.4 wants such
     * datagrams for every socket on the port): the limited broadcast, a multicast group, or
     * the directed broadcast of the input interface's or any up interface's subnet.
     */
    boolean isBroadcastOrMulticast(int destination, NetworkInterface input) {
        if (destination == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(destination)) {
            return true;
        }
        if (input != null && isSubnetBroadcast(input, destination)) {
            return true;
        }
        for (NetworkInterface nif : up) {
            if (isSubnetBroadcast(nif, destination)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSubnetBroadcast(NetworkInterface nif, int address) {
        // RFC 3021: a /31 (or /32) has no broadcast address.
        return nif.ipv4Address() != 0 && nif.prefixLength() < 31 && address == nif.broadcastAddress();
    }
}
