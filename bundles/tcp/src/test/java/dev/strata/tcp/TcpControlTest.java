package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.socket.SocketInfo;
import dev.strata.api.tcp.TcpConnectionInfo;
import dev.strata.api.transport.StreamConnection;

/** The operator surface: TcpControl (ss -ti, tcp cc) and StreamProtocol.connections() (netstat -t). */
class TcpControlTest {

    private final TcpHarness h = new TcpHarness();
    private final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();

    @AfterEach
    void noLeaks() {
        assertEquals(0, h.pool.outstanding());
    }

    private StreamConnection establishedWithEveryOption() throws Exception {
        h.listen(acceptor, 8080);
        h.inject(seg("S").seq(5000).win(64240).mss(1400).sackOk().ts(700, 0).wscale(7));
        TcpHarness.Sent synAck = h.next();
        h.advance(20);
        h.inject(seg(".").seq(5001).ack(1_000_001).win(502).ts(701, synAck.tsVal()));
        return acceptor.accepted.get(0);
    }

    @Test
    void connectionInfoShowsTheNegotiatedOptionsRttWindowsAndQueues() throws Exception {
        StreamConnection c = establishedWithEveryOption();
        h.inject(seg("P.").seq(5001).ack(1_000_001).win(502).ts(702, 0).data("hello"));
        TcpHarness.write(c, "abc");
        h.ip.sent.clear();

        List<TcpConnectionInfo> infos = h.stack.connectionInfos();
        assertEquals(1, infos.size());
        TcpConnectionInfo i = infos.get(0);
        assertEquals("ESTABLISHED", i.state());
        assertEquals(TcpHarness.LOCAL, i.localAddress());
        assertEquals(8080, i.localPort());
        assertEquals(TcpHarness.REMOTE, i.remoteAddress());
        assertEquals(40000, i.remotePort());
        assertEquals("reno", i.congestionControl());
        assertEquals(1400, i.peerMss());
        assertEquals(1388, i.sendMss()); // 1400 less the 12 bytes of the timestamps option
        assertEquals(7, i.sendWindowScale());
        assertEquals(2, i.receiveWindowScale());
        assertTrue(i.timestamps());
        assertTrue(i.sack());
        assertEquals(20_000, i.rttMicros()); // the handshake's 20 ms sample
        assertEquals(10_000, i.rttVarMicros());
        assertEquals(200, i.rtoMillis()); // 20 + 4 * 10 ms, raised to the 200 ms floor
        assertEquals(10 * 1388, i.congestionWindow());
        assertEquals(Integer.MAX_VALUE, i.slowStartThreshold());
        assertEquals(502L << 7, i.sendWindow());
        assertEquals(5, i.receiveQueue());
        assertEquals(3, i.sendQueue());
        assertEquals(0, i.retransmittedSegments());
        assertEquals(0, i.bytesAcked());
        assertEquals(5, i.bytesReceived());
        assertTrue(i.receiveWindow() > 0);
    }

    @Test
    void connectionInfoCountsRetransmissionsAndBytesAcknowledged() throws Exception {
        StreamConnection c = establishedWithEveryOption();
        TcpHarness.write(c, "0123456789");
        h.next();
        h.advance(200);
        h.next(); // the RTO's retransmission
        TcpConnectionInfo before = h.stack.connectionInfos().get(0);
        assertEquals(1, before.retransmittedSegments());
        h.inject(seg(".").seq(5001).ack(1_000_011).win(502).ts(710, 0));
        TcpConnectionInfo after = h.stack.connectionInfos().get(0);
        assertEquals(10, after.bytesAcked());
        assertEquals(0, after.sendQueue());
    }

    @Test
    void netstatRowsIncludeConnectionsNoSocketHoldsAnyMore() throws Exception {
        StreamConnection c = establishedWithEveryOption();
        h.inject(seg("P.").seq(5001).ack(1_000_001).win(502).ts(702, 0).data("xy"));
        assertEquals(List.of(new SocketInfo("tcp", TcpHarness.LOCAL, 8080, TcpHarness.REMOTE, 40000, "ESTABLISHED", 2, 0, "")),
                h.stack.socketInfos());
        TcpHarness.read(c);
        c.close();
        h.inject(seg("F.").seq(5003).ack(1_000_002).win(502).ts(703, 0));
        h.ip.sent.clear();
        assertEquals(List.of(new SocketInfo("tcp", TcpHarness.LOCAL, 8080, TcpHarness.REMOTE, 40000, "TIME_WAIT", 0, 0, "")),
                h.stack.socketInfos());
    }

    @Test
    void defaultAlgorithmCanBeSetOnlyToOneInstalled() {
        CongestionControls controls = new CongestionControls();
        TcpControlService control = new TcpControlService(h.stack, controls);
        assertEquals(List.of(), control.congestionControls());
        assertEquals("reno", control.defaultCongestionControl()); // cubic is not there: the built-in Reno
        controls.add("cubic", new CongestionControlsTest.Named("cubic"));
        controls.add("reno", new CongestionControlsTest.Named("reno"));
        assertEquals(List.of("cubic", "reno"), control.congestionControls());
        assertEquals("cubic", control.defaultCongestionControl());
        control.defaultCongestionControl("reno");
        assertEquals("reno", control.defaultCongestionControl());
        assertThrows(IllegalArgumentException.class, () -> control.defaultCongestionControl("vegas"));
        assertThrows(IllegalArgumentException.class, () -> control.defaultCongestionControl(null));
        assertEquals("reno", control.defaultCongestionControl());
    }

    @Test
    void switchesOneConnectionBySocketPairKeepingItsWindow() throws Exception {
        CongestionControls controls = new CongestionControls();
        controls.add("cubic", new CongestionControlsTest.Named("cubic"));
        controls.add("reno", new CongestionControlsTest.Named("reno"));
        TcpHarness h2 = new TcpHarness();
        TcpStack stack = new TcpStack(h2.pool, h2.clock, () -> h2.ip, h2.counters, TcpConfig.DEFAULTS,
                new IsnGenerator(h2.clock, 1, 2), controls::create);
        h2.redirect = stack;
        TcpControlService control = new TcpControlService(stack, controls);
        stack.listen(acceptor, 0, 8080, 4, TcpHarness.options());
        h2.inject(seg("S").seq(5000).mss(1460));
        TcpHarness.Sent synAck = h2.next();
        h2.inject(seg(".").seq(5001).ack(synAck.seq() + 1L));
        TcpConnection c = (TcpConnection) acceptor.accepted.get(0);
        assertEquals("cubic", control.connections().get(0).congestionControl());
        c.tcb.congestion.cwnd = 99_999;

        assertFalse(control.congestionControl(TcpHarness.LOCAL, 8080, TcpHarness.REMOTE, 40001, "reno"));
        assertFalse(control.congestionControl(TcpHarness.LOCAL, 8080, TcpHarness.REMOTE, 40000, "vegas"));
        assertTrue(control.congestionControl(TcpHarness.LOCAL, 8080, TcpHarness.REMOTE, 40000, "reno"));
        TcpConnectionInfo info = control.connections().get(0);
        assertEquals("reno", info.congestionControl());
        assertEquals(99_999, info.congestionWindow());
        assertEquals(0, h2.pool.outstanding());
    }
}
