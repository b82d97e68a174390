package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.strata.api.transport.StreamOptions;

/**
 * RACK-TLP (RFC 8985) against RFC 6675 alone over the simulated link: the same transfers on
 * the same seeds, byte-exact, with TcpStack.rackTlp on and off on both stacks. Losses come in
 * bursts (a queue overflowing) and at the tail of flights, where RFC 6675 waits for the RTO.
 * RACK-TLP must not be slower in total virtual time; both totals are printed.
 */
class SimRackTlpTest {

    /**
     * 40 seeds: runs with and without RACK-TLP diverge after the first loss, so a handful of
     * seeds compares noise (8 seeds went either way by 2% when cwnd validation changed both).
     */
    private static final long[] SEEDS = LongStream.rangeClosed(201, 240).toArray();

    private static final StreamOptions WIDE;

    static {
        StreamOptions d = StreamOptions.DEFAULTS;
        WIDE = new StreamOptions(262_144, 65_536, d.noDelay(), d.keepAlive(), d.keepIdleSeconds(), d.keepIntervalSeconds(),
                d.keepCount(), d.lingerSeconds(), d.ttl(), d.tos(), d.reuseAddress(), d.congestionControl());
    }

    private static SimTransfer transfer(long seed, boolean rackTlp) {
        SimLink.Impairment lossy = new SimLink.Impairment(0.01, 0, 0, 0, 10, 0);
        SimLink link = new SimLink(seed, lossy);
        link.lossBurst = 2;
        link.a.stack.rackTlp = rackTlp;
        link.b.stack.rackTlp = rackTlp;
        SimTransfer t = new SimTransfer(seed, 2 << 20, lossy, link);
        t.options = WIDE;
        return t;
    }

    @Test
    void rackTlpIsNotSlowerThanRfc6675AloneOnTheSameSeeds() throws Exception {
        long with = 0;
        long without = 0;
        for (long seed : SEEDS) {
            SimTransfer off = transfer(seed, false);
            long offMillis = off.run(SimTransferTest.bound(off));
            SimTransfer on = transfer(seed, true);
            long onMillis = on.run(SimTransferTest.bound(on));
            System.out.printf("seed %d, 2 MiB, 1%% loss events of 2 segments: RFC 6675 %d ms (%d retransmits, %d timeouts in"
                    + " recovery), RACK-TLP %d ms (%d retransmits, %d timeouts in recovery, %d probes, %d lost retransmissions)%n",
                    seed, offMillis, off.link.b.counter(TcpStatistic.RETRANS_SEGS),
                    off.link.b.counter(TcpStatistic.RECOVERY_TIMEOUTS), onMillis, on.link.b.counter(TcpStatistic.RETRANS_SEGS),
                    on.link.b.counter(TcpStatistic.RECOVERY_TIMEOUTS), on.link.b.counter(TcpStatistic.LOSS_PROBES),
                    on.link.b.counter(TcpStatistic.LOST_RETRANSMIT));
            with += onMillis;
            without += offMillis;
        }
        System.out.printf("total: RFC 6675 alone %d ms, RACK-TLP %d ms%n", without, with);
        assertTrue(with <= without, "RACK-TLP " + with + " ms, RFC 6675 alone " + without + " ms");
    }
}
