package dev.strata.tcp;

import org.junit.jupiter.api.Test;

/** Regression (seed 8, found by the simulation harness, fixed in 238fef8): data both ways under 5% loss once stalled in an ACK ping-pong after an RTO rewound SND.NXT. */
class SimTwoWayLossStallTest {

    @Test
    void dataFlowsBothWaysAtOnceUnderLoss() throws Exception {
        SimTransfer t = new SimTransfer(8, 2 << 20, new SimLink.Impairment(0.05, 0.02, 0.05, 0.005, 5, 20));
        t.link.trace = Boolean.getBoolean("sim.trace");
        t.reverseSize = 3 << 20;
        t.run(SimTransferTest.bound(t) * 2);
    }
}
