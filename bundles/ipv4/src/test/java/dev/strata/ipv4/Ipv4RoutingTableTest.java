package dev.strata.ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.management.ManagementFactory;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.testsupport.FakeInterface;
import dev.strata.testsupport.FakeInterfaceManager;

class Ipv4RoutingTableTest {

    private final FakeInterfaceManager interfaces = new FakeInterfaceManager();
    private final FakeInterface eth0 = Fakes.iface(2, "eth0", ip("198.18.0.2"), 24, 1500, false);
    private final FakeInterface eth1 = Fakes.iface(3, "eth1", ip("198.19.5.2"), 16, 1500, false);

    Ipv4RoutingTableTest() {
        interfaces.interfaces.add(eth0);
        interfaces.interfaces.add(eth1);
    }

    private static int ip(String text) {
        return Ipv4Address.parse(text);
    }

    private static Route route(String cidr, String gateway, String nif, int metric) {
        int[] c = cidr.equals("default") ? new int[] {0, 0} : Ipv4Address.parseCidr(cidr);
        return new Route(c[0], c[1], gateway == null ? 0 : ip(gateway), nif, metric, false);
    }

    @Test
    void connectedRoutesOfInterfacesAlreadyUpAppearAtStart() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        Route r = table.lookup(ip("198.18.0.77"));
        assertNotNull(r);
        assertEquals(ip("198.18.0.0"), r.destination());
        assertEquals(24, r.prefixLength());
        assertEquals("eth0", r.interfaceName());
        assertEquals(0, r.gateway());
        assertTrue(r.connected());
        assertEquals(2, table.routes().size());
    }

    @Test
    void connectedRouteAppearsOnInterfaceUpAndGoesOnDown() {
        eth0.up = false;
        eth1.up = false;
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        assertNull(table.lookup(ip("198.18.0.1")));

        eth0.up = true;
        table.interfaceUp(eth0);
        assertEquals("eth0", table.lookup(ip("198.18.0.1")).interfaceName());

        table.interfaceDown(eth0);
        assertNull(table.lookup(ip("198.18.0.1")));
        assertEquals(0, table.routes().size());
    }

    @Test
    void readdressedInterfaceReplacesItsConnectedRoute() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        eth0.address = ip("198.18.200.2");
        table.interfaceUp(eth0);
        assertNull(table.lookup(ip("198.18.0.1")));
        assertEquals("eth0", table.lookup(ip("198.18.200.1")).interfaceName());
    }

    @Test
    void longestPrefixWins() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        table.add(route("0.0.0.0/0", "198.18.0.1", null, 0));
        table.add(route("10.0.0.0/8", "198.18.0.1", null, 0));
        table.add(route("10.1.0.0/16", "198.19.0.1", null, 0));
        table.add(route("10.1.2.3/32", "198.18.0.254", null, 0));

        assertEquals(32, table.lookup(ip("10.1.2.3")).prefixLength());
        assertEquals(16, table.lookup(ip("10.1.2.4")).prefixLength());
        assertEquals("eth1", table.lookup(ip("10.1.2.4")).interfaceName());
        assertEquals(8, table.lookup(ip("10.2.0.0")).prefixLength());
        assertEquals(0, table.lookup(ip("8.8.8.8")).prefixLength());
        assertEquals(24, table.lookup(ip("198.18.0.9")).prefixLength(), "connected beats default");
        List<Route> all = table.routes();
        assertEquals(32, all.get(0).prefixLength(), "most specific first");
        assertEquals(0, all.get(all.size() - 1).prefixLength());
    }

    @Test
    void lowestMetricWinsAmongEqualPrefixes() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        table.add(route("default", "198.18.0.1", null, 100));
        table.add(route("default", "198.19.0.1", null, 10));
        assertEquals(ip("198.19.0.1"), table.lookup(ip("1.2.3.4")).gateway());
        assertTrue(table.remove(0, 0, ip("198.19.0.1")));
        assertEquals(ip("198.18.0.1"), table.lookup(ip("1.2.3.4")).gateway());
    }

    @Test
    void defaultRouteMatchesEverything() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        assertNull(table.lookup(ip("203.0.113.1")));
        table.add(route("0.0.0.0/0", "198.18.0.1", "eth0", 0));
        for (String address : new String[] {"0.0.0.0", "1.1.1.1", "203.0.113.1", "255.255.255.254"}) {
            assertEquals(ip("198.18.0.1"), table.lookup(ip(address)).gateway(), address);
        }
        assertEquals("UG", table.lookup(ip("1.1.1.1")).flags());
    }

    @Test
    void gatewayMustBeOnAConnectedNetworkWhenNoInterfaceIsNamed() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        assertThrows(IllegalArgumentException.class, () -> table.add(route("default", "203.0.113.1", null, 0)));
        assertThrows(IllegalArgumentException.class, () -> table.add(route("10.0.0.0/8", null, null, 0)));
        assertEquals(2, table.routes().size());
    }

    @Test
    void unknownInterfaceIsRejected() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        assertThrows(IllegalArgumentException.class, () -> table.add(route("10.0.0.0/8", null, "nope0", 0)));
    }

    @Test
    void sameDestinationAndMetricTwiceIsRejected() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        table.add(route("default", "198.18.0.1", null, 0));
        assertThrows(IllegalArgumentException.class, () -> table.add(route("default", "198.18.0.2", null, 0)));
    }

    @Test
    void staticRouteIsSkippedWhileItsInterfaceIsDownAndReturnsWithIt() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        table.add(route("10.0.0.0/8", "198.18.0.1", null, 0));
        table.interfaceDown(eth0);
        assertNull(table.lookup(ip("10.0.0.1")));
        assertEquals(2, table.routes().size(), "the static route stays listed");
        table.interfaceUp(eth0);
        assertEquals(ip("198.18.0.1"), table.lookup(ip("10.0.0.1")).gateway());
    }

    @Test
    void removeDeletesOnlyStaticRoutes() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        table.add(route("10.0.0.0/8", "198.18.0.1", null, 0));
        assertFalse(table.remove(ip("198.18.0.0"), 24, 0), "connected routes go with their interface");
        assertFalse(table.remove(ip("10.0.0.0"), 8, ip("198.18.0.99")), "other gateway");
        assertTrue(table.remove(ip("10.9.9.9"), 8, 0), "host bits ignored, any gateway");
        assertNull(table.lookup(ip("10.0.0.1")));
    }

    @Test
    void lookupAllocatesNothing() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        table.add(route("default", "198.18.0.1", null, 0));
        for (int i = 0; i < 8; i++) {
            table.add(route("10." + i + ".0.0/16", "198.18.0.1", null, 0));
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int found = 0;
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 10_000; i++) {
                found += table.lookup(0x0a00_0000 | i << 8) != null ? 1 : 0;
            }
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (round == 2) {
                // Fewer bytes than lookups: no per-lookup object; tolerate the JIT's one-off bytes.
                assertTrue(allocated < 10_000, allocated + " bytes allocated by 10,000 lookups");
            }
        }
        assertEquals(30_000, found);
    }

    // ---- the dev.strata.route configuration ----

    private static RouteConfig config(String destination, String gateway, String nif, int metric) {
        return new RouteConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RouteConfig.class;
            }

            @Override
            public String destination() {
                return destination;
            }

            @Override
            public String gateway() {
                return gateway;
            }

            @Override
            public String interface$() {
                return nif;
            }

            @Override
            public int metric() {
                return metric;
            }
        };
    }

    @Test
    void routeConfigurationAddsTheDefaultRouteAndRemovesItWhenDeleted() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        RouteConfiguration configured = new RouteConfiguration(table, config("default", "198.18.0.1", "", 0));
        assertNull(configured.problem());
        assertEquals(ip("198.18.0.1"), table.lookup(ip("9.9.9.9")).gateway());
        configured.deactivate();
        assertNull(table.lookup(ip("9.9.9.9")));
    }

    @Test
    void routeConfigurationWaitsForItsGatewayNetworkToComeUp() {
        eth0.up = false;
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        RouteConfiguration configured = new RouteConfiguration(table, config("10.0.0.0/8", "198.18.0.1", "", 5));
        assertNotNull(configured.problem());
        assertNull(table.lookup(ip("10.0.0.1")));

        eth0.up = true;
        table.interfaceUp(eth0);
        configured.interfaceUp(eth0);
        assertNull(configured.problem());
        Route r = table.lookup(ip("10.0.0.1"));
        assertEquals(5, r.metric());
        assertEquals("eth0", r.interfaceName());
    }

    @Test
    void routeConfigurationRejectsBadText() {
        Ipv4RoutingTable table = TestStack.routingTableFor(interfaces);
        assertThrows(IllegalArgumentException.class, () -> new RouteConfiguration(table, config("10.0.0.0/33", "", "eth0", 0)));
        assertThrows(IllegalArgumentException.class, () -> new RouteConfiguration(table, config("default", "198.18.0", "", 0)));
    }
}
