package dev.strata.ipv4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.api.ipv4.RoutingTable;
import dev.strata.api.netif.InterfaceListener;
import dev.strata.api.netif.NetworkInterface;

/**
 * The IPv4 routing table (RFC 1122 3.3.1): connected routes come and go with interface
 * addresses (it listens to interfaces for that), static routes and the default gateway are
 * added and removed by {@code route} or from {@code etc/}.
 *
 * <p>Lookups run on the send path of every packet, so they read a copy-on-write array of the
 * usable routes, kept sorted by prefix length (longest first) then metric (lowest first):
 * the first match is the answer, found without a lock or an allocation. A static route
 * through an interface that is down stays in the table but is skipped until it comes up.
 */
@Component(service = {RoutingTable.class, InterfaceListener.class})
public final class Ipv4RoutingTable implements RoutingTable, InterfaceListener {

    /** Longest prefix first, then lowest metric; connected routes before static ones on a tie. */
    private static final Comparator<Route> ORDER = Comparator.comparingInt((Route r) -> -r.prefixLength())
            .thenComparingInt(Route::metric)
            .thenComparing(r -> !r.connected());

    /** Guarded by this: the connected route of each interface that is up, by interface name. */
    private final Map<String, Route> connected = new HashMap<>();
    /** Guarded by this: static routes, usable or not. */
    private final List<Route> statics = new ArrayList<>();
    /** Guarded by this: names of the interfaces that are up. */
    private final Set<String> up = new HashSet<>();

    /** The usable routes in lookup order; replaced, never changed in place. */
    private volatile Route[] active = new Route[0];

    /**
     * Interfaces come only from {@link InterfaceListener} events: the registry replays every
     * interface already up to a listener that arrives late, so a restarted table rebuilds its
     * connected routes, and the table needs no reference back to the registry (which would be
     * a service cycle: the registry binds its listeners).
     */
    @Activate
    public Ipv4RoutingTable() {
    }

    @Override
    public Route lookup(int destination) {
        Route[] routes = active;
        for (int i = 0; i < routes.length; i++) {
            Route route = routes[i];
            if (((destination ^ route.destination()) & route.netmask()) == 0) {
                return route;
            }
        }
        return null;
    }

    @Override
    public synchronized List<Route> routes() {
        List<Route> all = new ArrayList<>(connected.values());
        all.addAll(statics);
        all.sort(ORDER);
        return List.copyOf(all);
    }

    @Override
    public void add(Route route) {
        String name = route.interfaceName();
        synchronized (this) {
            if (name == null || name.isEmpty()) {
                // route(8): without "dev", the gateway must be on a connected network.
                if (route.gateway() == Ipv4Address.ANY) {
                    throw new IllegalArgumentException("a route needs a gateway or an interface");
                }
                Route via = connectedRouteTo(route.gateway());
                if (via == null) {
                    throw new IllegalArgumentException("gateway " + Ipv4Address.format(route.gateway()) + " is not on a connected network");
                }
                name = via.interfaceName();
            } else if (!up.contains(name)) {
                throw new IllegalArgumentException("no such interface: " + name);
            }
            for (Route existing : statics) {
                if (existing.destination() == route.destination() && existing.prefixLength() == route.prefixLength()
                        && existing.metric() == route.metric()) {
                    throw new IllegalArgumentException("route exists: " + Ipv4Address.format(route.destination()) + "/" + route.prefixLength());
                }
            }
            statics.add(new Route(route.destination(), route.prefixLength(), route.gateway(), name, route.metric(), false));
            rebuild();
        }
    }

    @Override
    public synchronized boolean remove(int destination, int prefixLength, int gateway) {
        int network = destination & Ipv4Address.netmask(prefixLength);
        for (int i = 0; i < statics.size(); i++) {
            Route r = statics.get(i);
            if (r.destination() == network && r.prefixLength() == prefixLength
                    && (gateway == Ipv4Address.ANY || r.gateway() == gateway)) {
                statics.remove(i);
                rebuild();
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void interfaceUp(NetworkInterface nif) {
        String name = nif.name();
        up.add(name);
        connected.remove(name);
        int address = nif.ipv4Address();
        if (address != Ipv4Address.ANY) {
            // The network of the address, reached directly through the interface (metric 0, as Linux's "proto kernel").
            connected.put(name, new Route(address, nif.prefixLength(), Ipv4Address.ANY, name, 0, true));
        }
        rebuild();
    }

    @Override
    public synchronized void interfaceDown(NetworkInterface nif) {
        String name = nif.name();
        up.remove(name);
        connected.remove(name);
        rebuild();
    }

    private Route connectedRouteTo(int address) {
        Route best = null;
        for (Route r : connected.values()) {
            if (r.matches(address) && (best == null || r.prefixLength() > best.prefixLength())) {
                best = r;
            }
        }
        return best;
    }

    /** Publishes a new lookup array; called with the lock held. */
    private void rebuild() {
        List<Route> usable = new ArrayList<>(connected.values());
        for (Route r : statics) {
            if (up.contains(r.interfaceName())) {
                usable.add(r);
            }
        }
        Route[] sorted = usable.toArray(new Route[0]);
        Arrays.sort(sorted, ORDER);
        active = sorted;
    }
}
