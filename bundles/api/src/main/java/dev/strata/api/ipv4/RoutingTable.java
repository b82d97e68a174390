package dev.strata.api.ipv4;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The IPv4 routing table: connected routes appear and go with interface addresses; static
 * routes and the default gateway are added by {@code route add} or from {@code etc/}.
 */
@ProviderType
public interface RoutingTable {

    /** Every route, most specific first. */
    List<Route> routes();

    /** The route for {@code destination}: longest prefix, then lowest metric; null if none. */
    Route lookup(int destination);

    /**
     * Adds a static route.
     *
     * @throws IllegalArgumentException if its interface does not exist, or if the gateway is
     *     not on a connected network and no interface is named
     */
    void add(Route route);

    /**
     * Removes the static route to {@code destination/prefixLength} (through {@code gateway}
     * unless it is {@link Ipv4Address#ANY}).
     *
     * @return false if there was none
     */
    boolean remove(int destination, int prefixLength, int gateway);
}
