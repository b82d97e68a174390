package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.shell.Fakes.FakeRoutingTable;
import dev.strata.shell.Fakes.Output;

class RouteCommandTest {

    private static final int GATEWAY = Ipv4Address.parse("198.18.0.1");

    private final FakeRoutingTable table = new FakeRoutingTable();
    private final RouteCommand command = new RouteCommand();
    private final Output out = new Output();

    @BeforeEach
    void addConnectedRoute() {
        table.routes.add(new Route(Ipv4Address.parse("198.18.0.0"), 24, 0, "strata0", 0, true));
        command.routes = table;
    }

    private void run(String... words) {
        command.run(out.stream, List.of(words));
    }

    private CommandException fails(String... words) {
        CommandException e = assertThrows(CommandException.class, () -> run(words));
        assertTrue(table.added.isEmpty(), "nothing added");
        assertTrue(table.removed.isEmpty(), "nothing removed");
        assertTrue(!e.error().contains("\n"), e.error());
        return e;
    }

    @Test
    void printsTheTableAsNetToolsRouteN() {
        table.routes.add(0, new Route(0, 0, GATEWAY, "strata0", 0, false));
        table.routes.add(new Route(Ipv4Address.parse("198.19.7.9"), 32, GATEWAY, "strata0", 100, false));
        table.routes.add(new Route(Ipv4Address.parse("127.0.0.0"), 8, 0, "lo", 0, true));
        run("-n");
        assertEquals("Kernel IP routing table\n"
                + "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n"
                + "0.0.0.0         198.18.0.1      0.0.0.0         UG    0      0        0 strata0\n"
                + "198.18.0.0      0.0.0.0         255.255.255.0   U     0      0        0 strata0\n"
                + "198.19.7.9      198.18.0.1      255.255.255.255 UGH   100    0        0 strata0\n"
                + "127.0.0.0       0.0.0.0         255.0.0.0       U     0      0        0 lo\n", out.text());
    }

    @Test
    void printsTheSameTableWithoutMinusN() {
        run();
        assertEquals(RouteFormatter.format(table.routes), out.text());
    }

    @Test
    void addsADefaultRouteViaAGateway() {
        run("add", "default", "via", "198.18.0.1");
        assertEquals(List.of(new Route(0, 0, GATEWAY, null, 0, false)), table.added);
    }

    @Test
    void addsANetworkWithInterfaceAndMetric() {
        run("add", "198.19.0.0/16", "via", "198.18.0.1", "dev", "strata0", "metric", "5");
        assertEquals(List.of(new Route(Ipv4Address.parse("198.19.0.0"), 16, GATEWAY, "strata0", 5, false)), table.added);
    }

    @Test
    void addsANetworkInNetToolsSpelling() {
        run("add", "-net", "198.19.0.0", "netmask", "255.255.0.0", "gw", "198.18.0.1", "strata0");
        run("add", "-host", "198.19.1.1", "gw", "198.18.0.1");
        run("add", "default", "gw", "198.18.0.1");
        assertEquals(List.of(new Route(Ipv4Address.parse("198.19.0.0"), 16, GATEWAY, "strata0", 0, false),
                new Route(Ipv4Address.parse("198.19.1.1"), 32, GATEWAY, null, 0, false),
                new Route(0, 0, GATEWAY, null, 0, false)), table.added);
    }

    @Test
    void addsADirectRouteThroughAnInterface() {
        run("add", "198.19.0.0/16", "dev", "strata0");
        assertEquals(List.of(new Route(Ipv4Address.parse("198.19.0.0"), 16, 0, "strata0", 0, false)), table.added);
    }

    @Test
    void reportsWhatTheTableRefusesInOneLine() {
        CommandException e = fails("add", "198.19.0.0/16", "via", "198.18.0.1", "dev", "strata7");
        assertEquals("route: no such interface: strata7", e.getMessage());
    }

    @Test
    void deletesRoutesInBothSpellings() {
        run("add", "default", "via", "198.18.0.1");
        run("add", "198.19.0.0/16", "via", "198.18.0.1", "dev", "strata0");
        run("del", "default");
        run("del", "-net", "198.19.0.0", "netmask", "255.255.0.0", "gw", "198.18.0.1", "dev", "strata0");
        assertEquals(List.of("0.0.0.0/0 via 0.0.0.0", "198.19.0.0/16 via 198.18.0.1"), table.removed);
    }

    @Test
    void failsToDeleteARouteThatIsNotThere() {
        assertEquals("route: no such route: 198.19.0.0/16 via 198.18.0.1", fails("del", "198.19.0.0/16", "via", "198.18.0.1").getMessage());
        assertEquals("route: no such route: default", fails("del", "default").getMessage());
        run("add", "198.19.0.0/16", "via", "198.18.0.1", "dev", "strata0");
        table.added.clear();
        assertEquals("route: no such route: 198.19.0.0/16", fails("del", "198.19.0.0/16", "dev", "lo").getMessage());
    }

    @Test
    void rejectsBadCommandLinesBeforeTouchingTheTable() {
        assertEquals("route: netmask 255.255.255.0 doesn't match route address 198.19.0.5",
                fails("add", "198.19.0.5/24", "via", "198.18.0.1").error());
        assertEquals("route: netmask 255.255.0.0 doesn't match route address 198.19.0.5",
                fails("add", "-net", "198.19.0.5", "netmask", "255.255.0.0", "gw", "198.18.0.1").error());
        assertEquals("route: bogus netmask 255.0.255.0", fails("add", "-net", "198.0.0.0", "netmask", "255.0.255.0", "gw", "198.18.0.1").error());
        assertEquals("route: add needs a gateway (via GW) or an interface (dev IF)", fails("add", "198.19.0.0/16").error());
        assertEquals("route: bad gateway '198.18.0'", fails("add", "default", "via", "198.18.0").error());
        assertEquals("route: 'via' needs a value", fails("add", "default", "via").error());
        assertEquals("route: bad destination 'nowhere'", fails("add", "nowhere", "via", "198.18.0.1").error());
        assertEquals("route: unknown argument 'weight'", fails("add", "default", "via", "198.18.0.1", "weight", "3").error());
        assertEquals("route: invalid argument: 'x'", fails("add", "default", "via", "198.18.0.1", "metric", "x").error());
        assertEquals("route: unknown command 'flush' (add or del)", fails("flush").error());
        assertEquals("route: invalid option -- 'x'", fails("-x").error());
        assertEquals("route: add needs a destination", fails("add").error());
        CommandException e = fails("add", "default", "via", "198.18.0");
        assertEquals(RouteRequest.USAGE, e.usageHint());
    }

    @Test
    void failsWhenIpv4IsNotRunning() {
        command.routes = null;
        assertEquals("route: IPv4 is not running", assertThrows(CommandException.class, () -> run()).getMessage());
    }
}
