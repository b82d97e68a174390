package dev.strata.ipv4;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.api.ipv4.RoutingTable;
import dev.strata.api.netif.InterfaceListener;
import dev.strata.api.netif.NetworkInterface;

/**
 * One static route per {@code dev.strata.route} factory configuration: added when the
 * configuration appears, removed when it goes. A route that cannot be added yet (its
 * interface is not configured, or its gateway not on a connected network) is retried each
 * time an interface comes up, since {@code etc/} files are read in no particular order.
 */
@Component(configurationPid = RouteConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = InterfaceListener.class)
@Designate(ocd = RouteConfig.class, factory = true)
public final class RouteConfiguration implements InterfaceListener {

    /** The factory PID of route configurations. */
    public static final String PID = "dev.strata.route";

    private final RoutingTable table;
    private final Route route;
    private boolean added;
    private volatile String problem;

    @Activate
    public RouteConfiguration(@Reference RoutingTable table, RouteConfig config) {
        this.table = table;
        this.route = parse(config);
        tryAdd();
    }

    /** Parses a configuration into a route; throws IllegalArgumentException, which fails activation, on bad text. */
    static Route parse(RouteConfig config) {
        String destination = config.destination() == null ? "" : config.destination().trim();
        int[] cidr = destination.equals("default") ? new int[] {0, 0} : Ipv4Address.parseCidr(destination);
        String gatewayText = config.gateway() == null ? "" : config.gateway().trim();
        int gateway = gatewayText.isEmpty() ? Ipv4Address.ANY : Ipv4Address.parse(gatewayText);
        String name = config.interface$() == null ? "" : config.interface$().trim();
        return new Route(cidr[0], cidr[1], gateway, name.isEmpty() ? null : name, config.metric(), false);
    }

    /** Why the route is not in the table yet, or null once it is. */
    String problem() {
        return problem;
    }

    private synchronized void tryAdd() {
        if (added) {
            return;
        }
        try {
            table.add(route);
            added = true;
            problem = null;
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
    }

    @Override
    public void interfaceUp(NetworkInterface networkInterface) {
        tryAdd();
    }

    @Override
    public void interfaceDown(NetworkInterface networkInterface) {
        // The table keeps the route and skips it while its interface is down.
    }

    @Deactivate
    synchronized void deactivate() {
        if (added) {
            table.remove(route.destination(), route.prefixLength(), route.gateway());
            added = false;
        }
    }
}
