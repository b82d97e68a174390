package dev.strata.shell;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.api.ipv4.RoutingTable;

/** {@code route}: the IPv4 routing table as net-tools shows it, and static routes added and deleted. */
@Descriptor("show or change the stack's IPv4 routing table (net-tools route)")
@Component(service = RouteCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=route"})
public class RouteCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile RoutingTable routes;

    @Descriptor("show the table; or route add|del default|NET/PREFIX|-net NET netmask MASK|-host ADDR [via|gw GW] [dev IF] [metric N]")
    public void route(
            @Descriptor("numeric output (always the case: names are not resolved)")
            @Parameter(names = {"-n"}, presentValue = "true", absentValue = "false") boolean numeric,
            @Descriptor("nothing to show the table, or add|del followed by the route") String... arguments) {
        run(System.out, Arrays.asList(arguments));
    }

    /** Parses all of {@code words} first, then shows or changes the table; output to {@code out}. */
    void run(PrintStream out, List<String> words) {
        RouteRequest request = RouteRequest.parse(words);
        RoutingTable table = routes;
        if (table == null) {
            throw CommandException.failed("route: IPv4 is not running");
        }
        switch (request.kind()) {
            case SHOW:
                out.print(RouteFormatter.format(table.routes()));
                out.flush();
                break;
            case ADD:
                try {
                    table.add(new Route(request.destination(), request.prefixLength(), request.gateway(), request.interfaceName(),
                            request.metric(), false));
                } catch (RuntimeException e) {
                    throw CommandException.failed("route: " + IfconfigCommand.oneLine(e));
                }
                break;
            case DELETE:
                delete(table, request);
                break;
            default:
                throw new IllegalStateException(request.kind().toString());
        }
    }

    private static void delete(RoutingTable table, RouteRequest request) {
        if (request.interfaceName() != null) {
            // The table removes by destination and gateway; a named interface must match too.
            boolean found = false;
            for (Route route : table.routes()) {
                found |= !route.connected() && route.destination() == request.destination()
                        && route.prefixLength() == request.prefixLength()
                        && (request.gateway() == Ipv4Address.ANY || route.gateway() == request.gateway())
                        && request.interfaceName().equals(route.interfaceName());
            }
            if (!found) {
                throw noSuchRoute(request);
            }
        }
        boolean removed;
        try {
            removed = table.remove(request.destination(), request.prefixLength(), request.gateway());
        } catch (RuntimeException e) {
            throw CommandException.failed("route: " + IfconfigCommand.oneLine(e));
        }
        if (!removed) {
            throw noSuchRoute(request);
        }
    }

    private static CommandException noSuchRoute(RouteRequest request) {
        return CommandException.failed("route: no such route: " + request.target()
                + (request.gateway() != Ipv4Address.ANY ? " via " + Ipv4Address.format(request.gateway()) : ""));
    }
}
