package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Bulk transfers between two whole stacks over the simulated link (issue 4's deterministic
 * simulation harness): byte-exact (SHA-256) and within a bound of virtual time, first on a
 * clean link, then under seeded loss, reordering, duplication and corruption.
 */
class SimTransferTest {

    @Test
    void oneMebibyteOnACleanLinkArrivesByteExactWithinTwoSecondsOfVirtualTime() throws Exception {
        SimTransfer t = new SimTransfer(1, 1 << 20, SimLink.Impairment.NONE);
        long ms = t.run(2_000);
        System.out.println("1 MiB clean: " + ms + " ms virtual; " + t.link.tally());
        assertTrue(t.link.dropped == 0);
    }
}
