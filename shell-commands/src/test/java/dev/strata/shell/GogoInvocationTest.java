package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.ether.MacAddress;
import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoService;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.Route;
import dev.strata.api.ipv4.SendResult;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourState;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.shell.Fakes.FakeNeighbours;
import dev.strata.shell.Fakes.FakeRoutingTable;
import dev.strata.testsupport.FakeInterface;
import dev.strata.testsupport.FakeInterfaceManager;
import dev.strata.testsupport.FakeLink;

/**
 * The commands as Gogo's own runtime calls them, so that the {@code @Parameter} options,
 * the varargs and the {@code _main} fallback are matched the way the shell matches them,
 * and output written to System.out reaches the session.
 */
class GogoInvocationTest {

    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final FakeInterfaceManager interfaces = new FakeInterfaceManager();
    private final FakeRoutingTable routes = new FakeRoutingTable();
    private final FakeNeighbours neighbours = new FakeNeighbours();
    private CommandProcessorImpl processor;
    private CommandSession session;

    @BeforeEach
    void startGogo() {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);

        PingCommand ping = new PingCommand();
        ping.echo = new EchoService() {
            @Override
            public EchoSession open(EchoListener listener) {
                return new EchoSession() {
                    @Override
                    public int identifier() {
                        return 1;
                    }

                    @Override
                    public SendResult send(int destination, int sequence, int payloadSize, int ttl) {
                        listener.reply(destination, sequence, ttl, payloadSize + 8, 53_000);
                        return SendResult.SENT;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        IfconfigCommand ifconfig = new IfconfigCommand();
        interfaces.interfaces.add(new FakeInterface(1, new FakeLink("lo", 0, 65536, true), "127.0.0.1/8", true));
        ifconfig.interfaces = interfaces;
        RouteCommand route = new RouteCommand();
        routes.routes.add(new Route(Ipv4Address.parse("198.18.0.0"), 24, 0, "strata0", 0, true));
        route.routes = routes;
        ArpCommand arp = new ArpCommand();
        neighbours.entries.add(new NeighbourEntry(Ipv4Address.parse("198.18.0.1"), MacAddress.parse("7e:2c:11:aa:bb:cc"), "strata0",
                NeighbourState.REACHABLE, 3_000));
        arp.neighbours = neighbours;
        StatsCommand stats = new StatsCommand();
        stats.addProvider(new StatisticsProvider() {
            @Override
            public String protocol() {
                return "Ip";
            }

            @Override
            public Map<String, Long> counters() {
                return Map.of("InReceives", 7L);
            }
        });

        processor.addCommand("net", ping, "ping");
        processor.addCommand("net", ifconfig, "ifconfig");
        processor.addCommand("net", route, "route");
        processor.addCommand("net", arp, "arp");
        processor.addCommand("net", stats, "stats");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
    }

    @AfterEach
    void stopGogo() {
        session.close();
        processor.stop();
        threadIo.stop();
    }

    private List<String> execute(String line) throws Exception {
        out.reset();
        session.execute(line);
        System.out.flush();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private String failure(String line) {
        out.reset();
        return assertThrows(CommandException.class, () -> session.execute(line), line).getMessage();
    }

    @Test
    void pingTakesItsOptionsThroughGogosParameters() throws Exception {
        List<String> lines = execute("ping -c 2 -i 0.01 -s 100 -t 9 198.18.0.1");
        assertEquals("PING 198.18.0.1 (198.18.0.1) 100(128) bytes of data.", lines.get(0));
        assertEquals("108 bytes from 198.18.0.1: icmp_seq=1 ttl=9 time=0.053 ms", lines.get(1));
        assertEquals("108 bytes from 198.18.0.1: icmp_seq=2 ttl=9 time=0.053 ms", lines.get(2));
        assertTrue(lines.get(5).startsWith("2 packets transmitted, 2 received, 0% packet loss, time "), lines.get(5));
        assertEquals("rtt min/avg/max/mdev = 0.053/0.053/0.053/0.000 ms", lines.get(6));
    }

    @Test
    void pingIsReachableWithItsScopeAndWithOptionsAfterTheHost() throws Exception {
        assertEquals("PING 198.18.0.1 (198.18.0.1) 56(84) bytes of data.", execute("net:ping 198.18.0.1 -c 1 -q").get(0));
    }

    @Test
    void pingFallsBackToItsOwnParserForWhatGogoCannotMatch() throws Exception {
        List<String> lines = execute("ping -c1 -i0.01 198.18.0.1");
        assertTrue(lines.get(4).startsWith("1 packets transmitted, 1 received"), String.join("\n", lines));
        assertEquals("ping: invalid option -- 'x'" + System.lineSeparator() + PingOptions.USAGE, failure("ping -x 198.18.0.1"));
        assertEquals("ping: option requires an argument -- 'c'" + System.lineSeparator() + PingOptions.USAGE,
                failure("ping 198.18.0.1 -c"));
        assertEquals("ping: usage error: Destination address required" + System.lineSeparator() + PingOptions.USAGE,
                failure("ping -c 3"));
        assertEquals("ping: invalid argument: 'lots'" + System.lineSeparator() + PingOptions.USAGE, failure("ping -c lots 198.18.0.1"));
    }

    @Test
    void ifconfigConfiguresThroughGogo() throws Exception {
        execute("ifconfig strata1 198.18.0.2/24 mtu 1400 hw ether 02:5a:3c:11:22:33 netns strata-test-1 up");
        assertEquals(List.of(new InterfaceConfig("strata1", Ipv4Address.parse("198.18.0.2"), 24, 1400,
                MacAddress.parse("02:5a:3c:11:22:33"), "strata-test-1")), interfaces.configured);
        assertEquals("lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536", execute("ifconfig").get(0));
        assertEquals("lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536", execute("ifconfig -a lo").get(0));
        assertTrue(failure("ifconfig strata1 198.18.0.2/24 mtu up").startsWith("ifconfig: bad mtu 'up'"));
    }

    @Test
    void routeTakesBothSpellingsThroughGogo() throws Exception {
        assertEquals(List.of(RouteFormatter.TITLE, RouteFormatter.HEADER,
                "198.18.0.0      0.0.0.0         255.255.255.0   U     0      0        0 strata0"), execute("route -n"));
        execute("route add -net 198.19.0.0 netmask 255.255.0.0 gw 198.18.0.1 dev strata0");
        execute("route add default via 198.18.0.1");
        assertEquals(2, routes.added.size());
        execute("route del default");
        assertEquals(1, routes.removed.size());
    }

    @Test
    void arpTakesItsOptionsThroughGogo() throws Exception {
        assertEquals("198.18.0.1               ether   7e:2c:11:aa:bb:cc   C                     strata0    REACHABLE   3s",
                execute("arp -n").get(1));
        assertEquals("arp: option requires an argument -- 'd'" + System.lineSeparator() + ArpCommand.USAGE, failure("arp -d"));
        execute("arp -d 198.18.0.1");
        assertEquals(List.of(Ipv4Address.parse("198.18.0.1")), neighbours.removed);
        assertEquals("arp: 198.18.0.1: no entry", failure("arp -d 198.18.0.1"));
    }

    @Test
    void statsPrintsThroughGogo() throws Exception {
        assertEquals(List.of("Ip:", "    InReceives: 7"), execute("stats"));
    }
}
