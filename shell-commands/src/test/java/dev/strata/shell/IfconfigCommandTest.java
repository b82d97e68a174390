package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.ether.MacAddress;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.LinkRequest;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.shell.Fakes.Output;
import dev.strata.testsupport.FakeInterface;
import dev.strata.testsupport.FakeInterfaceManager;
import dev.strata.testsupport.FakeLink;

class IfconfigCommandTest {

    private final FakeInterfaceManager manager = new FakeInterfaceManager();
    private final IfconfigCommand command = new IfconfigCommand();
    private final Output out = new Output();

    @BeforeEach
    void addInterfaces() {
        manager.interfaces.add(new FakeInterface(1, new FakeLink("lo", 0, 65536, true), "127.0.0.1/8", true));
        manager.interfaces.add(new FakeInterface(2, new FakeLink("strata0", MacAddress.parse("02:5a:3c:11:22:33"), 1500, false),
                "198.18.0.2/24", true));
        command.interfaces = manager;
    }

    private CommandException fails(String... words) {
        CommandException e = assertThrows(CommandException.class, () -> command.run(out.stream, List.of(words)));
        assertTrue(manager.configured.isEmpty(), "nothing configured");
        assertTrue(manager.downed.isEmpty(), "nothing taken down");
        assertEquals("", out.text(), "nothing printed");
        return e;
    }

    @Test
    void listsEveryInterfaceWithABlankLineAfterEach() {
        command.run(out.stream, List.of());
        List<String> lines = out.lines();
        assertEquals(16, lines.size());
        assertEquals("lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536", lines.get(0));
        assertEquals("", lines.get(7));
        assertEquals("strata0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500", lines.get(8));
        assertEquals("", lines.get(15));
    }

    @Test
    void showsOneInterfaceByName() {
        command.run(out.stream, List.of("strata0"));
        assertEquals(IfconfigFormatter.format(manager.byName("strata0")), out.text());
    }

    @Test
    void failsForAnUnknownInterface() {
        assertEquals("ifconfig: strata9: error fetching interface information: Device not found", fails("strata9").getMessage());
    }

    @Test
    void configuresAnInterfaceWithEveryOption() {
        command.run(out.stream, List.of("strata1", "198.18.0.2/24", "mtu", "9000", "hw", "ether", "02:5a:3c:11:22:33", "netns",
                "strata-test-1", "up"));
        assertEquals(List.of(new InterfaceConfig("strata1", Ipv4Address.parse("198.18.0.2"), 24, 9000,
                MacAddress.parse("02:5a:3c:11:22:33"), "strata-test-1")), manager.configured);
        assertEquals("", out.text());
    }

    @Test
    void acceptsHwWithoutTheEtherClassAndANetmask() {
        command.run(out.stream, List.of("strata1", "198.18.1.2", "netmask", "255.255.0.0", "hw", "02:00:00:00:00:09", "up"));
        assertEquals(List.of(new InterfaceConfig("strata1", Ipv4Address.parse("198.18.1.2"), 16, 0, 0x0200_0000_0009L, null)),
                manager.configured);
    }

    @Test
    void givesAnAddressWithoutPrefixItsClassfulMask() {
        command.run(out.stream, List.of("strata1", "10.1.2.3", "up"));
        command.run(out.stream, List.of("strata2", "198.18.0.2"));
        assertEquals(8, manager.configured.get(0).prefixLength());
        assertEquals(24, manager.configured.get(1).prefixLength());
        assertEquals(LinkRequest.ANY_MAC, manager.configured.get(1).macAddress());
        assertNull(manager.configured.get(1).netns());
    }

    @Test
    void bringsAKnownInterfaceBackUpWithItsAddress() {
        command.run(out.stream, List.of("strata0", "up"));
        assertEquals(List.of(new InterfaceConfig("strata0", Ipv4Address.parse("198.18.0.2"), 24, 1500,
                MacAddress.parse("02:5a:3c:11:22:33"), null)), manager.configured);
    }

    @Test
    void takesAnInterfaceDown() {
        command.run(out.stream, List.of("strata0", "down"));
        assertEquals(List.of("strata0"), manager.downed);
    }

    @Test
    void failsToTakeDownAnUnknownInterface() {
        assertEquals("ifconfig: strata9: error fetching interface information: Device not found",
                fails("strata9", "down").getMessage());
    }

    @Test
    void reportsAConfigureFailureInOneLine() {
        manager.failure = new IOException("cannot open strata1: Operation not permitted (CAP_NET_ADMIN needed)\n\tat somewhere");
        CommandException e = assertThrows(CommandException.class,
                () -> command.run(out.stream, List.of("strata1", "198.18.0.2/24", "up")));
        assertEquals("ifconfig: cannot open strata1: Operation not permitted (CAP_NET_ADMIN needed)", e.getMessage());
        assertNull(e.usageHint());
    }

    @Test
    void failsWhenTheInterfaceManagerIsNotRunning() {
        command.interfaces = null;
        assertEquals("ifconfig: the interface manager (core) is not running",
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of())).getMessage());
    }

    @Test
    void rejectsBadCommandLinesWithOneLineAndTheUsageBeforeApplyingAnything() {
        String[][] lines = {
            {"strata0", "198.18.0.300/24", "up"},
            {"strata0", "198.18.0.2/33", "up"},
            {"strata0", "198.18.0.2/24", "mtu"},
            {"strata0", "198.18.0.2/24", "mtu", "40", "up"},
            {"strata0", "198.18.0.2/24", "mtu", "big", "up"},
            {"strata0", "198.18.0.2/24", "hw", "ether", "zz:00:00:00:00:01", "up"},
            {"strata0", "198.18.0.2/24", "hw", "ether", "01:00:5e:00:00:01", "up"},
            {"strata0", "198.18.0.2/24", "hw", "infiniband", "up"},
            {"strata0", "198.18.0.2/24", "netns", "../etc", "up"},
            {"strata0", "198.18.0.2/24", "netmask", "255.0.255.0", "up"},
            {"strata0", "198.18.0.2/24", "up", "now"},
            {"strata0", "198.18.0.2/24", "speed", "10", "up"},
            {"strata0", "198.18.0.2/24", "198.18.0.3/24", "up"},
            {"strata0", "down", "now"},
            {"strata0", "mtu", "1400", "up"},
            {"this-name-is-far-too-long", "198.18.0.2/24", "up"},
            {"-z"},
        };
        for (String[] line : lines) {
            CommandException e = fails(line);
            assertTrue(e.error().startsWith("ifconfig: "), e.error());
            assertTrue(!e.error().contains("\n"), e.error());
            assertEquals(IfconfigRequest.USAGE, e.usageHint(), String.join(" ", line));
            assertEquals(e.error() + System.lineSeparator() + IfconfigRequest.USAGE, e.getMessage());
        }
        assertEquals("ifconfig: bad address '198.18.0.300'", fails("strata0", "198.18.0.300/24", "up").error());
        assertEquals("ifconfig: 'mtu' needs a value", fails("strata0", "198.18.0.2/24", "mtu").error());
        assertEquals("ifconfig: unknown argument 'speed'", fails("strata0", "198.18.0.2/24", "speed", "10", "up").error());
    }
}
