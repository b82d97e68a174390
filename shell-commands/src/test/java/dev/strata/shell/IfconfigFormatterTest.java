package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.strata.api.ether.MacAddress;
import dev.strata.testsupport.FakeInterface;
import dev.strata.testsupport.FakeLink;

class IfconfigFormatterTest {

    private static FakeInterface strata0(boolean up) {
        FakeLink link = new FakeLink("strata0", MacAddress.parse("02:5a:3c:11:22:33"), 1500, false);
        for (int i = 0; i < 12; i++) {
            link.statistics.received(98);
            link.statistics.transmitted(98);
        }
        return new FakeInterface(2, link, "198.18.0.2/24", up);
    }

    @Test
    void formatsAnUpEthernetInterfaceAsNetTools() {
        assertEquals("strata0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n"
                + "        inet 198.18.0.2  netmask 255.255.255.0  broadcast 198.18.0.255\n"
                + "        ether 02:5a:3c:11:22:33  txqueuelen 1000  (Ethernet)\n"
                + "        RX packets 12  bytes 1176 (1.1 KiB)\n"
                + "        RX errors 0  dropped 0  overruns 0  frame 0\n"
                + "        TX packets 12  bytes 1176 (1.1 KiB)\n"
                + "        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n"
                + "\n", IfconfigFormatter.format(strata0(true)));
    }

    @Test
    void formatsADownInterfaceWithoutUpAndRunning() {
        String text = IfconfigFormatter.format(strata0(false));
        assertEquals("strata0: flags=4098<BROADCAST,MULTICAST>  mtu 1500", text.lines().findFirst().orElseThrow());
    }

    @Test
    void formatsTheLoopbackAsLocalLoopback() {
        FakeLink link = new FakeLink("lo", 0, 65536, true);
        link.statistics.received(84);
        link.statistics.transmitted(84);
        link.statistics.receiveError();
        link.statistics.receiveDropped();
        link.statistics.receiveDropped();
        link.statistics.transmitError();
        link.statistics.transmitDropped();
        assertEquals("lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n"
                + "        inet 127.0.0.1  netmask 255.0.0.0\n"
                + "        loop  txqueuelen 1000  (Local Loopback)\n"
                + "        RX packets 1  bytes 84 (84.0 B)\n"
                + "        RX errors 1  dropped 2  overruns 0  frame 0\n"
                + "        TX packets 1  bytes 84 (84.0 B)\n"
                + "        TX errors 1  dropped 1 overruns 0  carrier 0  collisions 0\n"
                + "\n", IfconfigFormatter.format(new FakeInterface(1, link, "127.0.0.1/8", true)));
    }

    @Test
    void formatsADownLoopbackWithOnlyTheLoopbackFlag() {
        FakeLink link = new FakeLink("lo", 0, 65536, true);
        assertEquals("lo: flags=8<LOOPBACK>  mtu 65536",
                IfconfigFormatter.format(new FakeInterface(1, link, "127.0.0.1/8", false)).lines().findFirst().orElseThrow());
    }

    @Test
    void leavesOutTheInetLineWhenNoAddressIsAssigned() {
        FakeLink link = new FakeLink("strata1", MacAddress.parse("02:00:00:00:00:01"), 9000, false);
        String text = IfconfigFormatter.format(new FakeInterface(3, link, null, true));
        assertEquals("strata1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 9000\n"
                + "        ether 02:00:00:00:00:01  txqueuelen 1000  (Ethernet)\n"
                + "        RX packets 0  bytes 0 (0.0 B)\n", text.substring(0, text.indexOf("        RX errors")));
    }

    @Test
    void scalesBytesAsNetToolsTruncatingToOneDecimal() {
        assertEquals("0.0 B", IfconfigFormatter.humanBytes(0));
        assertEquals("1023.0 B", IfconfigFormatter.humanBytes(1023));
        assertEquals("1024.0 B", IfconfigFormatter.humanBytes(1024));
        assertEquals("1.0 KiB", IfconfigFormatter.humanBytes(1025));
        assertEquals("1.1 KiB", IfconfigFormatter.humanBytes(1176));
        assertEquals("1.9 KiB", IfconfigFormatter.humanBytes(2047));
        assertEquals("1024.0 KiB", IfconfigFormatter.humanBytes(1L << 20));
        assertEquals("1.0 MiB", IfconfigFormatter.humanBytes((1L << 20) + 1));
        assertEquals("12.3 MiB", IfconfigFormatter.humanBytes(12_900_000));
        assertEquals("5.0 GiB", IfconfigFormatter.humanBytes(5L << 30));
        assertEquals("2.5 TiB", IfconfigFormatter.humanBytes((5L << 40) / 2));
    }
}
