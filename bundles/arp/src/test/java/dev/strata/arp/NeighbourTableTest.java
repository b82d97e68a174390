package dev.strata.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.strata.api.neighbour.NeighbourState;

class NeighbourTableTest {

    @Test
    void agreesWithAHashMapUnderRandomAddsAndRemoves() {
        NeighbourTable table = new NeighbourTable(64);
        Map<Integer, Neighbour> reference = new HashMap<>();
        Random random = new Random(826);
        for (int step = 0; step < 200_000; step++) {
            // A small key space in one /24 and its neighbours makes clusters and wrap-around likely.
            int address = 0xc612_0500 + random.nextInt(100);
            if (random.nextBoolean()) {
                if (!reference.containsKey(address) && reference.size() < 64) {
                    Neighbour neighbour = new Neighbour(address, null, NeighbourState.STALE, 0);
                    table.add(neighbour);
                    reference.put(address, neighbour);
                }
            } else {
                assertSame(reference.remove(address), table.remove(address));
            }
            assertEquals(reference.size(), table.size());
        }
        for (int address = 0xc612_0500; address < 0xc612_0500 + 100; address++) {
            assertSame(reference.get(address), table.get(address));
        }
    }

    @Test
    void refusesToGrowPastItsLimit() {
        NeighbourTable table = new NeighbourTable(2);
        table.add(new Neighbour(1, null, NeighbourState.STALE, 0));
        table.add(new Neighbour(2, null, NeighbourState.STALE, 0));
        assertFalse(table.add(new Neighbour(3, null, NeighbourState.STALE, 0)));
        assertNull(table.get(3));
    }
}
