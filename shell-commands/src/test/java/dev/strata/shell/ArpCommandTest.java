package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.ether.MacAddress;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.neighbour.NeighbourEntry;
import dev.strata.api.neighbour.NeighbourState;
import dev.strata.shell.Fakes.FakeNeighbours;
import dev.strata.shell.Fakes.Output;

class ArpCommandTest {

    private final FakeNeighbours neighbours = new FakeNeighbours();
    private final ArpCommand command = new ArpCommand();
    private final Output out = new Output();

    @BeforeEach
    void fillCache() {
        neighbours.entries.add(new NeighbourEntry(Ipv4Address.parse("198.18.0.9"), -1, "strata0", NeighbourState.INCOMPLETE, 400));
        neighbours.entries.add(new NeighbourEntry(Ipv4Address.parse("198.18.0.1"), MacAddress.parse("7e:2c:11:aa:bb:cc"), "strata0",
                NeighbourState.REACHABLE, 3_900));
        neighbours.entries.add(new NeighbourEntry(Ipv4Address.parse("198.18.0.200"), MacAddress.parse("02:00:00:00:00:c8"), "strata0",
                NeighbourState.PERMANENT, 125_000));
        command.neighbours = neighbours;
    }

    private void run(String... words) {
        command.run(out.stream, List.of(words));
    }

    private CommandException fails(String... words) {
        CommandException e = assertThrows(CommandException.class, () -> run(words));
        assertTrue(neighbours.removed.isEmpty());
        assertEquals("", out.text());
        return e;
    }

    @Test
    void printsTheCacheAsNetToolsWithStateAndAge() {
        run("-n");
        assertEquals("Address                  HWtype  HWaddress           Flags Mask            Iface      State       Age\n"
                + "198.18.0.1               ether   7e:2c:11:aa:bb:cc   C                     strata0    REACHABLE   3s\n"
                + "198.18.0.9                       (incomplete)                              strata0    INCOMPLETE  0s\n"
                + "198.18.0.200             ether   02:00:00:00:00:c8   CM                    strata0    PERMANENT   125s\n",
                out.text());
    }

    @Test
    void printsTheBsdStyleWithMinusA() {
        run("-a");
        assertEquals("? (198.18.0.1) at 7e:2c:11:aa:bb:cc [ether] on strata0\n"
                + "? (198.18.0.9) at <incomplete> on strata0\n"
                + "? (198.18.0.200) at 02:00:00:00:00:c8 [ether] PERM on strata0\n", out.text());
    }

    @Test
    void showsAFailedEntryAsIncomplete() {
        assertEquals("198.18.0.7                       (incomplete)                              strata0    FAILED      1s",
                ArpFormatter.line(new NeighbourEntry(Ipv4Address.parse("198.18.0.7"), -1, "strata0", NeighbourState.FAILED, 1_000)));
    }

    @Test
    void deletesAnEntry() {
        run("-d", "198.18.0.1");
        assertEquals(List.of(Ipv4Address.parse("198.18.0.1")), neighbours.removed);
        assertEquals("", out.text());
    }

    @Test
    void failsToDeleteAnUnknownEntry() {
        assertEquals("arp: 198.18.0.77: no entry", fails("-d", "198.18.0.77").getMessage());
    }

    @Test
    void rejectsBadCommandLines() {
        assertEquals("arp: option requires an argument -- 'd'", fails("-d").error());
        assertEquals("arp: bad address '198.18.0'", fails("-d", "198.18.0").error());
        assertEquals("arp: invalid option -- 's'", fails("-s", "198.18.0.1", "02:00:00:00:00:01").error());
        assertEquals("arp: unexpected argument 'now'", fails("-d", "198.18.0.1", "now").error());
        assertEquals(ArpCommand.USAGE, fails("-d").usageHint());
    }

    @Test
    void failsWhenArpIsNotRunning() {
        command.neighbours = null;
        assertEquals("arp: ARP is not running", assertThrows(CommandException.class, () -> run()).getMessage());
    }
}
