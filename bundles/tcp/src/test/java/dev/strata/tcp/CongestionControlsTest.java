package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.CongestionControlFactory;
import dev.strata.api.tcp.CongestionState;
import dev.strata.api.transport.StreamConnection;

class CongestionControlsTest {

    /** A named algorithm that behaves as Reno. */
    static final class Named implements CongestionControlFactory {
        final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public CongestionControl create() {
            return new CongestionControl() {
                final BuiltinReno reno = new BuiltinReno();

                @Override
                public String name() {
                    return name;
                }

                @Override
                public void init(CongestionState state, long nowNanos) {
                    reno.init(state, nowNanos);
                }

                @Override
                public void onAck(CongestionState state, long ackedBytes, long rttNanos, long nowNanos) {
                    reno.onAck(state, ackedBytes, rttNanos, nowNanos);
                }

                @Override
                public void onCongestionEvent(CongestionState state, long nowNanos) {
                    reno.onCongestionEvent(state, nowNanos);
                }

                @Override
                public void onRecoveryEnd(CongestionState state, long nowNanos) {
                    reno.onRecoveryEnd(state, nowNanos);
                }
            };
        }
    }

    @Test
    void fallsBackFromCubicToRenoToTheBuiltInReno() {
        CongestionControls controls = new CongestionControls();
        assertTrue(controls.create(null) instanceof BuiltinReno);
        Named reno = new Named("reno");
        controls.add("reno", reno);
        assertEquals("reno", controls.create(null).name());
        controls.add("cubic", new Named("cubic"));
        assertEquals("cubic", controls.create(null).name());
        assertEquals("reno", controls.create("reno").name());
        assertEquals("cubic", controls.create("vegas").name());
        assertFalse(controls.remove("reno", new Named("reno")));
        assertTrue(controls.remove("reno", reno));
    }

    @Test
    void connectionWhoseAlgorithmGoesAwayKeepsItsWindowUnderTheDefault() throws Exception {
        CongestionControls controls = new CongestionControls();
        Named cubic = new Named("cubic");
        controls.add("cubic", cubic);
        controls.add("reno", new Named("reno"));
        TcpHarness h = new TcpHarness();
        TcpStack stack = new TcpStack(h.pool, h.clock, () -> h.ip, h.counters, TcpConfig.DEFAULTS, new IsnGenerator(h.clock, 1, 2),
                controls::create);
        TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
        stack.listen(acceptor, 0, 8080, 4, TcpHarness.options());
        TcpHarness.In syn = seg("S").seq(5000).mss(1460);
        // inject through this stack: reuse the harness's encoding by swapping stacks is not possible; build directly
        injectInto(h, stack, syn);
        TcpHarness.Sent synAck = h.next();
        injectInto(h, stack, seg(".").seq(5001).ack(synAck.seq() + 1L));
        TcpConnection c = (TcpConnection) acceptor.accepted.get(0);
        assertEquals("cubic", c.tcb.congestionAlgorithm);
        c.tcb.congestion.cwnd = 123_456;
        controls.remove("cubic", cubic);
        c.congestionControlGone("cubic");
        assertEquals("reno", c.tcb.congestionAlgorithm);
        assertEquals(123_456, c.tcb.congestion.cwnd);
        StreamConnection sc = c;
        assertTrue(sc.congestionControl("reno"));
        assertFalse(sc.congestionControl("cubic"));
    }

    private static void injectInto(TcpHarness h, TcpStack stack, TcpHarness.In in) {
        TcpStack saved = h.stack;
        h.redirect = stack;
        try {
            h.inject(in);
        } finally {
            h.redirect = null;
        }
        assertEquals(saved, h.stack);
    }
}
